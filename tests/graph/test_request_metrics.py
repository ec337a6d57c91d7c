"""Every HTTP request to Graph is counted by method and status (each retry on its own) and timed."""

from __future__ import annotations

import pytest

from bot.metrics import Metrics
from core.errors import NotFound
from graph import open_workspace
from graph.sandbox import Sandbox
from tests.graph.conftest import TEAM


def sample(text: str, name: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.rsplit(" ", 1)[1])


async def test_graph_requests_are_counted_by_method_and_status_and_timed(sandbox: Sandbox) -> None:
    metrics = Metrics()
    workspace = open_workspace(sandbox.graph_config(observer=metrics.observe_graph))
    try:
        sandbox.inject(429, match="POST /teams", retry_after=0)  # kiota retries it once
        await workspace.ensure_channel(TEAM, "HR-kehittäjäverkosto")
        with pytest.raises(NotFound):
            await workspace.channel_folder(TEAM, "19:missing@thread.tacv2")
    finally:
        await workspace.close()
    text = metrics.render().decode()
    assert sample(text, 'vertaisbotti_graph_requests_total{method="POST",status="429"}') == 1.0
    assert sample(text, 'vertaisbotti_graph_requests_total{method="POST",status="201"}') == 1.0
    assert sample(text, 'vertaisbotti_graph_requests_total{method="GET",status="404"}') >= 1.0
    assert sample(text, 'vertaisbotti_graph_request_seconds_count{method="POST"}') == 2.0


def test_status_and_method_labels_stay_a_closed_set() -> None:
    metrics = Metrics()
    metrics.observe_graph("get", 200, 0.01)
    metrics.observe_graph("PROPFIND", 207, 0.01)
    metrics.observe_graph("DELETE", 599, 0.01)
    metrics.observe_graph("PUT", None, 0.01)
    metrics.observe_graph("GET", 999, 0.01)
    text = metrics.render().decode()
    labels = sorted(
        line.split("{", 1)[1].split("}", 1)[0]
        for line in text.splitlines()
        if line.startswith("vertaisbotti_graph_requests_total{")
    )
    assert labels == [
        'method="DELETE",status="5xx"',
        'method="GET",status="200"',
        'method="GET",status="other"',
        'method="PUT",status="error"',
        'method="other",status="2xx"',
    ]
