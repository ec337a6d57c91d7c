"""Typed settings from the environment and `.env` (see `.env.example`); invalid values fail at start."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.credentials import ClientCertificate, Credential, ManagedIdentity

SANDBOX = "sandbox"
MICROSOFT_GRAPH = "https://graph.microsoft.com/v1.0"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """Everything the service reads from its environment, validated once at start and passed in."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    host: str = Field("127.0.0.1", validation_alias="HOST")
    port: int = Field(3978, ge=0, le=65535, validation_alias="PORT")
    # /readyz and /metrics are served on a management listener of their own (loopback by default; empty port:
    # none), and on PORT only to a request carrying `Authorization: Bearer <METRICS_TOKEN>` when that is set.
    # /healthz stays public on PORT.
    management_host: str = Field("127.0.0.1", validation_alias="MANAGEMENT_HOST")
    management_port: int | None = Field(3979, ge=0, le=65535, validation_alias="MANAGEMENT_PORT")
    metrics_token: SecretStr = Field(SecretStr(""), validation_alias="METRICS_TOKEN")

    app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "APP_ID", "BOT_ID"))
    app_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("MicrosoftAppPassword", "APP_PASSWORD", "BOT_PASSWORD")
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "APP_TENANTID", "BOT_TENANT_ID")
    )
    app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = Field(
        "SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "APP_TYPE", "BOT_TYPE")
    )
    # A client certificate instead of the password: a PEM file (or its text, as a Key Vault reference
    # passes it) with the private key and the certificate uploaded to the app registration.
    app_certificate_file: Path | None = Field(None, validation_alias="MicrosoftAppCertificateFile")
    app_certificate: SecretStr = Field(SecretStr(""), validation_alias="MicrosoftAppCertificate")

    to_bot_from_channel_openid_metadata_url: str | None = Field(
        None, validation_alias="TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"
    )
    to_bot_from_channel_token_issuer: str | None = Field(
        None, validation_alias="TO_BOT_FROM_CHANNEL_TOKEN_ISSUER"
    )
    to_channel_from_bot_login_url: str | None = Field(None, validation_alias="TO_CHANNEL_FROM_BOT_LOGIN_URL")
    to_channel_from_bot_oauth_scope: str | None = Field(
        None, validation_alias="TO_CHANNEL_FROM_BOT_OAUTH_SCOPE"
    )

    database_url: str = Field("sqlite:///var/vertaisbotti.db", validation_alias="DATABASE_URL")

    # Empty: Microsoft Graph when there are credentials to call it with, otherwise the local sandbox.
    graph_base_url: str = Field("", validation_alias="GRAPH_BASE_URL")
    graph_authority_host: str = Field(
        "https://login.microsoftonline.com", validation_alias="GRAPH_AUTHORITY_HOST"
    )
    graph_client_id: str = Field("", validation_alias="GRAPH_CLIENT_ID")
    graph_client_secret: SecretStr = Field(SecretStr(""), validation_alias="GRAPH_CLIENT_SECRET")
    graph_certificate_file: Path | None = Field(None, validation_alias="GRAPH_CERTIFICATE_FILE")
    graph_certificate: SecretStr = Field(SecretStr(""), validation_alias="GRAPH_CERTIFICATE")
    graph_retry_delay: float = Field(3.0, ge=0, le=60, validation_alias="GRAPH_RETRY_DELAY_SECONDS")

    team_id: str = Field("", validation_alias="TEAM_ID")
    # Peer coaching: a Graph group chat per confirmed group (Chat.Create), with the bot installed in it
    # when the app's catalogue id is given (TeamsAppInstallation.ReadWriteSelfForChat.All).
    coaching_group_chats: bool = Field(False, validation_alias="COACHING_GROUP_CHATS")
    teams_app_catalog_id: str = Field("", validation_alias="TEAMS_APP_CATALOG_ID")
    # Keys anonymous ballots (HMAC); instances behind one database must share it. Empty: a file under var/.
    poll_secret: SecretStr = Field(SecretStr(""), validation_alias="POLL_SECRET")
    coordinators: Annotated[frozenset[str], NoDecode] = Field(frozenset(), validation_alias="COORDINATORS")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", validation_alias="LOG_FORMAT")
    # A failure that repeats (e.g. the database away) logs its traceback once, then one line per failure
    # and a count per this many seconds.
    log_summary_seconds: float = Field(60.0, gt=0, validation_alias="LOG_SUMMARY_SECONDS")

    var_dir: Path = Field(Path("var"), validation_alias="VAR_DIR")

    # Observability: traces to Azure Monitor when the connection string is set (see bot/telemetry.py).
    applicationinsights_connection_string: SecretStr = Field(
        SecretStr(""), validation_alias="APPLICATIONINSIGHTS_CONNECTION_STRING"
    )
    otel_service_name: str = Field("vertaisbotti", min_length=1, validation_alias="OTEL_SERVICE_NAME")
    # The source revision the image was built from (the Dockerfile sets it); shown in vertaisbotti_build_info.
    build_revision: str = Field("", validation_alias="BUILD_REVISION")
    # The self-assessment's questionnaire (YAML, see config/assessment.yml); empty: that default file.
    assessment_file: Path | None = Field(None, validation_alias="ASSESSMENT_FILE")

    # Badges (Open Badges 3.0): the public https address of this service (issuer, verification pages),
    # the PEM private key that signs them (required off loopback), and the issuer's name and pages.
    public_url: str = Field("", validation_alias="PUBLIC_URL")
    badge_signing_key_file: Path | None = Field(None, validation_alias="BADGE_SIGNING_KEY_FILE")
    badge_signing_key: SecretStr = Field(SecretStr(""), validation_alias="BADGE_SIGNING_KEY")  # PEM text
    badge_issuer_name: str = Field(
        "Vertaansa vailla – verkostot johtamisen tukena", validation_alias="BADGE_ISSUER_NAME"
    )
    badge_issuer_homepage: str = Field("", validation_alias="BADGE_ISSUER_HOMEPAGE")
    badge_issuer_email: str = Field("", validation_alias="BADGE_ISSUER_EMAIL")
    # The app's web pages (/, /privacy, /terms): the organisation answerable for the service (the same name
    # the app package shows as its developer) and the address people write to about their data.
    app_developer_name: str = Field(
        "Vertaisbotti", min_length=1, max_length=32, validation_alias="APP_DEVELOPER_NAME"
    )
    app_contact_email: str = Field("", validation_alias="APP_CONTACT_EMAIL")

    # Retention (applied hourly by bot/retention.py): finished outbox rows and audit entries, in days (0
    # keeps them for good), and claimed activity ids, in hours (Teams redelivers within minutes).
    outbox_retention_days: int = Field(30, ge=0, le=36500, validation_alias="OUTBOX_RETENTION_DAYS")
    activity_retention_hours: int = Field(48, ge=1, le=87600, validation_alias="ACTIVITY_RETENTION_HOURS")
    audit_retention_days: int = Field(730, ge=0, le=36500, validation_alias="AUDIT_RETENTION_DAYS")
    join_retention_days: int = Field(180, ge=0, le=36500, validation_alias="JOIN_RETENTION_DAYS")
    # Join requests: the bot's mailbox (a user or shared mailbox's address) that tells people the outcome by
    # email through Graph sendMail (application permission Mail.Send); empty: told in the bot's chat once in.
    mail_sender: str = Field("", validation_alias="MAIL_SENDER")
    # Proxies in front of the service that append to X-Forwarded-For (Container Apps' ingress: 1); 0 takes
    # the connecting address. The join page counts its requests per client address.
    forwarded_hops: int = Field(0, ge=0, le=5, validation_alias="FORWARDED_HOPS")
    # Files sent to the bot are fetched only from public addresses; local development and tests serve them
    # from this machine, which this allows (in local anonymous mode only).
    downloads_from_loopback: bool = Field(False, validation_alias="DOWNLOADS_FROM_LOOPBACK")

    _app_cert: ClientCertificate | None = PrivateAttr(None)
    _graph_cert: ClientCertificate | None = PrivateAttr(None)

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "to_bot_from_channel_openid_metadata_url",
        "to_bot_from_channel_token_issuer",
        "to_channel_from_bot_login_url",
        "to_channel_from_bot_oauth_scope",
        "app_certificate_file",
        "graph_certificate_file",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("management_port", mode="before")
    @classmethod
    def _no_port(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("metrics_token")
    @classmethod
    def _token_long_enough(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 24:
            raise ValueError("METRICS_TOKEN must be at least 24 characters (or empty: management port only)")
        return value

    @field_validator("poll_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 32:
            raise ValueError("POLL_SECRET must be at least 32 characters (or empty for a key under var/)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("public_url", "badge_issuer_homepage")
    @classmethod
    def _public(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("graph_base_url", "graph_authority_host")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value:
            return value
        if value != SANDBOX and not value.startswith(("https://", "http://")):
            raise ValueError(f"expected an http(s) URL or '{SANDBOX}', got {value!r}")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        self._app_cert = _certificate(
            self.app_certificate, self.app_certificate_file, "MicrosoftAppCertificate"
        )
        self._graph_cert = _certificate(
            self.graph_certificate, self.graph_certificate_file, "GRAPH_CERTIFICATE"
        )
        if self._graph_cert and self.graph_client_secret.get_secret_value():
            raise ValueError("set GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_FILE, not both")
        if self.app_type == "UserAssignedMSI":
            if not self.app_id:
                raise ValueError(
                    "MicrosoftAppType=UserAssignedMSI needs MicrosoftAppId: the client id of the "
                    "user-assigned managed identity"
                )
            if self.app_password.get_secret_value() or self._app_cert:
                raise ValueError(
                    "MicrosoftAppType=UserAssignedMSI takes no MicrosoftAppPassword or certificate: the "
                    "managed identity is the credential"
                )
        if (
            self.management_port
            and self.management_port == self.port
            and self.management_host in (self.host, "0.0.0.0", "::")
        ):
            raise ValueError(f"MANAGEMENT_PORT must differ from PORT ({self.port})")
        if not self.graph_base_url:
            has_credentials = bool(self.graph_client_id or self.app_id)
            self.graph_base_url = MICROSOFT_GRAPH if has_credentials else SANDBOX
        if self.downloads_from_loopback and not self.anonymous:
            raise ValueError(
                "DOWNLOADS_FROM_LOOPBACK is for local development and tests (local anonymous mode): with "
                "MicrosoftAppId set, files are fetched from public addresses only"
            )
        if self.anonymous:
            if not is_loopback(self.host):
                raise ValueError(
                    "MicrosoftAppId is empty (local anonymous mode), which is allowed only on a loopback "
                    f"HOST, not {self.host!r}. Set MicrosoftAppId and MicrosoftAppPassword to listen "
                    "on other addresses."
                )
        else:
            if self.database_url.startswith("postgres") and not self.poll_secret.get_secret_value():
                raise ValueError(
                    "POLL_SECRET is required with PostgreSQL: every instance must key anonymous ballots alike"
                )
            has_password = bool(self.app_password.get_secret_value())
            if self.app_type != "UserAssignedMSI" and not (has_password or self._app_cert):
                raise ValueError(
                    "MicrosoftAppPassword is required when MicrosoftAppId is set (or a certificate: "
                    "MicrosoftAppCertificateFile)"
                )
            if has_password and self._app_cert:
                raise ValueError("set MicrosoftAppPassword or MicrosoftAppCertificateFile, not both")
            if self.app_type != "MultiTenant" and not self.app_tenant_id:
                raise ValueError(f"MicrosoftAppTenantId is required for MicrosoftAppType={self.app_type}")
            if self.app_type == "MultiTenant" and not self.app_tenant_id and not self.graph_sandbox:
                raise ValueError(
                    "MicrosoftAppType=MultiTenant needs MicrosoftAppTenantId for Graph: client credentials "
                    "cannot use the /organizations authority"
                )
        return self

    @property
    def bot_credential(self) -> Credential | None:
        """How the bot proves itself for its own Bot Framework token (None: anonymous mode)."""
        if self.anonymous:
            return None
        if self.app_type == "UserAssignedMSI":
            return ManagedIdentity(self.app_id)
        return self._app_cert or self.app_password.get_secret_value()

    @property
    def graph_credential(self) -> Credential:
        """Graph's credential: GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_FILE when set, else the bot's (with
        UserAssignedMSI, the managed identity GRAPH_CLIENT_ID or MicrosoftAppId names)."""
        if self.graph_client_secret.get_secret_value():
            return self.graph_client_secret.get_secret_value()
        if self._graph_cert:
            return self._graph_cert
        if self.app_type == "UserAssignedMSI" and self.app_id:
            return ManagedIdentity(self.graph_client_id or self.app_id)
        return self._app_cert or self.app_password.get_secret_value()

    @property
    def anonymous(self) -> bool:
        """No app id: inbound requests are not authenticated and replies carry no token (loopback only)."""
        return not self.app_id

    @property
    def public_base_url(self) -> str:
        """Where people and verifiers reach this service: PUBLIC_URL, else this HOST and PORT."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def graph_sandbox(self) -> bool:
        return self.graph_base_url == SANDBOX

    def is_coordinator(self, aad_object_id: str | None) -> bool:
        return aad_object_id is not None and aad_object_id.lower() in self.coordinators

    def botbuilder_configuration(self) -> object:
        """The attribute bag botbuilder's ConfigurationBotFrameworkAuthentication reads."""

        class _Config:
            APP_ID = self.app_id
            APP_PASSWORD = self.app_password.get_secret_value()
            APP_TENANTID = self.app_tenant_id
            # botbuilder disables authentication only for an empty app id of the MultiTenant type.
            APP_TYPE = "MultiTenant" if self.anonymous else self.app_type
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = self.to_bot_from_channel_openid_metadata_url
            TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = self.to_bot_from_channel_token_issuer
            TO_CHANNEL_FROM_BOT_LOGIN_URL = self.to_channel_from_bot_login_url
            TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = self.to_channel_from_bot_oauth_scope

        return _Config()


def _certificate(text: SecretStr, path: Path | None, name: str) -> ClientCertificate | None:
    """The certificate `name` (PEM text) or `{name}File` (a path) gives, checked; None when neither is set."""
    pem = text.get_secret_value()
    if pem and path:
        raise ValueError(f"set {name} or {name}File, not both")
    if path:
        try:
            pem = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name}File {str(path)!r} cannot be read: {exc}") from exc
        return ClientCertificate.from_pem(pem, where=f"{name}File {str(path)!r}")
    return ClientCertificate.from_pem(pem, where=name) if pem else None
