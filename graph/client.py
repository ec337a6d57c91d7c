"""The msgraph-sdk client, pointed at `GraphConfig.base_url` with tokens from msal, and the httpx transport
that reports each request to the config's observer.

Everything heavy of the Graph side (msgraph, kiota, httpx, msal's app) is imported from here and from the
operation modules, which `graph.workspace` loads on its first call: the bot's start does not pay for them."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_service_client import GraphServiceClient
from msgraph_core import GraphClientFactory

from graph.auth import MsalTokenProvider
from graph.config import GraphConfig
from graph.observe import RequestObserver


class ObservedTransport(httpx.AsyncBaseTransport):
    """Reports every HTTP request it sends to an observer. It sits under kiota's middleware (retries,
    redirects), so each attempt is reported on its own."""

    def __init__(self, inner: httpx.AsyncBaseTransport, observer: RequestObserver) -> None:
        self._inner = inner
        self._observer = observer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self._inner.handle_async_request(request)
        except Exception:  # no answer (connection refused, timeout, TLS): counted, then raised as is
            self._observer(request.method, None, time.perf_counter() - started)
            raise
        self._observer(request.method, response.status_code, time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True)
class GraphConnection:
    """What every Graph operation needs: the SDK client and its adapter, the settings, and a plain HTTP
    client for upload-session URLs (which must get no Authorization header)."""

    config: GraphConfig
    client: GraphServiceClient
    adapter: GraphRequestAdapter
    tokens: MsalTokenProvider
    uploads: httpx.AsyncClient
    _http: httpx.AsyncClient
    _transport: httpx.AsyncBaseTransport

    async def close(self) -> None:
        await self._http.aclose()
        await self._transport.aclose()  # kiota's middleware transport does not close the one it wraps
        await self.uploads.aclose()
        self.tokens.close()


def connect(config: GraphConfig) -> GraphConnection:
    """A `GraphServiceClient` with kiota's default middleware (retry on 429/503/504 with Retry-After,
    redirects) and our msal token provider. The SDK's default Azure Identity provider is not used: it
    silently sends no token to hosts outside its allow-list. Nothing goes over the network until used."""
    tokens = MsalTokenProvider(config)
    transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(trust_env=False)
    upload_transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(trust_env=False)
    if config.observer is not None:
        transport = ObservedTransport(transport, config.observer)
        upload_transport = ObservedTransport(upload_transport, config.observer)
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(120.0, connect=10.0), trust_env=False)
    retries = RetryHandlerOption(delay=config.retry_delay)
    http = GraphClientFactory.create_with_default_middleware(
        client=http, options={RetryHandlerOption.get_key(): retries}
    )
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(tokens), client=http)
    adapter.base_url = config.base_url.rstrip("/")
    uploads = httpx.AsyncClient(
        transport=upload_transport, timeout=httpx.Timeout(300.0, connect=10.0), trust_env=False
    )
    client = GraphServiceClient(request_adapter=adapter)
    return GraphConnection(config, client, adapter, tokens, uploads, http, transport)


def warm(connection: GraphConnection) -> None:
    """Import now what msgraph-sdk imports lazily on the first request: the request builders of the paths
    the operation modules use and the field tables of the models they read (`Entity`'s alone imports over
    a thousand modules). `graph.workspace` calls this in its loading thread, so that no request does it
    on the event loop. Builds nothing that talks to the network."""
    from msgraph.generated.models.aad_user_conversation_member import AadUserConversationMember
    from msgraph.generated.models.channel import Channel
    from msgraph.generated.models.channel_collection_response import ChannelCollectionResponse
    from msgraph.generated.models.chat import Chat
    from msgraph.generated.models.drive_item import DriveItem
    from msgraph.generated.models.drive_item_collection_response import DriveItemCollectionResponse
    from msgraph.generated.models.entity import Entity
    from msgraph.generated.models.file import File
    from msgraph.generated.models.folder import Folder
    from msgraph.generated.models.identity import Identity
    from msgraph.generated.models.identity_set import IdentitySet
    from msgraph.generated.models.invitation import Invitation
    from msgraph.generated.models.item_reference import ItemReference
    from msgraph.generated.models.o_data_errors.main_error import MainError
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.models.teams_app_installation import TeamsAppInstallation
    from msgraph.generated.models.upload_session import UploadSession
    from msgraph.generated.models.user import User

    client = connection.client
    team = client.teams.by_team_id("-")
    _ = team.channels.by_channel_id("-").files_folder, team.members
    item = client.drives.by_drive_id("-").items.by_drive_item_id("-")
    _ = item.content, item.create_upload_session, item.children
    _ = client.chats.by_chat_id("-").installed_apps, client.invitations
    _ = client.groups.by_group_id("-").members.ref, client.users.by_user_id("-").send_mail
    models = (
        Entity, Channel, ChannelCollectionResponse, Chat, AadUserConversationMember, DriveItem,
        DriveItemCollectionResponse, File, Folder, Identity, IdentitySet, ItemReference, Invitation, User,
        TeamsAppInstallation, UploadSession, ODataError, MainError,
    )  # fmt: skip
    for model in models:
        model().get_field_deserializers()
