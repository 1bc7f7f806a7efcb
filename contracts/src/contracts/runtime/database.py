"""Postgres pools and the outbox relay as a background task of any process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg

from contracts.runtime import kafka
from contracts.runtime.outbox import Relay


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=1, max_size=max_size, timeout=10, command_timeout=30
    )
    assert pool is not None
    return pool


@contextlib.asynccontextmanager
async def relay_running(
    pool: asyncpg.Pool, bootstrap: str, *, client_id: str, lock_id: int
) -> AsyncIterator[Relay]:
    """Run the outbox relay in the background for the duration of the block."""
    producer = kafka.producer(bootstrap, client_id)
    await producer.start()
    relay = Relay(pool, producer, lock_id=lock_id)
    task = asyncio.create_task(relay.run(), name=f"{client_id}-outbox-relay")
    try:
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await producer.stop()
