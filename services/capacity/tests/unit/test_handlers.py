from datetime import UTC, datetime, timedelta
from uuid import uuid4

from capacity.domain.model import Outcome
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope

from .fakes import FakeUnitOfWork


async def published(uow: FakeUnitOfWork, capacity: int) -> m.EventPublished:
    start = datetime(2026, 3, 12, 9, tzinfo=UTC)
    await handlers.publish_event(
        uow,
        handlers.PublishEvent(
            title="Werkstattgespräch",
            kind="werkstattgespraech",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            venue="Rathaus",
            city="Ulm",
            capacity=capacity,
            waitlist_enabled=True,
        ),
    )
    payload, _ = uow.outbox[-1]
    assert isinstance(payload, m.EventPublished)
    return payload


def request(event_id: object) -> tuple[m.RegistrationRequested, Envelope]:
    payload = m.RegistrationRequested(
        registration_id=uuid4(), event_id=event_id, requested_at=datetime.now(UTC)
    )
    return payload, Envelope.new(payload, source="test", correlation_id="corr-1")


async def test_publishing_an_event_announces_its_snapshot() -> None:
    uow = FakeUnitOfWork()
    msg = await published(uow, capacity=3)
    assert msg.event.seats_left == 3 and msg.event.status is m.EventStatus.OPEN


async def test_the_last_seat_closes_the_event_in_the_same_unit_of_work() -> None:
    uow = FakeUnitOfWork()
    event = (await published(uow, capacity=1)).event
    payload, cause = request(event.event_id)
    decision = await handlers.decide_registration(uow, payload, cause)
    assert decision is not None and decision.outcome is Outcome.CONFIRMED
    confirmed, closed = (msg for msg, _ in uow.outbox[1:])
    assert isinstance(confirmed, m.SeatConfirmed)
    assert isinstance(closed, m.EventClosed) and closed.reason is m.CloseReason.FULL
    assert closed.event.seats_left == 0
    envelopes = [env for _, env in uow.outbox[1:]]
    assert {env.correlation_id for env in envelopes} == {"corr-1"}
    assert {env.causation_id for env in envelopes} == {str(cause.id)}


async def test_a_redelivered_registration_is_decided_once() -> None:
    uow = FakeUnitOfWork()
    event = (await published(uow, capacity=5)).event
    payload, cause = request(event.event_id)
    assert await handlers.decide_registration(uow, payload, cause) is not None
    assert await handlers.decide_registration(uow, payload, cause) is None
    decisions = [msg for msg, _ in uow.outbox if isinstance(msg, m.Decision)]
    assert len(decisions) == 1
    assert uow.event_store[event.event_id].seats_taken == 1


async def test_an_unknown_event_is_rejected() -> None:
    uow = FakeUnitOfWork()
    payload, cause = request(uuid4())
    await handlers.decide_registration(uow, payload, cause)
    ((msg, _),) = uow.outbox
    assert isinstance(msg, m.RegistrationRejected)
    assert msg.reason is m.RejectionReason.UNKNOWN_EVENT
