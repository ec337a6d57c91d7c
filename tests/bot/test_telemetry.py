"""Traces reach Azure Monitor when its connection string is set: here a local double of the ingestion API."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import TELEMETRY
from bot.telemetry import EXPORTER_SELF_TELEMETRY
from tests.harness import activities as a
from tests.harness.connector import ConnectorDouble
from tests.harness.running import make_settings, running_bot


class Ingestion:
    """Answers `POST /v2.1/track` as Application Insights does and keeps every telemetry item."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.url = ""

    async def track(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        text = body.decode()
        lines = [text] if text.lstrip().startswith("[") else text.splitlines()
        items = [item for line in lines for item in json.loads(f"[{line}]" if line[:1] == "{" else line)]
        self.items.extend(items)
        return web.json_response({"itemsReceived": len(items), "itemsAccepted": len(items), "errors": []})

    def of_type(self, base_type: str) -> list[dict[str, Any]]:
        return [item["data"]["baseData"] for item in self.items if item["data"]["baseType"] == base_type]


@pytest.fixture
async def ingestion() -> AsyncIterator[Ingestion]:
    double = Ingestion()
    app = web.Application()
    app.router.add_post("/{prefix:/*}v2.1/track", double.track)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    double.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield double
    finally:
        await runner.cleanup()


async def test_requests_sql_and_connector_calls_are_traced_to_azure_monitor(
    tmp_path: Path, connector: ConnectorDouble, ingestion: Ingestion, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in EXPORTER_SELF_TELEMETRY:  # the service turns them off; undo that after the test
        monkeypatch.delenv(name, raising=False)
    connection = f"InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint={ingestion.url}"
    settings = make_settings(tmp_path, APPLICATIONINSIGHTS_CONNECTION_STRING=connection)
    async with running_bot(settings) as bot:
        assert (await bot.post(a.personal_message(connector.url, "help"))).status == 200
        await connector.wait_for(1)
    # Shutting the service down flushed the batch.
    [request] = [r for r in ingestion.of_type("RequestData") if r["name"] == "POST /api/messages"]
    assert request["responseCode"] == "200"
    dependencies = ingestion.of_type("RemoteDependencyData")
    assert any(d["type"] == "SQL" for d in dependencies), dependencies
    assert any(d["type"] == "HTTP" and "/v3/conversations/" in d.get("data", "") for d in dependencies)
    roles = {item["tags"].get("ai.cloud.role") for item in ingestion.items}
    assert roles == {"vertaisbotti"}
    assert all(os.environ[name] == "true" for name in EXPORTER_SELF_TELEMETRY)


async def test_no_connection_string_means_no_tracing(tmp_path: Path) -> None:
    async with running_bot(make_settings(tmp_path)) as bot:
        assert bot.app is not None and TELEMETRY not in bot.app
