"""Postgres pools and the outbox relay as a background task of any process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TypeVar

import asyncpg
import structlog

from servicekit import kafka
from servicekit.outbox import Relay
from servicekit.settings import KafkaSettings

log = structlog.get_logger(__name__)
U = TypeVar("U")
SHUTDOWN_SECONDS = 10.0
TRANSIENT_DB: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
)


async def _nothing_to_reset(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's default reset (``RESET ALL``, ``UNLISTEN *``, advisory unlock: one
    round trip on every release, a twelfth of a registration's CPU): asyncpg still rolls back
    an open transaction, and no code here leaves session state behind (the relay unlocks its
    advisory lock, a listener is removed by whoever added it)."""


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=max_size,
        timeout=10,
        command_timeout=30,
        reset=_nothing_to_reset,
    )
    assert pool is not None
    return pool


async def close_pool(pool: asyncpg.Pool, timeout: float = SHUTDOWN_SECONDS) -> None:
    """Close gracefully; a connection still held after ``timeout`` (a request that hangs
    in shutdown) is terminated rather than blocking the process from stopping."""
    try:
        await asyncio.wait_for(pool.close(), timeout)
    except TimeoutError:
        log.warning("database pool did not close in time, terminating it")
        pool.terminate()


async def open_pool_when_up(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    """A pool, waiting (with a log line now and then) until Postgres answers."""
    attempt = 0
    while True:
        try:
            return await create_pool(dsn, max_size)
        except TRANSIENT_DB as exc:
            attempt += 1
            log.warning("database unavailable, waiting", error=repr(exc), attempt=attempt)
            await asyncio.sleep(min(5.0, 0.2 * attempt))


def units_of_work(
    on_pool: Callable[[asyncpg.Pool], U],
    pool: asyncpg.Pool | None,
    given: Callable[[], U] | None = None,
) -> Callable[[], U]:
    """For a service's ``bootstrap``: the factory of units of work a test gave, else one that
    makes a fresh ``on_pool(pool)`` for each use case."""
    if given is not None:
        return given
    if pool is None:
        raise ValueError("bootstrap needs a pool or a unit-of-work factory")
    return partial(on_pool, pool)


async def _relay_forever(relay: Relay) -> None:
    """Keep the relay running: a lost connection (Postgres restart) starts it again."""
    while True:
        try:
            await relay.run()
        except TRANSIENT_DB as exc:
            log.warning("outbox relay lost its connection, restarting", error=repr(exc))
            await asyncio.sleep(1.0)


@contextlib.asynccontextmanager
async def relay_running(
    pool: asyncpg.Pool, settings: KafkaSettings, *, client_id: str, lock_id: int
) -> AsyncIterator[Relay]:
    """Run the outbox relay in the background for the duration of the block; its metrics
    are labelled with ``client_id`` without ``-relay`` (the service)."""
    relay = Relay(
        pool,
        lambda: kafka.producer(settings, client_id),
        lock_id=lock_id,
        service=client_id.removesuffix("-relay"),
    )
    await relay.start()  # the process does not start when the cluster refuses it
    task = asyncio.create_task(_relay_forever(relay), name=f"{client_id}-outbox-relay")
    try:
        yield relay
    finally:
        # bounded: a shutdown must never hang the process (or a test's teardown)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, SHUTDOWN_SECONDS)
        try:
            await asyncio.wait_for(relay.stop(), SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("outbox producer did not stop in time", client_id=client_id)
