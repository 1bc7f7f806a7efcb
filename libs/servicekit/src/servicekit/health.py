"""Readiness checks shared by the HTTP services and the Faust workers (no heavy imports)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

Check = Callable[[], Awaitable[object]]


async def failed_checks(checks: Mapping[str, Check]) -> dict[str, str]:
    failed: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), timeout=2)
        except Exception as exc:
            failed[name] = repr(exc)
    return failed
