"""Prometheus metrics of one service instance, kept in its own registry (no import-time globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


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

    def observe_turn(self, activity_type: str, status: int, seconds: float) -> None:
        outcome = (
            "ok"
            if status < 400
            else ("unauthorized" if status == 401 else "rejected" if status < 500 else "error")
        )
        self.turns.labels(activity_type, outcome).inc()
        self.turn_seconds.labels(activity_type).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
