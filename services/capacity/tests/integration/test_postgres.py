"""The capacity adapters on a real Postgres and the outbox relay on a real broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import OutOfOrderSequenceNumber
from prometheus_client import REGISTRY

from capacity.bootstrap import bootstrap
from capacity.config import Settings
from capacity.domain.commands import CreateEvent
from capacity.service_layer import handlers
from capacity.service_layer.messages import snapshot
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope, decode
from servicekit.context import Item
from servicekit.database import create_pool, relay_running
from servicekit.outbox import Relay
from servicekit.settings import KafkaSettings
from services.capacity.tests.examples import WORKSHOP, fachtag
from tests.support import eventually


@pytest.fixture
async def pool(service_db) -> AsyncIterator[asyncpg.Pool]:  # type: ignore[no-untyped-def]
    pool = await create_pool(await service_db("capacity"), max_size=20)
    yield pool
    await pool.close()


async def new_event(pool: asyncpg.Pool, capacity: int) -> m.EventSnapshot:
    event = await handlers.create_event(CreateEvent(WORKSHOP, capacity), uow_on(pool))
    return snapshot(event)


def uow_on(pool: asyncpg.Pool) -> UnitOfWork:
    """A fresh unit of work, as the entrypoints get it from ``bootstrap``."""
    return bootstrap(Settings(), pool=pool).uow()


def request(event_id: object) -> Item:
    return request_with(event_id)


def request_with(event_id: object, **fields: object) -> Item:
    payload = m.RegistrationRequested(
        registration_id=uuid4(), event_id=event_id, requested_at=datetime.now(UTC), **fields
    )
    return Envelope.new(payload, source="test"), payload


async def test_concurrent_decisions_never_overbook(pool: asyncpg.Pool) -> None:
    """Two workers deciding the same event at once (a rebalance) share the row lock."""
    event = await new_event(pool, capacity=10)
    requests = [request(event.event_id) for _ in range(40)]

    async def decide(batch: list[Item]) -> None:
        await handlers.decide_registrations(batch, uow_on(pool))

    # two "workers" with overlapping batches, as during a rebalance, plus redeliveries
    await asyncio.gather(*(decide(requests[i::4]) for i in range(4)), decide(requests[:10]))
    outcomes = await pool.fetch("SELECT outcome, count(*) FROM seats GROUP BY 1")
    assert dict((r["outcome"], r["count"]) for r in outcomes) == {
        "confirmed": 10,
        "waitlisted": 30,
    }
    seqs = await pool.fetch("SELECT seq FROM seats ORDER BY seq")
    assert [r["seq"] for r in seqs] == list(range(1, 41))
    row = await pool.fetchrow("SELECT seats_taken, status FROM events")
    assert (row["seats_taken"], row["status"]) == (10, "closed")
    closed = await pool.fetchval(
        'SELECT count(*) FROM outbox WHERE headers @> \'[["ce_type", "quartier.EventClosed.v1"]]\''
    )
    assert closed == 1


async def test_relay_publishes_the_outbox_in_order_with_envelope_headers(
    pool: asyncpg.Pool, broker: str
) -> None:
    event = await new_event(pool, capacity=1)
    for _ in range(3):
        await handlers.decide_registrations([request(event.event_id)], uow_on(pool))
    expected = await pool.fetchval("SELECT count(*) FROM outbox")
    async with relay_running(
        pool, KafkaSettings(kafka_bootstrap=broker), client_id="test-relay", lock_id=4711
    ):
        consumer = AIOKafkaConsumer(
            topics.DECISIONS.name,
            topics.CATALOG.name,
            bootstrap_servers=broker,
            group_id=f"t-{uuid4()}",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        seen: list[m.IntegrationEvent] = []

        async def all_read() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for r in records:
                    topic = topics.DECISIONS if r.topic == topics.DECISIONS.name else topics.CATALOG
                    _, payload = decode(topic, list(r.headers), r.value)
                    if payload.event_id == event.event_id:  # type: ignore[attr-defined]
                        seen.append(payload)
            assert len(seen) >= expected, f"{len(seen)} of {expected}: {seen}"
            return True

        try:
            await eventually(
                all_read, what="the outbox's messages on Kafka", timeout=20, interval=0
            )
        finally:
            await consumer.stop()

        async def outbox_empty() -> bool:  # a row goes once the broker acked it
            assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
            return True

        # while the relay runs: its delete may commit a moment after a consumer saw the record
        await eventually(outbox_empty, what="the published rows gone from the outbox", timeout=10)
    decisions = [type(p).__name__ for p in seen if isinstance(p, m.Decision)]
    assert decisions == ["SeatConfirmed", "Waitlisted", "Waitlisted"]
    assert sum(isinstance(p, m.EventClosed) for p in seen) == 1


class _ExpiredProducer(AIOKafkaProducer):  # type: ignore[misc]
    """An idempotent producer after a batch expired: the broker refuses its sequence."""

    async def send(self, *args: object, **kwargs: object) -> asyncio.Future[None]:
        raise OutOfOrderSequenceNumber("a batch of this producer expired")


async def test_the_relay_replaces_a_producer_the_broker_refuses(
    pool: asyncpg.Pool, broker: str
) -> None:
    event = await new_event(pool, capacity=1)
    await handlers.decide_registrations([request(event.event_id)], uow_on(pool))
    made: list[AIOKafkaProducer] = []

    def new_producer() -> AIOKafkaProducer:
        kind = _ExpiredProducer if not made else AIOKafkaProducer
        made.append(kind(bootstrap_servers=broker, enable_idempotence=True, acks="all"))
        return made[-1]

    relay = Relay(pool, new_producer, lock_id=4713, poll_interval=0.1)
    await relay.start()
    running = asyncio.create_task(relay.run())

    async def relayed() -> bool:
        waiting = await pool.fetchval("SELECT count(*) FROM outbox")
        assert waiting == 0, f"{waiting} rows in the outbox"
        return True

    try:
        await eventually(relayed, what="the outbox published", timeout=20, interval=0.1)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await relay.stop()
    assert [type(p) for p in made] == [_ExpiredProducer, AIOKafkaProducer]


async def test_sessions_survive_the_transaction_and_concurrent_workers(pool: asyncpg.Pool) -> None:
    """The allocations are stored per registration and slot; two workers deciding the
    same Fachtag at once keep every session within its capacity, and what is stored reads
    back as the same lists."""
    details = fachtag(3, 2)
    created = await handlers.create_event(CreateEvent(details, 8), uow_on(pool))
    forums = details.programme[1]
    first, second = (s.session_id for s in forums.sessions)

    def ranked(*sessions: object) -> Item:
        payload = m.RegistrationRequested(
            registration_id=uuid4(),
            event_id=created.event_id,
            requested_at=datetime.now(UTC),
            choices={forums.slot_id: list(sessions)},
        )
        return Envelope.new(payload, source="test"), payload

    requests = [ranked(first, second) for _ in range(10)]
    await asyncio.gather(
        *(handlers.decide_registrations(requests[i::2], uow_on(pool)) for i in range(2))
    )
    holds = await pool.fetch(
        "SELECT holds, count(*) FROM session_choices GROUP BY holds ORDER BY count(*) DESC"
    )
    assert {r["holds"]: r["count"] for r in holds} == {first: 3, second: 2, None: 3}

    cancelled = m.RegistrationCancelled(
        registration_id=(
            await pool.fetchval(
                "SELECT registration_id FROM session_choices WHERE holds = $1 LIMIT 1", first
            )
        ),
        event_id=created.event_id,
        cancelled_at=datetime.now(UTC),
    )
    await handlers.decide_registrations(
        [(Envelope.new(cancelled, source="test"), cancelled)], uow_on(pool)
    )
    event, sessions = await handlers.session_lists(created.event_id, uow_on(pool))
    # the day seat went to the head of the day's waiting list, who waits for both forums
    assert {s: taken for s, (taken, _) in sessions.counts().items()} == {first: 3, second: 2}
    assert sessions.counts()[first][1] == 5
    assert event.session_counts == sessions.counts()
    assert await pool.fetchval("SELECT count(*) FROM session_choices") == 8


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": "capacity", **labels}) or 0.0


async def test_committed_decisions_and_session_moves_are_counted(pool: asyncpg.Pool) -> None:
    """``quartier_decisions_total`` per kind and ``quartier_session_moves_total`` per
    change and reason count what a committed transaction published."""
    details = fachtag(3, 2)
    created = await handlers.create_event(CreateEvent(details, 3), uow_on(pool))
    forums = details.programme[1]
    first = forums.sessions[0].session_id
    kinds = ("confirmed", "waitlisted", "released")
    before = {kind: counted("quartier_decisions_total", kind=kind) for kind in kinds}
    allocated = {"change": "assigned", "reason": "allocated"}
    moves_before = counted("quartier_session_moves_total", **allocated)

    requests = [request_with(created.event_id, choices={forums.slot_id: [first]}) for _ in range(4)]
    await handlers.decide_registrations(requests, uow_on(pool))
    cancelled = m.RegistrationCancelled(
        registration_id=requests[0][1].registration_id,  # type: ignore[attr-defined]
        event_id=created.event_id,
        cancelled_at=datetime.now(UTC),
    )
    await handlers.decide_registrations(
        [(Envelope.new(cancelled, source="test"), cancelled)], uow_on(pool)
    )

    after = {kind: counted("quartier_decisions_total", kind=kind) for kind in kinds}
    # 3 seats, 1 waiting, then a cancellation: released, and the waiting one confirmed
    assert {kind: after[kind] - before[kind] for kind in kinds} == {
        "confirmed": 4,
        "waitlisted": 1,
        "released": 1,
    }
    assert counted("quartier_session_moves_total", **allocated) - moves_before >= 3
