"""Ports and readiness polling."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


class NotReady(RuntimeError):
    pass


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, what: str, timeout: float, interval: float = 0.1
) -> float:
    """Poll ``check`` until it returns True; returns the seconds it took."""
    start = time.monotonic()
    last_error: Exception | None = None
    while time.monotonic() - start < timeout:
        try:
            if await check():
                return time.monotonic() - start
        except Exception as exc:
            last_error = exc
        await asyncio.sleep(interval)
    raise NotReady(f"{what} not ready after {timeout:.0f}s (last error: {last_error!r})")
