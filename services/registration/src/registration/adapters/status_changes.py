"""Wake requests that wait for a registration's status to change (long polling).

The repository announces every saved status with ``NOTIFY registration_status, '<id>'``;
one listening connection per process wakes the waiters of that registration."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg

CHANNEL = "registration_status"


class StatusChanges:
    def __init__(self) -> None:
        self._waiters: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        for event in self._waiters.get(str(payload), ()):
            event.set()

    @contextlib.asynccontextmanager
    async def watch(self, registration_id: UUID) -> AsyncIterator[asyncio.Event]:
        """An event set when the registration's status is saved next; watch before reading
        the status, so a change between the read and the wait is not missed."""
        key = str(registration_id)
        event = asyncio.Event()
        self._waiters[key].add(event)
        try:
            yield event
        finally:
            self._waiters[key].discard(event)
            if not self._waiters[key]:
                del self._waiters[key]


@contextlib.asynccontextmanager
async def listening(pool: asyncpg.Pool) -> AsyncIterator[StatusChanges]:
    """Listen on a dedicated pooled connection for as long as the block runs."""
    changes = StatusChanges()
    async with pool.acquire() as conn:
        await conn.add_listener(CHANNEL, changes._notified)
        try:
            yield changes
        finally:
            await conn.remove_listener(CHANNEL, changes._notified)
