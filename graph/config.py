"""Typed settings for the Graph side: where Graph and the token authority are, and the app's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from graph.credentials import ClientCertificate, Credential, ManagedIdentity
from graph.observe import RequestObserver

MIB = 1024 * 1024
FRAGMENT_UNIT = 320 * 1024
SIMPLE_UPLOAD_MAX = 250 * MIB


@dataclass(frozen=True)
class GraphConfig:
    """Built once at start by the bot's settings (or by the sandbox) and passed in.

    The app proves itself with one of `client_secret`, `certificate` or `managed_identity` (none: Graph
    refuses every call). `ca_bundle` is a PEM file trusted for the token authority (the sandbox's
    self-signed certificate); leave it None for Microsoft's authority. Upload tuning: files above
    `session_threshold` bytes go through an upload session in fragments of `fragment_size` bytes (a
    multiple of 320 KiB, under 60 MiB).
    """

    base_url: str
    authority_host: str
    tenant_id: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    certificate: ClientCertificate | None = None
    managed_identity: ManagedIdentity | None = None
    ca_bundle: str | None = None
    session_threshold: int = 8 * MIB
    fragment_size: int = 16 * FRAGMENT_UNIT
    max_retries: int = 5
    # kiota's own retry of a 429/503/504 that names no Retry-After waits this base plus its backoff and jitter
    retry_delay: float = 3.0
    folder_wait_seconds: float = 60.0
    # told of every HTTP request sent (the service's metrics); None: nobody is told
    observer: RequestObserver | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if sum(map(bool, (self.client_secret, self.certificate, self.managed_identity))) > 1:
            raise ValueError(
                "Graph takes one credential: a client secret, a certificate or a managed identity"
            )
        if not urlsplit(self.base_url).hostname:
            raise ValueError(f"GRAPH_BASE_URL must be an absolute URL, got {self.base_url!r}")
        if urlsplit(self.authority_host).scheme != "https":
            raise ValueError("GRAPH_AUTHORITY_HOST must be an https URL (msal accepts no other)")
        if not 0 < self.session_threshold <= SIMPLE_UPLOAD_MAX:
            raise ValueError("session_threshold must be between 1 byte and 250 MB")
        if self.fragment_size % FRAGMENT_UNIT or not 0 < self.fragment_size < 60 * MIB:
            raise ValueError("fragment_size must be a multiple of 320 KiB below 60 MiB")

    @property
    def graph_host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def scope(self) -> str:
        """The client-credentials scope: `<scheme>://<host>/.default` of the Graph base URL."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}/.default"

    @property
    def credential(self) -> Credential:
        return self.managed_identity or self.certificate or self.client_secret

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant_id}"
