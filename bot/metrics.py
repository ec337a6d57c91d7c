"""Prometheus metrics of one service instance, kept in its own registry (no import-time globals)."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.outbox import Backlog

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
GRAPH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
# Closed label values for Graph requests: anything else is counted under its class ("4xx") or "other".
GRAPH_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
GRAPH_STATUSES = frozenset(
    {200, 201, 202, 204, 206, 302, 304, 400, 401, 403, 404, 409, 412, 413, 416, 423, 429, 500, 502, 503, 504}
)
# Activity types (the Bot Framework schema's ActivityTypes) and "-" for a request refused before it was read;
# any other type a client makes up is counted as "other", so /metrics cannot be grown from outside.
ACTIVITY_TYPES = frozenset(
    {
        "message",
        "conversationUpdate",
        "invoke",
        "messageReaction",
        "messageUpdate",
        "messageDelete",
        "installationUpdate",
        "event",
        "typing",
        "endOfConversation",
        "contactRelationUpdate",
        "deleteUserData",
        "suggestion",
        "trace",
        "handoff",
        "command",
        "commandResult",
        "-",
    }
)
# Turn errors by the first of these (most specific first) among the exception's classes, else "other".
ERROR_KINDS = (
    "ConnectorError",
    "ErrorResponseException",
    "ClientConnectorError",
    "ClientResponseError",
    "ClientError",
    "ClientRequestError",
    "OperationalError",
    "InterfaceError",
    "IntegrityError",
    "DBAPIError",
    "SQLAlchemyError",
    "DeserializationError",
    "HttpResponseError",
    "TimeoutError",
    "ConnectionError",
    "OSError",
    "DomainError",
    "KeyError",
    "IndexError",
    "ValueError",
    "TypeError",
    "AttributeError",
    "RuntimeError",
)


def activity_type_label(activity_type: str) -> str:
    return activity_type if activity_type in ACTIVITY_TYPES else "other"


def error_kind(error: BaseException) -> str:
    names = {cls.__name__ for cls in type(error).__mro__}
    return next((kind for kind in ERROR_KINDS if kind in names), "other")


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter(
            "vertaisbotti_turns",
            "Requests to /api/messages by activity type and outcome",
            ("type", "outcome"),
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "vertaisbotti_turn_seconds",
            "Time to answer a request to /api/messages",
            ("type",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "vertaisbotti_outbox_outcomes",
            "Outbox deliveries by resulting state (sent; pending: retried later; failed; dead) and reason",
            ("state", "reason"),
            registry=self.registry,
        )
        self.errors = Counter(
            "vertaisbotti_turn_errors",
            "Turns that ended in the turn-error handler",
            ("kind",),
            registry=self.registry,
        )
        # Operating the instance: memory, CPU, open files (process_*), the Python it runs on (python_info),
        # what was deployed (vertaisbotti_build_info), the outbox queue and the calls to Microsoft Graph.
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.build = Info(
            "vertaisbotti_build", "The running build: version, revision, Python", registry=self.registry
        )
        self.outbox_due = Gauge(
            "vertaisbotti_outbox_due_messages",
            "Outbox messages waiting for a worker now (all instances; read from the database at each scrape)",
            registry=self.registry,
        )
        self.outbox_sending = Gauge(
            "vertaisbotti_outbox_sending_messages",
            "Outbox messages held by a delivery worker right now (all instances)",
            registry=self.registry,
        )
        self.outbox_oldest_due = Gauge(
            "vertaisbotti_outbox_oldest_due_seconds",
            "How long the oldest due outbox message has waited past its due time (0 when none is due)",
            registry=self.registry,
        )
        self.graph_requests = Counter(
            "vertaisbotti_graph_requests",
            "HTTP requests to Microsoft Graph and its upload URLs, each retry counted, by method and status "
            "(status 'error' when no answer came)",
            ("method", "status"),
            registry=self.registry,
        )
        self.graph_seconds = Histogram(
            "vertaisbotti_graph_request_seconds",
            "Time until Microsoft Graph answered one HTTP request (headers received)",
            ("method",),
            buckets=GRAPH_BUCKETS,
            registry=self.registry,
        )

    def set_build(self, info: Mapping[str, str]) -> None:
        self.build.info(dict(info))

    def set_backlog(self, backlog: Backlog) -> None:
        self.outbox_due.set(backlog.due)
        self.outbox_sending.set(backlog.sending)
        self.outbox_oldest_due.set(backlog.oldest_due_seconds)

    def observe_graph(self, method: str, status: int | None, seconds: float) -> None:
        """One Graph HTTP request; `status` None means the request failed without an answer."""
        method = method.upper() if method.upper() in GRAPH_METHODS else "other"
        if status is None:
            label = "error"
        elif status in GRAPH_STATUSES:
            label = str(status)
        elif 100 <= status < 600:
            label = f"{status // 100}xx"
        else:
            label = "other"
        self.graph_requests.labels(method, label).inc()
        self.graph_seconds.labels(method).observe(seconds)

    def observe_turn(self, activity_type: str, status: int, seconds: float) -> None:
        outcome = (
            "ok"
            if status < 400
            else ("unauthorized" if status == 401 else "rejected" if status < 500 else "error")
        )
        label = activity_type_label(activity_type)
        self.turns.labels(label, outcome).inc()
        self.turn_seconds.labels(label).observe(seconds)

    def observe_turn_error(self, error: BaseException) -> None:
        self.errors.labels(error_kind(error)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
