"""The aiohttp application: `create_app(settings)` builds everything; nothing happens at import time."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from functools import partial
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from bot.adapter import TeamsAdapter
from bot.background import Background
from bot.badges.web import BadgeService, jose_signer
from bot.badges.web import add_routes as add_badge_routes
from bot.build import build_info, version
from bot.connector import ConnectorPool, reuse_trace
from bot.failures import FailureLog
from bot.features import build_router
from bot.features.badges import after_assessment
from bot.features.install import on_install, on_members_added, on_members_removed
from bot.files import Downloads
from bot.filing import FilingResumer, start_resumer
from bot.graph_setup import open_graph
from bot.guards import KeyedLocks
from bot.handler import VertaisBot
from bot.i18n import Catalogs
from bot.join_page import add_routes as add_join_routes
from bot.logs import turn_scope
from bot.metrics import Metrics
from bot.outbox import build_worker
from bot.pages import add_routes as add_page_routes
from bot.retention import RetentionScheduler, start_retention
from bot.schedules.badges import start_evaluator
from bot.schedules.coaching import CoachingScheduler, start_coaching
from bot.schedules.delivery_reports import DeliveryReporter, start_delivery_reports
from bot.schedules.joins import JoinScheduler, start_joins
from bot.schedules.polls import PollCloser, start_poll_closer
from bot.schedules.reminders import ReminderScheduler, start_reminders
from bot.secret import load_server_key
from bot.seen import SeenMiddleware
from bot.services import Services
from bot.settings import Settings
from bot.shared_cards import SharedCards
from bot.turn_errors import turn_error_handler
from bot.turn_log import log_summary
from core.coaching import CoachingConfig
from core.credentials import Issuer
from core.polls import RecentPolls
from store import open_store
from store.assessment import DEFAULT_QUESTIONNAIRE_FILE, load_questionnaire
from store.badges import DEFAULT_BADGES_FILE
from store.coaching_file import load_themes
from store.networks import DEFAULT_CATALOGUE_FILE
from store.organizations_file import DEFAULT_ORGANIZATIONS_FILE, load_organizations

if TYPE_CHECKING:
    from bot.telemetry import Telemetry

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
SERVICES = web.AppKey("services", Services)
ADAPTER = web.AppKey("adapter", TeamsAdapter)
BOT = web.AppKey("bot", VertaisBot)
REMINDERS = web.AppKey("reminders", ReminderScheduler)
POLL_CLOSER = web.AppKey("poll_closer", PollCloser)
DELIVERY_REPORTS = web.AppKey("delivery_reports", DeliveryReporter)
TELEMETRY: web.AppKey[Telemetry] = web.AppKey("telemetry")
BACKLOG_TIMEOUT_S = 2.0
COACHING = web.AppKey("coaching", CoachingScheduler)
RETENTION = web.AppKey("retention", RetentionScheduler)
JOINS = web.AppKey("joins", JoinScheduler)
RESUMER = web.AppKey("resumer", FilingResumer)
MAIN = web.AppKey("main", web.Application)  # on the management app: the service's app, whose state it shows
MANAGEMENT_URL = web.AppKey("management_url", str)  # where the management listener answers, once started


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[METRICS].set_build(build_info(settings.build_revision))
    if settings.applicationinsights_connection_string.get_secret_value():
        # OpenTelemetry and its exporter are imported only when traces go somewhere (a start's 0.2 s)
        from bot.telemetry import add_server_middleware, start_telemetry

        telemetry = start_telemetry(settings, version())
        if telemetry is not None:
            app[TELEMETRY] = telemetry
            add_server_middleware(app, telemetry)
    app.cleanup_ctx.append(_lifespan)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", _token_only(readyz))
    app.router.add_get("/metrics", _token_only(metrics))
    add_badge_routes(app, SERVICES)
    add_page_routes(app, SERVICES)
    add_join_routes(app, SERVICES)
    return app


def _management_app(main: web.Application) -> web.Application:
    """What the management listener serves: readiness and metrics of `main`, to whoever reaches it."""
    management = web.Application()
    management[MAIN] = main
    management.router.add_get("/healthz", healthz)
    management.router.add_get("/readyz", readyz)
    management.router.add_get("/metrics", metrics)
    return management


async def _start_management(app: web.Application, stack: AsyncExitStack) -> None:
    settings = app[SETTINGS]
    if settings.management_port is None:
        if not settings.metrics_token.get_secret_value():
            log.warning(
                "MANAGEMENT_PORT is empty and METRICS_TOKEN unset: /readyz and /metrics are served nowhere"
            )
        return
    runner = web.AppRunner(_management_app(app), access_log=None, handle_signals=False)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, settings.management_host, settings.management_port)
    try:
        await site.start()
    except OSError as error:  # auxiliary: the bot still answers Teams, and /healthz says it is alive
        where = f"{settings.management_host}:{settings.management_port}"
        log.error("management listener not started on %s: %s", where, error)
        return
    host, port = runner.addresses[0][:2]
    app[MANAGEMENT_URL] = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    log.info("management listener (/readyz, /metrics) at %s", app[MANAGEMENT_URL])


def _token_only(
    handler: Callable[[web.Request], Awaitable[web.Response]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`handler` on the service port: only with `Authorization: Bearer <METRICS_TOKEN>`, else 401; 404 when
    no token is set (then it is on the management listener only)."""

    async def guarded(request: web.Request) -> web.Response:
        token = request.app[SETTINGS].metrics_token.get_secret_value()
        if not token:
            return web.json_response({"error": "served on the management port"}, status=404)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return web.json_response(
                {"error": "bearer token required"}, status=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return await handler(request)

    return guarded


def _main(request: web.Request) -> web.Application:
    main = request.app.get(MAIN)
    return main if main is not None else request.app


async def _lifespan(app: web.Application) -> AsyncIterator[None]:
    """Builds the services in order and closes them in reverse order on shutdown."""
    settings = app[SETTINGS]
    telemetry = app.get(TELEMETRY)
    async with AsyncExitStack() as stack:
        if telemetry is not None:
            # last: flushes the spans of the shutdown itself (blocking HTTP, so off the event loop)
            stack.push_async_callback(asyncio.to_thread, telemetry.shutdown)
        key = await load_server_key(settings)
        questionnaire = await load_questionnaire(settings.assessment_file or DEFAULT_QUESTIONNAIRE_FILE)
        issuer = Issuer(
            settings.public_base_url,
            settings.badge_issuer_name,
            settings.badge_issuer_homepage,
            settings.badge_issuer_email,
        )
        store = await open_store(
            settings.database_url, networks_file=DEFAULT_CATALOGUE_FILE, badges_file=DEFAULT_BADGES_FILE
        )
        stack.push_async_callback(store.close)
        if telemetry is not None:
            telemetry.instrument_engine(store.engine)
        graph = await stack.enter_async_context(open_graph(settings, observer=app[METRICS].observe_graph))
        traces = [reuse_trace()]  # tells the connector a dead pooled connection (bot/connector.py)
        if telemetry is not None:
            traces.append(telemetry.client_trace_config())
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30), trace_configs=traces)
        stack.push_async_callback(session.close)
        adapter = TeamsAdapter(settings, ConnectorPool(lambda: session))
        stack.callback(adapter.close)
        worker = build_worker(store, adapter, settings, app[METRICS])
        background = Background()
        downloads = Downloads(loopback=settings.downloads_from_loopback)
        downloads.session()  # opened here, in the loop; closed after the background transfers below
        stack.push_async_callback(downloads.close)
        services = Services(
            settings=settings,
            catalogs=Catalogs(),
            metrics=app[METRICS],
            store=store,
            workspace=graph.workspace,
            graph=graph,
            key=key,
            background=background,
            downloads=downloads,
            outbox=worker,
            shared_cards=SharedCards(background),
            recent_polls=RecentPolls(),
            launch_locks=KeyedLocks(),
            questionnaire=questionnaire,
            badges=BadgeService(issuer, partial(jose_signer, settings)),  # the key loads on first use
            on_assessment_done=[after_assessment],
            coaching=await _coaching(settings),
        )
        app[SERVICES] = services
        failures = FailureLog(logging.getLogger("bot.turn"), settings.log_summary_seconds)
        adapter.on_turn_error = turn_error_handler(services, failures)
        summaries = asyncio.create_task(_summarise(failures), name="failure summaries")
        stack.callback(summaries.cancel)
        adapter.teams_only_text = lambda locale: services.catalogs.for_locale(locale)("channel.teams_only")
        adapter.use(SeenMiddleware(store))
        app[ADAPTER] = adapter
        app[BOT] = VertaisBot(
            services,
            build_router(),
            on_install=on_install,
            on_members_added=on_members_added,
            on_members_removed=on_members_removed,
        )
        worker.start()
        stack.push_async_callback(worker.stop)  # stops after the background work, before session and store
        # Background work (file transfers, pending shared card updates) finishes before the outbox stops.
        stack.push_async_callback(background.aclose)
        stack.push_async_callback(lambda: services.shared_cards.aclose())  # pending card updates go out first
        app[REMINDERS] = start_reminders(services)
        stack.push_async_callback(app[REMINDERS].stop)  # meeting reminders; stop first
        stack.push_async_callback(start_evaluator(services).stop)  # automatic badges; stop first too
        app[POLL_CLOSER] = start_poll_closer(services)
        stack.push_async_callback(app[POLL_CLOSER].stop)  # polls closed at their time, likewise
        app[DELIVERY_REPORTS] = start_delivery_reports(services)
        stack.push_async_callback(app[DELIVERY_REPORTS].stop)  # reports of finished broadcasts, likewise
        app[COACHING] = start_coaching(services)
        stack.push_async_callback(app[COACHING].stop)  # coaching follow-ups and group chats, likewise
        app[JOINS] = start_joins(services)
        stack.push_async_callback(app[JOINS].stop)  # join requests' membership jobs, likewise
        app[RESUMER] = start_resumer(services)
        stack.push_async_callback(app[RESUMER].stop)  # no filing resumed while the background work ends
        app[RETENTION] = start_retention(store, settings)
        stack.push_async_callback(app[RETENTION].stop)  # forgets what the retention settings keep no longer
        await _start_management(app, stack)  # stopped first on shutdown
        log.info("Vertaisbotti ready (anonymous=%s, graph=%s)", settings.anonymous, settings.graph_base_url)
        yield


async def _summarise(failures: FailureLog) -> None:
    """Every interval, the count of each repeating failure (bot/failures.py), also once failures stop."""
    while True:
        await asyncio.sleep(failures.interval)
        failures.summarise()


async def _coaching(settings: Settings) -> CoachingConfig:
    """Peer coaching's start-up configuration: its themes file and the seed file's organisations."""
    seeded = DEFAULT_ORGANIZATIONS_FILE.exists()
    listed = await load_organizations(DEFAULT_ORGANIZATIONS_FILE) if seeded else []
    owned = frozenset(o.key for o in listed)
    return CoachingConfig(
        themes=await load_themes(),
        file_organizations=owned,
        group_chats=settings.coaching_group_chats,
        teams_app_id=settings.teams_app_catalog_id or None,
    )


async def messages(request: web.Request) -> web.StreamResponse:
    started = time.perf_counter()
    app = request.app
    with turn_scope() as turn:  # every line logged while the turn runs carries its ids
        try:
            response, outcome = await app[ADAPTER].handle(request, app[BOT])
        except web.HTTPRequestEntityTooLarge:
            seconds = time.perf_counter() - started
            app[METRICS].observe_turn("-", 413, seconds)
            log_summary(turn, 413, seconds)
            return web.json_response({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
        seconds = time.perf_counter() - started
        app[METRICS].observe_turn(outcome.activity_type, outcome.status, seconds)
        log_summary(turn, outcome.status, seconds)
    return response


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    services = _main(request).get(SERVICES)
    if services is not None:
        try:
            await services.store.ping()
        except Exception as error:  # any database failure means "not ready"
            log.warning("not ready: %s", error)
            return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    registry = _main(request)[METRICS]
    services = _main(request).get(SERVICES)
    if services is not None:
        try:  # the outbox gauges are read from the database at each scrape, bounded in time
            registry.set_backlog(await asyncio.wait_for(services.store.backlog(), timeout=BACKLOG_TIMEOUT_S))
        except Exception as error:  # a database that does not answer shows on /readyz; keep /metrics up
            log.debug("outbox backlog not read: %s", error)
    return web.Response(body=registry.render(), headers={"Content-Type": registry.content_type})
