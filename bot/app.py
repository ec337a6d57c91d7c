"""The aiohttp application: `create_app(settings)` builds everything; nothing happens at import time."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
from aiohttp import web

from bot.adapter import TeamsAdapter
from bot.connector import ConnectorPool
from bot.features import build_router
from bot.features.install import on_install, on_members_added
from bot.features.polls import close_shared_cards
from bot.graph_setup import open_graph
from bot.handler import VertaisBot
from bot.i18n import Catalogs
from bot.meetings import start_reminders
from bot.metrics import Metrics
from bot.outbox import start_worker as start_outbox_worker
from bot.seen import SeenMiddleware
from bot.services import Services
from bot.settings import Settings
from bot.turn_errors import turn_error_handler
from store import open_store

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
SERVICES = web.AppKey("services", Services)
ADAPTER = web.AppKey("adapter", TeamsAdapter)
BOT = web.AppKey("bot", VertaisBot)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    services = Services(settings=settings, catalogs=Catalogs(), metrics=Metrics())
    app[SERVICES] = services
    app.cleanup_ctx.append(_lifespan)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


async def _lifespan(app: web.Application) -> AsyncIterator[None]:
    """Opens what the service needs in order and closes it in reverse order on shutdown."""
    services = app[SERVICES]
    async with AsyncExitStack() as stack:
        services.store = await open_store(services.settings.database_url)
        stack.push_async_callback(services.store.close)
        services.graph = await stack.enter_async_context(open_graph(services.settings))
        services.workspace = services.graph.workspace
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        stack.push_async_callback(session.close)
        stack.push_async_callback(close_shared_cards, services)  # pending poll card updates go out first
        adapter = TeamsAdapter(services.settings, ConnectorPool(lambda: session))
        adapter.on_turn_error = turn_error_handler(services)
        adapter.use(SeenMiddleware(services.store))
        app[ADAPTER] = adapter
        app[BOT] = VertaisBot(
            services, build_router(), on_install=on_install, on_members_added=on_members_added
        )
        stack.push_async_callback(start_outbox_worker(services, adapter).stop)  # stops before session, store
        stack.push_async_callback(start_reminders(services).stop)  # meeting reminders; stop before the outbox
        log.info(
            "Vertaisbotti ready (anonymous=%s, graph=%s)",
            services.settings.anonymous,
            services.settings.graph_base_url,
        )
        yield


async def messages(request: web.Request) -> web.StreamResponse:
    started = time.perf_counter()
    app = request.app
    try:
        response, outcome = await app[ADAPTER].handle(request, app[BOT])
    except web.HTTPRequestEntityTooLarge:
        app[SERVICES].metrics.observe_turn("-", 413, time.perf_counter() - started)
        return web.json_response({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
    app[SERVICES].metrics.observe_turn(outcome.activity_type, outcome.status, time.perf_counter() - started)
    return response


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store
    if store is not None:
        try:
            await store.ping()
        except Exception as error:  # any database failure means "not ready"
            log.warning("not ready: %s", error)
            return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    return web.Response(
        body=services.metrics.render(), headers={"Content-Type": services.metrics.content_type}
    )
