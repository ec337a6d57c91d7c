"""OpenTelemetry traces to Azure Monitor (Application Insights), on only when its connection string is set.

With `APPLICATIONINSIGHTS_CONNECTION_STRING` set, the service traces every request it serves (aiohttp
server), every HTTP call it makes through its aiohttp session (the Bot Connector), every SQL statement
(SQLAlchemy) and, since the provider becomes the process-wide one, the spans msgraph-sdk's kiota layer
already makes for Graph calls. Spans are batched and exported in the background; telemetry that could not
be sent is kept under `var/telemetry` and retried. Without the setting nothing is set up and nothing is sent.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass

from aiohttp import TraceConfig, web
from aiohttp.typedefs import Handler, Middleware
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings

log = logging.getLogger(__name__)


# The exporter's own phoning home, off unless the operator sets these to "false": usage statistics about the
# SDK (statsbeat, SDK stats) and remote configuration fetched from Microsoft (the "control plane").
EXPORTER_SELF_TELEMETRY = (
    "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL",
    "APPLICATIONINSIGHTS_SDKSTATS_DISABLED",
    "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED",
)
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # polled every few seconds: not worth a trace each


@dataclass
class Telemetry:
    provider: TracerProvider
    middleware: Middleware  # opens a server span per request (probes excepted)

    def client_trace_config(self) -> TraceConfig:
        """Pass to `aiohttp.ClientSession(trace_configs=[...])`: a span per outgoing request."""
        from opentelemetry.instrumentation.aiohttp_client import create_trace_config

        return create_trace_config(tracer_provider=self.provider)

    def instrument_engine(self, engine: AsyncEngine) -> None:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # The statement tracing is event listeners on this one engine; the instrumentor's version check stops
        # at SQLAlchemy 2.0 although the listeners it installs work on 2.1 (tests/bot/test_telemetry.py).
        SQLAlchemyInstrumentor().instrument(
            engine=engine.sync_engine, tracer_provider=self.provider, skip_dep_check=True
        )

    def shutdown(self) -> None:
        """Flush what is batched and stop exporting (at service shutdown)."""
        self.provider.shutdown()


def start_telemetry(settings: Settings, version: str) -> Telemetry | None:
    """The tracer provider exporting to Azure Monitor, or None when no connection string is set."""
    connection_string = settings.applicationinsights_connection_string.get_secret_value()
    if not connection_string:
        return None
    for name in EXPORTER_SELF_TELEMETRY:  # read by the exporter from the environment only
        os.environ.setdefault(name, "true")
    from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

    resource = Resource.create(
        {
            "service.name": settings.otel_service_name,
            "service.version": version,
            "service.instance.id": socket.gethostname(),
        }
    )
    provider = TracerProvider(resource=resource)
    exporter = AzureMonitorTraceExporter(
        connection_string=connection_string, storage_directory=str(settings.var_dir / "telemetry")
    )
    provider.add_span_processor(BatchSpanProcessor(exporter))
    # kiota (msgraph-sdk) asks the process-wide provider; the first service in a process sets it.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(provider)
    log.info("OpenTelemetry: traces go to Azure Monitor as service %s", settings.otel_service_name)
    return Telemetry(provider, _server_middleware(provider))


def _server_middleware(provider: TracerProvider) -> Middleware:
    """A SERVER span per request, continuing the caller's trace (W3C `traceparent`), named `METHOD route`.

    The instrumentation package's own middleware depends on state that only its global `instrument()` sets
    (which would patch every aiohttp Application in the process), so the few attributes are set here."""
    tracer = provider.get_tracer("vertaisbotti.server")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in PROBES:
            return await handler(request)
        route = request.match_info.route.resource
        template = route.canonical if route is not None else request.path
        attributes = {
            "http.request.method": request.method,
            "http.route": template,
            "url.path": request.path,
            "url.scheme": request.scheme,
            "url.full": str(request.url.with_query(None)),
            "server.address": request.host,
            "user_agent.original": request.headers.get("User-Agent", ""),
        }
        with tracer.start_as_current_span(
            f"{request.method} {template}",
            context=propagate.extract(request.headers),
            kind=SpanKind.SERVER,
            attributes=attributes,
        ) as span:
            try:
                response = await handler(request)
            except web.HTTPException as error:
                span.set_attribute("http.response.status_code", error.status)
                if error.status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                raise
            span.set_attribute("http.response.status_code", response.status)
            if response.status >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return response

    return middleware


def add_server_middleware(app: web.Application, telemetry: Telemetry) -> None:
    app.middlewares.insert(0, telemetry.middleware)
