"""`python -m manifest` from settings to a valid zip, and the clear failures on bad settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest.settings import load_settings
from tests.manifest.conftest import APP_ID, DOMAIN, SETTING_NAMES, Package, read_package, run_build


def test_the_zip_holds_exactly_the_manifest_its_localisation_and_the_icons(package: Package) -> None:
    assert sorted(package.files) == ["color.png", "en.json", "manifest.json", "outline.png"]


def test_settings_from_the_env_file_fill_the_manifest(package: Package) -> None:
    manifest = package.manifest
    assert manifest["id"] == APP_ID
    assert manifest["version"] == "1.4.2"
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": f"api://botid-{APP_ID}"}
    assert manifest["validDomains"] == [DOMAIN]
    # unset APP_*_URL: the pages the bot serves itself (bot/pages.py)
    assert manifest["developer"]["websiteUrl"] == f"https://{DOMAIN}/"
    assert manifest["developer"]["privacyUrl"] == f"https://{DOMAIN}/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == f"https://{DOMAIN}/terms"


def test_a_current_schema_version_is_used(package: Package) -> None:
    manifest = package.manifest
    major, minor = (int(part) for part in manifest["manifestVersion"].split("."))
    assert (major, minor) >= (1, 24)  # 1.24 raised the bot command limit to 12
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")
    assert package.english["$schema"].endswith(
        f"/v{manifest['manifestVersion']}/MicrosoftTeams.Localization.schema.json"
    )


def test_finnish_is_the_default_and_english_a_localisation(package: Package) -> None:
    info = package.manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "fi"
    assert info["additionalLanguages"] == [{"languageTag": "en", "file": "en.json"}]
    assert "vertaisverkosto" in package.manifest["description"]["full"]
    assert "peer network" in package.english["description.full"]
    assert package.english["name.short"] == package.manifest["name"]["short"] == "Vertaisbotti"


def test_the_bot_works_in_all_three_scopes_and_takes_files(package: Package) -> None:
    bot = package.manifest["bots"][0]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is True
    assert sorted(s for lst in bot["commandLists"] for s in lst["scopes"]) == [
        "groupChat",
        "personal",
        "team",
    ]
    assert all(len(lst["commands"]) <= 12 for lst in bot["commandLists"])


def test_only_the_team_permissions_the_features_use_are_requested(package: Package) -> None:
    rsc = package.manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {(p["name"], p["type"]) for p in rsc} == {
        ("Channel.Create.Group", "Application"),
        ("ChannelSettings.Read.Group", "Application"),
        ("TeamMember.Read.Group", "Application"),
        ("File.Read.Group", "Application"),
    }
    assert "permissions" not in package.manifest  # no legacy identity/messageTeamMembers grants


def test_the_same_settings_build_the_same_bytes(tmp_path: Path, package: Package) -> None:
    result = run_build(tmp_path, MicrosoftAppId=APP_ID, BOT_DOMAIN=DOMAIN, APP_VERSION="1.4.2")
    assert result.returncode == 0, result.stderr
    assert read_package(tmp_path / "build" / "appPackage.zip").files == package.files
    assert (tmp_path / "build" / "appPackage.zip").read_bytes() == package.path.read_bytes()


def test_the_environment_overrides_the_env_file_and_a_suffix_names_the_test_app(tmp_path: Path) -> None:
    result = run_build(
        tmp_path,
        env_file=f"MicrosoftAppId={APP_ID}\nBOT_DOMAIN={DOMAIN}\nAPP_VERSION=1.0.0\n",
        APP_VERSION="2.0.1",
        APP_NAME_SUFFIX=" (testi)",
    )
    assert result.returncode == 0, result.stderr
    built = read_package(tmp_path / "build" / "appPackage.zip")
    assert built.manifest["version"] == "2.0.1"
    assert built.manifest["name"]["short"] == "Vertaisbotti (testi)"
    assert built.english["name.short"] == "Vertaisbotti (testi)"
    assert "2.0.1" in result.stdout


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"BOT_DOMAIN": DOMAIN}, "MicrosoftAppId is not set"),
        ({"MicrosoftAppId": "", "BOT_DOMAIN": DOMAIN}, "MicrosoftAppId is empty"),
        ({"MicrosoftAppId": "my-bot", "BOT_DOMAIN": DOMAIN}, "MicrosoftAppId must be"),
        (
            {"MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN, "APP_VERSION": "1.0"},
            "APP_VERSION must be MAJOR.MINOR.PATCH",
        ),
        ({"MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN, "APP_VERSION": "v1.0.0"}, "APP_VERSION must be"),
        ({"MicrosoftAppId": APP_ID}, "BOT_DOMAIN is not set"),
        ({"MicrosoftAppId": APP_ID, "BOT_DOMAIN": f"https://{DOMAIN}/api/messages"}, "BOT_DOMAIN must be"),
        (
            {"MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN, "APP_NAME_SUFFIX": " " + "x" * 20},
            "APP_NAME_SUFFIX",
        ),
        (
            {"MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN, "APP_PRIVACY_URL": "http://example.fi/privacy"},
            "must be https URLs",
        ),
    ],
)
def test_a_bad_setting_fails_with_one_clear_line_and_no_zip(
    tmp_path: Path, settings: dict[str, str], expected: str
) -> None:
    result = run_build(tmp_path, **settings)
    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stderr.startswith("make package: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "build").exists()


def test_the_toolkits_bot_id_names_the_app_as_the_service_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_ID", APP_ID.upper())
    monkeypatch.setenv("BOT_DOMAIN", DOMAIN)
    settings = load_settings(env_file=None)
    assert settings.app_id == APP_ID
    assert settings.page_url("privacy") == f"https://{DOMAIN}/privacy"
