from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from capacity.domain.model import Outcome, Refused
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope

from .fakes import FakeUnitOfWork

START = datetime(2030, 3, 12, 9, tzinfo=UTC)


async def published(
    uow: FakeUnitOfWork, capacity: int, waitlist: bool = True, deadline: datetime | None = None
) -> UUID:
    event = await handlers.publish_event(
        uow,
        handlers.PublishEvent(
            title="Werkstattgespräch",
            kind="werkstattgespraech",
            starts_at=START,
            ends_at=START + timedelta(hours=3),
            venue="Rathaus",
            city="Ulm",
            capacity=capacity,
            waitlist_enabled=waitlist,
            registration_deadline=deadline,
        ),
    )
    return event.event_id


async def register(
    uow: FakeUnitOfWork,
    event_id: UUID,
    registration_id: UUID | None = None,
    correlation: str = "corr-1",
) -> UUID:
    payload = m.RegistrationRequested(
        registration_id=registration_id or uuid4(),
        event_id=event_id,
        requested_at=datetime.now(UTC),
    )
    async with uow:
        await handlers.decide_registration(
            uow, payload, Envelope.new(payload, source="t", correlation_id=correlation)
        )
        await uow.commit()
    return payload.registration_id


async def cancel(uow: FakeUnitOfWork, event_id: UUID, registration_id: UUID) -> None:
    payload = m.RegistrationCancelled(
        registration_id=registration_id, event_id=event_id, cancelled_at=datetime.now(UTC)
    )
    async with uow:
        await handlers.release_registration(uow, payload, Envelope.new(payload, source="t"))
        await uow.commit()


def outcome(uow: FakeUnitOfWork, registration_id: UUID) -> Outcome:
    return uow.seat_store[registration_id].outcome


async def test_publishing_an_event_announces_its_snapshot() -> None:
    uow = FakeUnitOfWork()
    await published(uow, capacity=3)
    (msg,) = uow.sent(m.EventPublished)
    assert isinstance(msg, m.EventPublished)
    assert msg.event.seats_left == 3 and msg.event.status is m.EventStatus.OPEN


async def test_the_last_seat_closes_the_event_with_the_decision() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=1)
    await register(uow, event_id, correlation="corr-9")
    (closed,) = uow.sent(m.EventClosed)
    assert isinstance(closed, m.EventClosed) and closed.reason is m.CloseReason.FULL
    assert closed.event.seats_left == 0
    assert {env.correlation_id for _, env in uow.outbox[1:]} == {"corr-9"}


async def test_a_redelivered_registration_is_decided_once() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=5)
    registration_id = await register(uow, event_id)
    await register(uow, event_id, registration_id)
    assert len(uow.sent(m.Decision)) == 1
    assert uow.event_store[event_id].seats_taken == 1


async def test_an_unknown_event_is_rejected() -> None:
    uow = FakeUnitOfWork()
    await register(uow, uuid4())
    (msg,) = uow.sent(m.RegistrationRejected)
    assert isinstance(msg, m.RegistrationRejected)
    assert msg.reason is m.RejectionReason.UNKNOWN_EVENT


async def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=1)
    first, second, third = [await register(uow, event_id) for _ in range(3)]
    waitlisted = uow.sent(m.Waitlisted)
    assert [w.position for w in waitlisted] == [1, 2]  # type: ignore[attr-defined]
    await cancel(uow, event_id, first)
    released, promoted = uow.sent(m.SeatReleased)[0], uow.sent(m.SeatConfirmed)[-1]
    assert released.registration_id == first
    assert isinstance(promoted, m.SeatConfirmed) and promoted.from_waitlist
    assert promoted.registration_id == second
    assert outcome(uow, third) is Outcome.WAITLISTED
    assert not uow.sent(m.EventReopened)  # someone still waits: stays full


async def test_a_cancelled_seat_with_nobody_waiting_reopens_the_event() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=1)
    only = await register(uow, event_id)
    await cancel(uow, event_id, only)
    await cancel(uow, event_id, only)  # twice is harmless
    (reopened,) = uow.sent(m.EventReopened)
    assert isinstance(reopened, m.EventReopened) and reopened.event.seats_left == 1
    assert len(uow.sent(m.SeatReleased)) == 1


async def test_more_capacity_promotes_and_less_than_taken_is_refused() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=2)
    ids = [await register(uow, event_id) for _ in range(5)]
    await handlers.change_capacity(uow, event_id, 4)
    assert [outcome(uow, i) for i in ids] == [Outcome.CONFIRMED] * 4 + [Outcome.WAITLISTED]
    with pytest.raises(Refused):
        await handlers.change_capacity(uow, event_id, 3)
    assert uow.event_store[event_id].capacity == 4


async def test_closing_by_hand_rejects_and_reopening_accepts_again() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=5)
    await handlers.close_event(uow, event_id)
    rejected = await register(uow, event_id)
    await handlers.reopen_event(uow, event_id)
    accepted = await register(uow, event_id)
    assert (outcome(uow, rejected), outcome(uow, accepted)) == (Outcome.REJECTED, Outcome.CONFIRMED)
    (closed,) = uow.sent(m.EventClosed)
    assert closed.reason is m.CloseReason.MANUAL  # type: ignore[attr-defined]


async def test_the_deadline_closes_the_event() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=5, deadline=datetime.now(UTC) - timedelta(1))
    assert await handlers.close_past_deadline(lambda: uow, datetime.now(UTC)) == 1
    (closed,) = uow.sent(m.EventClosed)
    assert closed.reason is m.CloseReason.DEADLINE  # type: ignore[attr-defined]
    with pytest.raises(Refused):
        await handlers.reopen_event(uow, event_id)


async def test_cancelling_the_event_releases_everyone() -> None:
    uow = FakeUnitOfWork()
    event_id = await published(uow, capacity=1)
    ids = [await register(uow, event_id) for _ in range(3)]
    await handlers.cancel_event(uow, event_id)
    released = uow.sent(m.SeatReleased)
    assert {r.registration_id for r in released} == set(ids)
    assert {r.reason for r in released} == {m.ReleaseReason.EVENT_CANCELLED}  # type: ignore[attr-defined]
    assert len(uow.sent(m.EventCancelled)) == 1
    late = await register(uow, event_id)
    assert uow.seat_store[late].rejection is m.RejectionReason.EVENT_CANCELLED
