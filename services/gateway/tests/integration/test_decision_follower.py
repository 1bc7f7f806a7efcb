"""The decision follower against a real Kafka broker: it reads what comes after it started
following, skips what breaks the contract, and wakes a long poll.  On a topic of its own: the
session's broker is shared, and decisions for an event nobody published would hold up every
later notification worker reading the real topic."""

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from contracts import topics
from contracts.envelope import Envelope
from contracts.http.registration import RegistrationStatus
from contracts.messages import Decision, SeatConfirmed, Waitlisted
from gateway.adapters.decision_follower import KafkaDecisionFollower
from gateway.domain.decisions import Decisions
from servicekit.kafka import producer
from servicekit.settings import KafkaSettings
from tests.support import eventually

NOW = datetime.now(UTC)
QUICKLY = {"timeout": 15.0, "interval": 0.1}
EVENT = uuid.uuid4()
DECISIONS = dataclasses.replace(topics.DECISIONS, name=f"test.decisions.{uuid.uuid4().hex}")


class Follower(KafkaDecisionFollower):
    topic = DECISIONS


@pytest.fixture
async def publish(broker: str) -> AsyncIterator:
    """Send decisions the way capacity's outbox relay does (to the test's own topic)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(DECISIONS.name, 2, 1)])
    finally:
        await admin.close()
    kafka = producer(KafkaSettings(kafka_bootstrap=broker), "test-capacity")
    await kafka.start()

    async def send(message: Decision | None, raw: bytes = b"") -> None:
        if message is None:
            await kafka.send_and_wait(DECISIONS.name, value=raw, key=EVENT.bytes)
            return
        await kafka.send_and_wait(
            DECISIONS.name,
            value=message.model_dump_json().encode(),
            key=DECISIONS.key_of(message),
            headers=Envelope.new(message, source="capacity").to_headers(),
        )

    try:
        yield send
    finally:
        await kafka.stop()


@pytest.fixture
async def following(broker: str, publish) -> AsyncIterator[Decisions]:
    await publish(confirmed(uuid.uuid4()))  # the topic is there before the follower starts
    decisions = Decisions()
    follower = Follower(
        KafkaSettings(kafka_bootstrap=broker), decisions, client_id=f"test-{uuid.uuid4()}"
    )
    await follower.start()
    await eventually(lambda: follower.following, what="the follower following", **QUICKLY)
    yield decisions
    await follower.stop()
    assert not follower.following


def confirmed(registration_id: uuid.UUID) -> SeatConfirmed:
    return SeatConfirmed(
        decision_id=uuid.uuid4(), registration_id=registration_id, event_id=EVENT, decided_at=NOW
    )


async def test_decisions_after_the_start_are_followed_and_wake_the_waiting(publish, following):
    decisions = following
    waiting, listed = uuid.uuid4(), uuid.uuid4()
    with decisions.watch(waiting) as decided:
        await publish(None, raw=b"not a decision")  # skipped, the follower goes on
        await publish(confirmed(waiting))
        await publish(
            Waitlisted(
                decision_id=uuid.uuid4(),
                registration_id=listed,
                event_id=EVENT,
                decided_at=NOW,
                position=4,
            )
        )
        await eventually(lambda: decisions.latest(listed) is not None, what="both", **QUICKLY)
        assert decided.is_set()
    seen = decisions.latest(waiting)
    assert seen is not None and seen.status is RegistrationStatus.CONFIRMED
    later = decisions.latest(listed)
    assert later is not None and later.waitlist_position == 4
