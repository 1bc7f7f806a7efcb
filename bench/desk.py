"""One organiser with the event's desk page open through the rush.

The account is made as an operator makes one (``gateway-admin``), the organiser logs in
through the login form (CSRF token and all), opens ``/verwaltung/veranstaltungen/{event_id}``
once and then asks what the page's script (``desk.js``) asks every 5 s: ``stand.json`` with
``seit`` and ``zahlen`` from the page, and from every answer that brought the table again.
Kept-alive connections, as a browser's.  :func:`desk_cost` measures what one such request
costs the stack on a quiet stack (the CPU above idle, per request).
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.processes import cpu_seconds, stack_roles
from devstack.stack import Stack

now = time.monotonic
DESK = "/verwaltung"
POLL_INTERVAL = 5.0  # desk.js's default (data-live-interval)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def attribute(page: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', page)
    if found is None:
        raise RuntimeError(f"desk page without {name}")
    return html.unescape(found.group(1))


@dataclass(frozen=True)
class Answer:
    at: float
    seconds: float
    bytes: int
    status: int
    table: bool
    """The answer brought the participants' table again (something changed)."""


async def create_organiser(stack: Stack) -> tuple[str, str]:
    """A desk account made with ``gateway-admin``; its e-mail address and password."""
    email, password = "bench-organiser@example.org", secrets.token_urlsafe(18)
    script = Path(sys.executable).with_name("gateway-admin")
    proc = await asyncio.create_subprocess_exec(
        str(script),
        env={
            **os.environ,
            "ADMIN_EMAIL": email,
            "ADMIN_NAME": "Bench Organiser",
            "ADMIN_PASSWORD": password,
            "GATEWAY_DATABASE_URL": stack.dsns["gateway"],
        },
        cwd=stack.config.data_dir,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"gateway-admin exited {proc.returncode}: {err.decode()}")
    return email, password


@dataclass
class Desk:
    """A logged-in organiser's browser, one event page open."""

    client: httpx.AsyncClient
    event_id: str = ""
    live_url: str = ""
    since: str = ""
    seen: str = ""
    opened: tuple[str, str] = ("", "")
    """``seit`` and ``zahlen`` as the page had them when it was opened."""
    page: Answer | None = None
    answers: list[Answer] = field(default_factory=list)
    errors: int = 0
    _task: asyncio.Task[None] | None = None

    @classmethod
    async def log_in(cls, base_url: str, email: str, password: str) -> Desk:
        client = httpx.AsyncClient(base_url=base_url, timeout=30)
        form = await client.get(f"{DESK}/anmelden")
        token = CSRF_INPUT.search(form.text)
        if token is None:
            raise RuntimeError("login form without a CSRF token")
        answer = await client.post(
            f"{DESK}/anmelden",
            data={
                "csrf_token": token.group(1),
                "email": email,
                "password": password,
                "weiter": DESK,
            },
        )
        if answer.status_code != 303:
            raise RuntimeError(f"desk login answered {answer.status_code}")
        return cls(client)

    async def _get(self, url: str, **params: str) -> tuple[httpx.Response, Answer]:
        started = now()
        answer = await self.client.get(url, params=params)
        took = now() - started
        table = False
        if answer.status_code == 200 and answer.headers.get("content-type", "").startswith(
            "application/json"
        ):
            body = answer.json()
            table = "participants_html" in body
            if table:
                self.since, self.seen = body.get("since", self.since), body.get("seen", self.seen)
        return answer, Answer(started, took, answer.num_bytes_downloaded, answer.status_code, table)

    async def open(self, event_id: str) -> None:
        """The event's page, as the organiser opens it."""
        response, self.page = await self._get(f"{DESK}/veranstaltungen/{event_id}")
        response.raise_for_status()
        self.event_id = event_id
        self.live_url = attribute(response.text, "data-live-url")
        self.since = attribute(response.text, "data-since")
        self.seen = attribute(response.text, "data-seen")
        self.opened = (self.since, self.seen)
        self.answers = []
        self.errors = 0

    async def poll(self) -> Answer:
        try:
            _, answer = await self._get(self.live_url, seit=self.since, zahlen=self.seen)
        except httpx.HTTPError:
            self.errors += 1
            raise
        if answer.status != 200:
            self.errors += 1
        self.answers.append(answer)
        return answer

    async def _keep_polling(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            try:
                await self.poll()
            except httpx.HTTPError:
                continue

    def start_polling(self) -> None:
        self._task = asyncio.create_task(self._keep_polling())

    async def stop_polling(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def summary(self) -> dict[str, Any]:
        ms = sorted(1000 * a.seconds for a in self.answers)

        def q(share: float) -> float | None:
            return round(ms[min(len(ms) - 1, int(share * len(ms)))], 1) if ms else None

        return {
            "page_ms": round(1000 * self.page.seconds, 1) if self.page else None,
            "page_bytes": self.page.bytes if self.page else None,
            "requests": len(self.answers),
            "with_table": sum(1 for a in self.answers if a.table),
            "errors": self.errors,
            "p50_ms": q(0.5),
            "p95_ms": q(0.95),
            "bytes": sum(a.bytes for a in self.answers),
        }

    async def close(self) -> None:
        await self.stop_polling()
        await self.client.aclose()


async def desk_cost(stack: Stack, desk: Desk, requests: int = 100) -> dict[str, Any]:
    """What one poll costs the stack, on a quiet stack after the rushes (the event of the
    last rush open): the stack's CPU during ``requests`` polls one after the other, less
    what it uses idle in the same time, per poll.  Twice: answers that bring the table
    (the page's ``seit``/``zahlen`` from before the rush, as during one) and answers that
    bring only the counts (nothing changed)."""

    def stack_cpu() -> float:
        return sum(cpu_seconds(stack_roles(stack)).values())

    result: dict[str, Any] = {"requests": requests}
    for kind in ("with_table", "counts_only"):
        if kind == "counts_only":
            await desk.poll()  # from here on the page is current
        started, before = now(), await asyncio.to_thread(stack_cpu)
        took = []
        for _ in range(requests):
            if kind == "with_table":
                desk.since, desk.seen = desk.opened
            took.append((await desk.poll()).seconds)
        seconds, busy = now() - started, await asyncio.to_thread(stack_cpu) - before
        idle_before = await asyncio.to_thread(stack_cpu)
        await asyncio.sleep(seconds)
        idle = await asyncio.to_thread(stack_cpu) - idle_before
        result[kind] = {
            "cpu_ms_per_request": round(1000 * max(0.0, busy - idle) / requests, 2),
            "idle_cpu_ms_per_s": round(1000 * idle / seconds, 1),
            "p50_ms": round(1000 * statistics.median(took), 1),
            "bytes_per_request": desk.answers[-1].bytes,
        }
    return result
