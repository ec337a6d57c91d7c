"""The Agents Toolkit's names for the bot's credentials work like the Bot Framework's own."""

from __future__ import annotations

from bot.settings import Settings

APP = "11111111-2222-4333-8444-555555555555"
TENANT = "66666666-7777-4888-9999-000000000000"


def test_toolkit_and_botbuilder_names_are_accepted() -> None:
    names = [
        ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId", "MicrosoftAppType"),
        ("APP_ID", "APP_PASSWORD", "APP_TENANTID", "APP_TYPE"),
        ("BOT_ID", "BOT_PASSWORD", "BOT_TENANT_ID", "BOT_TYPE"),
    ]
    for app_id, password, tenant, kind in names:
        values = {app_id: APP, password: "s" * 20, tenant: TENANT, kind: "SingleTenant", "HOST": "0.0.0.0"}
        settings = Settings(_env_file=None, **values)
        assert (settings.app_id, settings.app_password.get_secret_value(), settings.app_tenant_id) == (
            APP,
            "s" * 20,
            TENANT,
        )
        assert not settings.anonymous
