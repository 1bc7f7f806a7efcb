"""Transactional outbox: a state change and its messages commit together; a relay publishes.

The ``outbox`` table comes with servicekit's migrations (``servicekit/migrations``), applied
to every service database before the service's own.

The relay holds a Postgres advisory lock, so any number of processes may run it and one
publishes; it wakes on ``NOTIFY outbox`` and otherwise polls.  Woken, it waits a moment
(``gather``, 5 ms) so the rows that commit together in a rush go out in one batch: one read,
one produce request per partition and one delete for many rows instead of one each.  A row
is deleted only after the broker acknowledged it: a crash in between publishes it again
(consumers are idempotent).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Self

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent
from contracts.topics import topic_for
from servicekit import metrics
from servicekit.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
CHANNEL = "outbox"
QUEUE = (
    "WITH queued AS ("
    " INSERT INTO outbox (topic, key, value, headers)"
    " SELECT topic, key, value, headers::jsonb"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY"
    " AS message(topic, key, value, headers, n) ORDER BY n RETURNING 1"
    f") SELECT pg_notify('{CHANNEL}', '') WHERE EXISTS (SELECT FROM queued)"
)
"""The messages of a transaction, in their order, and the relay's wake-up: one round trip."""
BACKLOG = """
SELECT count(*) AS waiting,
       coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS lag
FROM outbox
"""


def row(payload: IntegrationEvent, envelope: Envelope) -> tuple[str, str, str, str]:
    """The outbox row of one message: topic, key, JSON value, JSON headers."""
    topic = topic_for(type(payload))
    headers = [[name, value.decode()] for name, value in envelope.to_headers()]
    return (
        topic.name,
        topic.key_of(payload).decode(),
        payload.model_dump_json(),
        json.dumps(headers),
    )


async def add(
    conn: asyncpg.Connection, messages: Sequence[tuple[IntegrationEvent, Envelope]]
) -> None:
    """Queue messages inside the caller's transaction; they are published after commit."""
    if not messages:
        return
    rows = [row(payload, envelope) for payload, envelope in messages]
    await conn.execute(QUEUE, *(list(column) for column in zip(*rows, strict=True)))


class Relay:
    """Publishes outbox rows in id order and deletes them once the broker has them.

    While started, it reports the backlog (``quartier_outbox_waiting``,
    ``quartier_outbox_lag_seconds``) at every scrape of ``/metrics``, and counts what it
    published (``quartier_outbox_published_total``), labelled ``service``."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        new_producer: Callable[[], AIOKafkaProducer],
        *,
        lock_id: int,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        gather: float = 0.005,
        service: str = "",
    ) -> None:
        self._pool = pool
        self._service = service
        self._unsample: Callable[[], None] | None = None
        self._new_producer = new_producer
        self._producer: AIOKafkaProducer | None = None
        self._lock_id = lock_id
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._gather = gather
        self._wake = asyncio.Event()

    async def start(self) -> None:
        """Connect a producer; raises when the cluster refuses the client (address, TLS,
        SASL: aiokafka logs why)."""
        producer = self._new_producer()
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        if self._unsample is None:
            self._unsample = metrics.add_sampler(self.sample_backlog)

    async def sample_backlog(self) -> None:
        """The rows waiting and the age of the oldest into the gauges (one query)."""
        found = await self._pool.fetchrow(BACKLOG)
        assert found is not None
        metrics.OUTBOX_WAITING.labels(self._service).set(found["waiting"])
        metrics.OUTBOX_LAG.labels(self._service).set(found["lag"])

    async def stop(self) -> None:
        if self._unsample is not None:
            unsample, self._unsample = self._unsample, None
            unsample()
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def _renew_producer(self) -> None:
        """A new producer (a new producer id) after a failed send: an idempotent producer
        whose batch expired, e.g. while a partition had no leader, refuses every later send
        of that partition (out-of-order sequence) until it is replaced."""
        with contextlib.suppress(KafkaError, TimeoutError):
            await asyncio.wait_for(self.stop(), self._poll_interval * 10)
        self._producer = None
        while self._producer is None:
            try:
                await self.start()
            except (KafkaError, OSError) as exc:
                log.warning("outbox relay cannot connect yet", error=repr(exc))
                await asyncio.sleep(self._poll_interval)

    async def run(self) -> None:
        """Run until cancelled: take the lock, then publish whenever rows appear."""
        async with self._pool.acquire() as conn:
            await conn.add_listener(CHANNEL, self._notified)
            try:
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_id):
                    await asyncio.sleep(self._poll_interval)
                log.info("outbox relay active")
                await self._publish_forever()
            finally:
                try:
                    await conn.remove_listener(CHANNEL, self._notified)
                finally:  # the pool does not reset connections (servicekit.database)
                    await conn.execute("SELECT pg_advisory_unlock_all()")

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def _publish_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                published = await self.publish_batch()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                log.warning("outbox relay retrying", error=repr(exc))
                await asyncio.sleep(self._poll_interval)
                continue
            except KafkaError as exc:
                # no WRITE ACL yet, too few in-sync replicas, a leader gone for longer than
                # the request timeout: wait, send again with a new producer, lose nothing
                log.warning("outbox relay retrying with a new producer", error=repr(exc))
                await asyncio.sleep(self._poll_interval)
                await self._renew_producer()
                continue
            if published < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_interval)
                    await asyncio.sleep(self._gather)

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows went out."""
        rows = await self._pool.fetch(
            "SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1",
            self._batch_size,
        )
        if not rows:
            return 0
        producer = self._producer
        assert producer is not None, "Relay.start() first"
        sent = [
            await producer.send(
                r["topic"],
                value=r["value"].encode(),
                key=r["key"].encode(),
                headers=[(name, value.encode()) for name, value in json.loads(r["headers"])],
            )
            for r in rows
        ]
        await asyncio.wait_for(asyncio.gather(*sent), timeout=30)
        await self._pool.execute(
            "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
        )
        for topic, count in Counter(r["topic"] for r in rows).items():
            metrics.OUTBOX_PUBLISHED.labels(self._service, topic).inc(count)
        return len(rows)


class PostgresUnitOfWork(UnitOfWork):
    """One pooled connection and one transaction per ``async with``; the queued messages are
    written to ``outbox`` in that transaction.  Subclasses bind their repositories."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__()
        self.pool = pool
        self._conn: Any = None
        self._tx: Any = None

    @abc.abstractmethod
    def bind(self, conn: asyncpg.Connection) -> None:
        """Create the repositories on ``conn``."""

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self._conn = await self.pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        self.bind(self._conn)
        return self

    async def commit(self) -> None:
        await add(self._conn, self.messages)
        await self._tx.commit()
        self._tx = None

    async def rollback(self) -> None:
        try:
            if self._tx is not None:
                await self._tx.rollback()
                self._tx = None
        finally:
            if self._conn is not None:
                await self.pool.release(self._conn)
                self._conn = None
