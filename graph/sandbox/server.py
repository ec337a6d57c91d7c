"""The sandbox's HTTP side: Graph on plain HTTP and file links (the token authority: `login.py`)."""

from __future__ import annotations

import asyncio
import html
import json
from urllib.parse import unquote, urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from graph.sandbox import uploads
from graph.sandbox.api import GraphApi
from graph.sandbox.http import Reply, Request, error, parse_query
from graph.sandbox.state import State

BATCH_LIMIT = 20


def _respond(reply: Reply) -> web.Response:
    if reply.body is None:
        return web.Response(status=reply.status, headers=reply.headers)
    return web.json_response(reply.body, status=reply.status, headers=reply.headers)


def graph_app(state: State, api: GraphApi) -> web.Application:
    """Graph under `/v1.0`, upload sessions under `/upload`, files under `/sites`."""

    @web.middleware
    async def round_trips(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(("/v1.0/", "/upload/")):
            state.round_trips += 1
            state.log.append(f"{request.method} {request.path}")
            if state.switches.latency:
                await asyncio.sleep(state.switches.latency)
        return await handler(request)

    async def graph(request: web.Request) -> web.Response:
        if not state.token_valid(request.headers.get("Authorization")):
            return _respond(error(401, "InvalidAuthenticationToken", "Access token is empty or invalid."))
        path = request.rel_url.raw_path.removeprefix("/v1.0")
        body = await request.read()
        if unquote(path) == "/$batch" and request.method == "POST":
            return _respond(await batch(body))
        return _respond(await api.dispatch(Request(request.method, path, request.query, body)))

    async def batch(raw: bytes) -> Reply:
        try:
            items = json.loads(raw)["requests"]
            assert isinstance(items, list)
        except (ValueError, KeyError, TypeError, AssertionError):
            return error(400, "BadRequest", "Invalid batch payload")
        if len(items) > BATCH_LIMIT:
            return error(
                400, "BadRequest", f"The number of batch requests exceeds the limit of {BATCH_LIMIT}"
            )
        responses = []
        for item in items:
            url = str(item.get("url", ""))
            parts = urlsplit(url)
            path = parts.path.removeprefix("/v1.0") if parts.scheme else parts.path
            path = path if path.startswith("/") else f"/{path}"
            body = item.get("body")
            raw_body = json.dumps(body).encode() if body is not None else b""
            state.batch_log.append(unquote(f"{item.get('method', 'GET')} {path}?{parts.query}".rstrip("?")))
            reply = await api.dispatch(
                Request(str(item.get("method", "GET")).upper(), path, parse_query(parts.query), raw_body)
            )
            responses.append(
                {"id": item.get("id"), "status": reply.status, "headers": reply.headers, "body": reply.body}
            )
        if state.switches.batch_reorders:
            responses.reverse()  # clients must pair answers by id, not by position
        return Reply(200, {"responses": responses})

    async def fragment(request: web.Request) -> web.Response:
        if request.method == "PUT":
            fault = state.take_fault("PUT", request.path)
            if fault is not None and fault.status == 404:
                # An upload session that answers 404 is gone for good (it expired or was cleaned up).
                uploads.drop_session(state, request.match_info["session"])
            if fault is not None and not fault.after:
                await request.read()  # a failed request's bytes are ignored
                return _respond(fault.reply())
            reply = await uploads.put_fragment(state, request, api.app_author())
            return _respond(fault.reply() if fault is not None else reply)
        if request.method == "DELETE":
            return _respond(await uploads.cancel_session(state, request))
        return _respond(await uploads.session_status(state, request))

    async def site_file(request: web.Request) -> web.StreamResponse:
        drive = state.drive(request.match_info["drive"])
        if request.match_info["library"] != "Shared Documents":
            raise web.HTTPNotFound()
        path = request.match_info["path"].strip("/")
        try:
            if drive is None or not drive.exists(path):
                raise web.HTTPNotFound()
            disk = drive.disk(path)
        except ValueError as exc:
            raise web.HTTPNotFound() from exc
        if disk.is_file():
            return web.FileResponse(disk)
        links = [(drive.web_url(child), child.rpartition("/")[2]) for child in drive.children(path)]
        rows = "".join(
            f'<li><a href="{html.escape(url)}">{html.escape(name)}</a></li>' for url, name in links
        )
        return web.Response(
            text=f"<h1>{html.escape(path or 'Shared Documents')}</h1><ul>{rows}</ul>",
            content_type="text/html",
        )

    async def channel_page(request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        for team in state.teams.values():
            channel = team.channel(channel_id)
            if channel is not None:
                link = html.escape(team.drive.web_url(channel.name))
                return web.Response(
                    text=f"<h1>{html.escape(team.name)} / {html.escape(channel.name)}</h1>"
                    f'<a href="{link}">Files</a>',
                    content_type="text/html",
                )
        raise web.HTTPNotFound()

    app = web.Application(middlewares=[round_trips], client_max_size=300 * 1024 * 1024)
    app.router.add_route("*", "/v1.0/{tail:.*}", graph)
    app.router.add_route("*", "/upload/{session}", fragment)
    app.router.add_get("/sites/{drive}/{library}/{path:.*}", site_file)
    app.router.add_get("/l/channel/{channel}", channel_page)
    return app
