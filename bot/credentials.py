"""The bot's own Bot Framework token from a client certificate or a managed identity (chosen in the
settings: `MicrosoftAppCertificateFile`/`MicrosoftAppCertificate`, or `MicrosoftAppType=UserAssignedMSI`).

botbuilder's configuration knows a password and a user-assigned identity; its certificate credentials
exist only as classes to wire by hand, and build msal without `validate_authority`, so for any authority
but Microsoft's (a sovereign cloud's, a test's) msal first asks login.microsoftonline.com for instance
discovery (msal/authority.py). This factory hands botbuilder credentials that get their tokens from
`graph.credentials.AppTokens` instead, the same msal path and token cache Graph uses, for a certificate and
for a managed identity alike. A client secret stays on botbuilder's own path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botframework.connector.auth import (
    AppCredentials,
    AuthenticationConstants,
    ServiceClientCredentialsFactory,
)

from graph.credentials import AppTokens, Credential

if TYPE_CHECKING:
    from bot.settings import Settings


class MsalAppCredentials(AppCredentials):
    """botbuilder `AppCredentials` whose token comes from `AppTokens` (blocking, as botbuilder expects)."""

    def __init__(self, app_id: str, oauth_scope: str, tokens: AppTokens) -> None:
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self.tokens = tokens

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self.tokens.token()


class MsalCredentialsFactory(ServiceClientCredentialsFactory):
    """Credentials for the app `app_id` proved with a certificate or a managed identity; one `AppTokens`
    (and so one msal token cache) per login endpoint and scope."""

    def __init__(self, app_id: str, tenant_id: str, credential: Credential) -> None:
        self.app_id = app_id
        self.tenant_id = tenant_id
        self.credential = credential
        self._tokens: dict[tuple[str, str], AppTokens] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        if app_id != self.app_id:
            raise PermissionError(f"Invalid app_id {app_id!r}")
        scope = oauth_scope or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        authority = self.authority(login_endpoint)
        key = (authority, scope)
        if key not in self._tokens:
            msal_scope = scope if scope.endswith("/.default") else f"{scope}/.default"
            self._tokens[key] = AppTokens(self.app_id, self.credential, authority=authority, scope=msal_scope)
        return MsalAppCredentials(app_id, scope, self._tokens[key])

    def authority(self, login_endpoint: str) -> str:
        """Microsoft's login endpoint with this app's tenant (a single-tenant bot asks its own tenant, as
        botbuilder's password credentials do); any other endpoint (a sovereign cloud, a test) as given."""
        prefix = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX
        endpoint = (login_endpoint or prefix).rstrip("/")
        if f"{endpoint}/".lower().startswith(prefix):
            return prefix + (self.tenant_id or AuthenticationConstants.DEFAULT_CHANNEL_AUTH_TENANT)
        return endpoint

    def close(self) -> None:
        for tokens in self._tokens.values():
            tokens.close()


def credentials_factory(settings: Settings) -> MsalCredentialsFactory | None:
    """The factory for a certificate or a managed identity; None for a password or anonymous mode, which
    botbuilder's own configuration handles."""
    credential = settings.bot_credential
    if credential is None or isinstance(credential, str):
        return None
    return MsalCredentialsFactory(settings.app_id, settings.app_tenant_id, credential)
