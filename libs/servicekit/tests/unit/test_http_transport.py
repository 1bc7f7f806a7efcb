"""httpx over aiohttp (``servicekit.http_transport``) against a real server on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from servicekit.http_transport import AiohttpTransport


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path_qs,
            "body": body.decode(),
            "token": request.headers.get("X-Token"),
        },
        status=int(request.query.get("status", "200")),
        headers={"X-Answer": "yes"},
    )


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.Response(text="late")


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_requests_and_answers_pass_as_httpx_has_them(server: str) -> None:
    async with httpx.AsyncClient(
        base_url=server, transport=AiohttpTransport(), headers={"X-Token": "t"}
    ) as client:
        answers = await asyncio.gather(
            *(client.post("/echo", json={"n": n}, params={"status": 202}) for n in range(20))
        )
        got = await client.get("/echo", params={"status": 404})
    assert {a.status_code for a in answers} == {202}
    assert [a.json()["body"] for a in answers] == [f'{{"n":{n}}}' for n in range(20)]
    assert answers[0].json()["token"] == "t"
    assert answers[0].headers["X-Answer"] == "yes"
    assert got.status_code == 404
    assert got.json()["method"] == "GET"
    assert got.json()["path"] == "/echo?status=404"


async def test_nobody_listening_is_a_connect_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_an_answer_later_than_the_read_timeout_is_a_timeout(server: str) -> None:
    async with httpx.AsyncClient(
        base_url=server, transport=AiohttpTransport(), timeout=0.2
    ) as client:
        with pytest.raises(httpx.TimeoutException):
            await client.get("/slow")
