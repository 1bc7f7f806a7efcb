"""Waiting for a process a test started to be ready: its health page ``/readyz``."""

from __future__ import annotations

import httpx
import pytest

from devstack.procs import Proc
from tests.support.polling import eventually


async def until_ready(
    proc: Proc, port: int, *, what: str, timeout: float = 60.0, interval: float = 0.25
) -> None:
    """Wait until ``proc`` answers ``GET http://127.0.0.1:<port>/readyz`` with 200 (a stream
    worker: once it is in its consumer group); fail at once, with its last log lines, when
    it exits. ``what`` names it in the messages."""
    async with httpx.AsyncClient(timeout=2) as client:

        async def ready() -> bool:
            if not proc.alive():
                pytest.fail(f"{what} exited:\n{proc.log_tail()}")
            try:
                answer = await client.get(f"http://127.0.0.1:{port}/readyz")
            except httpx.TransportError as exc:
                raise AssertionError("not listening yet") from exc
            assert answer.status_code == 200, answer.text
            return True

        await eventually(ready, what=f"{what} ready", timeout=timeout, interval=interval)
