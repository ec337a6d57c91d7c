"""The deployment files name what they must: the toolkit's project file, the Bicep parameters and app
settings, the app package folder, the settings the service reads. The toolkit CLI checks them offline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pydantic_settings import BaseSettings

from bot.badges.key_settings import check_key_settings
from bot.settings import Settings, is_loopback
from manifest.settings import PackageSettings
from manifest.toolkit import FOLDER, placeholders_in, toolkit_files

ROOT = Path(__file__).resolve().parents[2]
BICEP = ROOT / "infra" / "main.bicep"
PARAMETERS = ROOT / "infra" / "main.parameters.json"
ATK = ROOT / "tests" / "deploy" / "node_modules" / "@microsoft" / "m365agentstoolkit-cli" / "cli.js"
ENV_EXAMPLE = ROOT / "env" / ".env.dev.example"
USER_EXAMPLE = ROOT / "env" / ".env.dev.user.example"
_PLACEHOLDER = re.compile(r"\$\{\{([A-Z0-9_]+)\}\}")
# Written by the toolkit itself as it goes: the built-in environment name, aadApp/create, arm/deploy outputs.
WRITTEN = {"TEAMSFX_ENV", "BOT_ID", "SECRET_BOT_PASSWORD", "TEAMS_APP_TENANT_ID"}
WRITTEN |= {"BOT_DOMAIN", "CONTAINER_APP_NAME"}


def bicep_parameters() -> dict[str, bool]:
    """Each `param` of main.bicep -> whether it has a default."""
    found = {}
    for match in re.finditer(r"^param (\w+) \w+( =)?", BICEP.read_text(), re.MULTILINE):
        found[match.group(1)] = bool(match.group(2))
    return found


def bicep_outputs() -> set[str]:
    return set(re.findall(r"^output (\w+) ", BICEP.read_text(), re.MULTILINE))


def env_names(path: Path) -> set[str]:
    return {line.split("=", 1)[0] for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}


def upper_snake(name: str) -> str:
    """The toolkit's name for an arm/deploy output: botDomain -> BOT_DOMAIN."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def service_settings() -> set[str]:
    return settings_names(Settings)


def lifecycle(name: str, file: str = "m365agents.yml") -> list[dict]:
    return yaml.safe_load((ROOT / file).read_text())[name]


def test_the_project_file_builds_the_package_from_appPackage_and_deploys_infra() -> None:
    provision = lifecycle("provision")
    uses = [step["uses"] for step in provision]
    assert uses == ["aadApp/create", "arm/deploy", "teamsApp/validateManifest", "teamsApp/zipAppPackage"]
    [arm] = [step for step in provision if step["uses"] == "arm/deploy"]
    [template] = arm["with"]["templates"]
    assert (ROOT / template["path"]).resolve() == BICEP
    assert (ROOT / template["parameters"]).resolve() == PARAMETERS
    for step in provision[2:]:
        assert (ROOT / step["with"]["manifestPath"]).resolve() == FOLDER / "manifest.json"
    [create] = [step for step in provision if step["uses"] == "aadApp/create"]
    assert create["with"]["signInAudience"] == "AzureADMyOrg"  # single tenant
    assert create["writeToEnvironmentFile"]["clientId"] == "BOT_ID"
    assert create["writeToEnvironmentFile"]["clientSecret"] == "SECRET_BOT_PASSWORD"
    assert {upper_snake(name) for name in bicep_outputs()} >= {"BOT_DOMAIN", "CONTAINER_APP_NAME"}


def test_every_placeholder_is_set_by_the_example_environment_or_the_toolkit() -> None:
    known = env_names(ENV_EXAMPLE) | env_names(USER_EXAMPLE) | WRITTEN
    used = set()
    for file in ("m365agents.yml", "m365agents.local.yml", "infra/main.parameters.json"):
        used |= set(_PLACEHOLDER.findall((ROOT / file).read_text()))
    for name in ("manifest.json", "en.json"):
        used |= placeholders_in((FOLDER / name).read_bytes())
    assert used - known == set()


def test_the_parameters_file_gives_every_required_bicep_parameter_and_only_real_ones() -> None:
    declared = bicep_parameters()
    given = set(json.loads(PARAMETERS.read_text())["parameters"])
    assert given - set(declared) == set()
    assert {name for name, has_default in declared.items() if not has_default} - given == set()


def test_the_container_app_sets_only_settings_the_service_reads() -> None:
    text = BICEP.read_text()
    names = set(re.findall(r"name: '([A-Za-z_]+)'\n\s+value:", text))
    names |= set(re.findall(r"env: '([A-Za-z_]+)'", text))
    assert {"MicrosoftAppId", "MicrosoftAppPassword", "DATABASE_URL", "POLL_SECRET"} <= names
    assert names - service_settings() == set()


def test_the_container_app_gets_what_the_service_needs_off_loopback() -> None:
    """HOST=0.0.0.0 makes the service refuse to start without a badge key and an https PUBLIC_URL
    (bot.badges.key_settings.check_key_settings): both are always set, the key from Key Vault."""
    text = BICEP.read_text()
    assert re.search(r"name: 'HOST'\n\s+value: '0\.0\.0\.0'", text)
    assert re.search(r"name: 'badge-signing-key'\n\s+env: 'BADGE_SIGNING_KEY'", text)
    assert re.search(r"name: 'badge-signing-key'\n\s+value: badgeSigningKey", text)
    assert "badgeSigningKey" in bicep_parameters() and not bicep_parameters()["badgeSigningKey"]
    assert "empty(badgeSigningKey)" not in text  # never left out of the secrets and the environment
    assert re.search(r"name: 'PUBLIC_URL'\n\s+value: appUrl", text)
    default = "'https://${appName}.${environment.properties.defaultDomain}'"
    assert f"var appUrl = empty(publicUrl) ? {default} : publicUrl" in text
    assert re.search(r"resource app 'Microsoft.App/containerApps@[\w-]+' = \{\n\s+name: appName\n", text)


def test_the_container_apps_environment_passes_the_services_start_checks() -> None:
    """What the template gives the container, with stand-ins for the values Azure fills in, is settings
    `python -m bot` accepts: it validates and passes the badge key check instead of exiting with 2."""
    text = BICEP.read_text()
    literal = dict(re.findall(r"name: '([A-Za-z_]+)'\n\s+value: '([^']*)'", text))
    computed = set(re.findall(r"name: '([A-Za-z_]+)'\n\s+value: [a-zA-Z]", text))
    secret = set(re.findall(r"env: '([A-Za-z_]+)'", text))
    stand_ins = {
        "MicrosoftAppId": "11111111-2222-4333-8444-555555555555",
        "MicrosoftAppTenantId": "66666666-7777-4888-9999-000000000000",
        "MicrosoftAppPassword": "secret",
        "TEAM_ID": "",
        "COORDINATORS": "",
        "OTEL_SERVICE_NAME": "vertaisbotti",
        "PUBLIC_URL": "https://vertaisbotti-app.example.swedencentral.azurecontainerapps.io",
        "APP_DEVELOPER_NAME": "Omnia",
        "APP_CONTACT_EMAIL": "",
        "POLL_SECRET": "x" * 64,
        "DATABASE_URL": "postgresql://vertaisbotti:pw@db.example:5432/vertaisbotti?sslmode=require",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
        "BADGE_SIGNING_KEY": ec.generate_private_key(ec.SECP256R1())
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode(),
    }
    assert computed | secret == set(stand_ins)
    settings = Settings(_env_file=None, **literal, **stand_ins)  # type: ignore[call-arg]
    assert not is_loopback(settings.host) and not settings.anonymous
    check_key_settings(settings)


def settings_names(model: type[BaseSettings]) -> set[str]:
    """Every environment name a settings model reads (aliases included, field names left out)."""
    names = set()
    for field in model.model_fields.values():
        alias = field.validation_alias
        names |= set(alias.choices) if hasattr(alias, "choices") else {alias}
    return {str(name) for name in names if not str(name).islower()}  # the package's field names stay out


def test_every_setting_the_service_and_the_package_read_is_in_env_example() -> None:
    documented = set(re.findall(r"^#?\s*([A-Za-z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    # the other names of the four app settings, described in one comment beside MicrosoftApp*
    aliases_only = {"APP_ID", "APP_PASSWORD", "APP_TENANTID", "APP_TYPE", "BOT_ID", "BOT_PASSWORD"}
    aliases_only |= {"BOT_TENANT_ID", "BOT_TYPE"}
    read = settings_names(Settings) | settings_names(PackageSettings)
    assert {"BOT_DOMAIN", "APP_VERSION", "APP_NAME_SUFFIX", "VAR_DIR", "APP_PRIVACY_URL"} <= read
    assert read - aliases_only - documented == set()
    described = (ROOT / ".env.example").read_text()
    assert all(name in described for name in aliases_only)


def test_the_app_package_folder_is_the_template_with_placeholders() -> None:
    for name, data in toolkit_files().items():
        stale = f"appPackage/{name} is stale: python -m manifest --toolkit appPackage"
        assert (FOLDER / name).read_bytes() == data, stale
    manifest = json.loads((FOLDER / "manifest.json").read_text())
    assert manifest["bots"][0]["botId"] == "${{BOT_ID}}"
    assert manifest["validDomains"] == ["${{BOT_DOMAIN}}"]


def _toolkit_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True)
    for name in ("m365agents.yml", "m365agents.local.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(FOLDER, project / "appPackage", ignore=shutil.ignore_patterns("build"))
    shutil.copytree(ROOT / "infra", project / "infra")
    (project / "env").mkdir()
    values = ENV_EXAMPLE.read_text()
    values = values.replace("\nBOT_ID=\n", "\nBOT_ID=11111111-2222-4333-8444-555555555555\n")
    values = values.replace("\nBOT_DOMAIN=\n", "\nBOT_DOMAIN=vbdev-app.example.azurecontainerapps.io\n")
    (project / "env" / ".env.dev").write_text(values)
    return project


def _atk(project: Path, *args: str, done: str, timeout: float = 180) -> str:
    """Run the toolkit CLI until it prints `done`. Offline it lingers half a minute after its result (a
    network attempt timing out), so it is stopped once the result is out."""
    command = ["node", str(ATK), *args, "--folder", str(project), "--telemetry", "false"]
    command += ["--interactive", "false"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    deadline = time.monotonic() + timeout
    try:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if done in line or time.monotonic() > deadline:
                break
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    return "".join(output)


@pytest.mark.slow
def test_the_toolkit_cli_validates_and_packages_offline(tmp_path: Path) -> None:
    if not ATK.exists():
        pytest.skip("the Agents Toolkit CLI is not installed: make test installs it (tests/deploy)")
    checked, project = _toolkit_project(tmp_path / "validate"), _toolkit_project(tmp_path / "package")
    # The two runs are independent (each on its own copy) and the CLI spends most of its time starting
    # up, so they run side by side: the test costs one run's time instead of two.
    with ThreadPoolExecutor(max_workers=2) as pool:
        validating = pool.submit(_atk, checked, "validate", "--env", "dev", done="validation rules")
        packaging = pool.submit(_atk, project, "package", "--env", "dev", done="built successfully")
        validated, packaged = validating.result(), packaging.result()
    assert "All passed" in validated, validated
    assert "built successfully" in packaged, packaged
    manifest = json.loads((project / "appPackage" / "build" / "manifest.dev.json").read_text())
    assert manifest["id"] == manifest["bots"][0]["botId"] == "11111111-2222-4333-8444-555555555555"
    assert manifest["validDomains"] == ["vbdev-app.example.azurecontainerapps.io"]
    assert manifest["name"]["short"] == "Vertaisbotti (testi)"
    assert (project / "appPackage" / "build" / "appPackage.dev.zip").exists()
