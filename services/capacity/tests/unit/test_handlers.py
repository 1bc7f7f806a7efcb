from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from capacity.domain import commands
from capacity.domain.model import InvalidEvent, Outcome, Refused
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope
from services.capacity.tests.examples import START, WORKSHOP

from .fakes import World


async def published(
    world: World,
    capacity: int,
    waitlist: bool = True,
    deadline: datetime | None = None,
    *,
    draft: bool = False,
) -> UUID:
    details = replace(WORKSHOP, waitlist_enabled=waitlist, registration_deadline=deadline)
    event = await handlers.create_event(
        commands.CreateEvent(details, capacity, publish=not draft), world.uow()
    )
    return event.event_id


async def register(
    world: World,
    event_id: UUID,
    registration_id: UUID | None = None,
    correlation: str = "corr-1",
) -> UUID:
    payload = m.RegistrationRequested(
        registration_id=registration_id or uuid4(),
        event_id=event_id,
        requested_at=datetime.now(UTC),
    )
    envelope = Envelope.new(payload, source="t", correlation_id=correlation)
    await handlers.decide_registrations([(envelope, payload)], world.uow())
    return payload.registration_id


async def cancel(
    world: World,
    event_id: UUID,
    registration_id: UUID,
    by: m.CancelledBy = m.CancelledBy.ATTENDEE,
) -> None:
    payload = m.RegistrationCancelled(
        registration_id=registration_id,
        event_id=event_id,
        cancelled_at=datetime.now(UTC),
        cancelled_by=by,
    )
    await handlers.decide_registrations([(Envelope.new(payload, source="t"), payload)], world.uow())


async def close_past_deadline(world: World) -> int:
    """The deadline check, as the worker's timer runs it."""
    return await handlers.close_past_deadline(
        commands.CloseEventsPastDeadline(datetime.now(UTC)), world.uow()
    )


def outcome(world: World, registration_id: UUID) -> Outcome:
    return world.seat_store[registration_id].outcome


async def test_publishing_an_event_announces_its_snapshot() -> None:
    world = World()
    await published(world, capacity=3)
    (msg,) = world.sent(m.EventPublished)
    assert isinstance(msg, m.EventPublished)
    assert msg.event.seats_left == 3 and msg.event.status is m.EventStatus.OPEN
    assert msg.event.address == "Marktplatz 1, 89073 Ulm"
    assert msg.event.organiser_contact == "Team Quartier, quartier@example.org, 0711 123456"


async def test_the_last_seat_closes_the_event_with_the_decision() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    await register(world, event_id, correlation="corr-9")
    (closed,) = world.sent(m.EventClosed)
    assert isinstance(closed, m.EventClosed) and closed.reason is m.CloseReason.FULL
    assert closed.event.seats_left == 0
    assert {env.correlation_id for _, env in world.outbox[1:]} == {"corr-9"}


async def test_a_redelivered_registration_is_decided_once() -> None:
    world = World()
    event_id = await published(world, capacity=5)
    registration_id = await register(world, event_id)
    await register(world, event_id, registration_id)
    assert len(world.sent(m.Decision)) == 1
    assert world.event_store[event_id].seats_taken == 1


async def test_an_unknown_event_is_rejected() -> None:
    world = World()
    await register(world, uuid4())
    (msg,) = world.sent(m.RegistrationRejected)
    assert isinstance(msg, m.RegistrationRejected)
    assert msg.reason is m.RejectionReason.UNKNOWN_EVENT


async def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    first, second, third = [await register(world, event_id) for _ in range(3)]
    waitlisted = world.sent(m.Waitlisted)
    assert [w.position for w in waitlisted] == [1, 2]  # type: ignore[attr-defined]
    await cancel(world, event_id, first)
    released, promoted = world.sent(m.SeatReleased)[0], world.sent(m.SeatConfirmed)[-1]
    assert released.registration_id == first
    assert isinstance(promoted, m.SeatConfirmed) and promoted.from_waitlist
    assert promoted.registration_id == second
    assert outcome(world, third) is Outcome.WAITLISTED
    assert not world.sent(m.EventReopened)  # someone still waits: stays full


async def test_a_cancelled_seat_with_nobody_waiting_reopens_the_event() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    only = await register(world, event_id)
    await cancel(world, event_id, only)
    await cancel(world, event_id, only)  # twice is harmless
    (reopened,) = world.sent(m.EventReopened)
    assert isinstance(reopened, m.EventReopened) and reopened.event.seats_left == 1
    assert len(world.sent(m.SeatReleased)) == 1


async def test_more_capacity_promotes_and_less_than_taken_is_refused() -> None:
    world = World()
    event_id = await published(world, capacity=2)
    ids = [await register(world, event_id) for _ in range(5)]
    await handlers.change_capacity(commands.ChangeCapacity(event_id, 4), world.uow())
    assert [outcome(world, i) for i in ids] == [Outcome.CONFIRMED] * 4 + [Outcome.WAITLISTED]
    with pytest.raises(Refused):
        await handlers.change_capacity(commands.ChangeCapacity(event_id, 3), world.uow())
    assert world.event_store[event_id].capacity == 4


async def test_closing_by_hand_rejects_and_reopening_accepts_again() -> None:
    world = World()
    event_id = await published(world, capacity=5)
    await handlers.close_event(commands.CloseEvent(event_id), world.uow())
    rejected = await register(world, event_id)
    await handlers.reopen_event(commands.ReopenEvent(event_id), world.uow())
    accepted = await register(world, event_id)
    assert (outcome(world, rejected), outcome(world, accepted)) == (
        Outcome.REJECTED,
        Outcome.CONFIRMED,
    )
    (closed,) = world.sent(m.EventClosed)
    assert closed.reason is m.CloseReason.MANUAL  # type: ignore[attr-defined]


async def test_the_deadline_closes_the_event() -> None:
    world = World()
    event_id = await published(world, capacity=5, deadline=datetime.now(UTC) - timedelta(1))
    assert await close_past_deadline(world) == 1
    (closed,) = world.sent(m.EventClosed)
    assert closed.reason is m.CloseReason.DEADLINE  # type: ignore[attr-defined]
    with pytest.raises(Refused):
        await handlers.reopen_event(commands.ReopenEvent(event_id), world.uow())


async def test_cancelling_the_event_releases_everyone() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    ids = [await register(world, event_id) for _ in range(3)]
    await handlers.cancel_event(commands.CancelEvent(event_id), world.uow())
    released = world.sent(m.SeatReleased)
    assert {r.registration_id for r in released} == set(ids)
    assert {r.reason for r in released} == {m.ReleaseReason.EVENT_CANCELLED}  # type: ignore[attr-defined]
    assert len(world.sent(m.EventCancelled)) == 1
    late = await register(world, event_id)
    assert world.seat_store[late].rejection is m.RejectionReason.EVENT_CANCELLED


async def test_an_organiser_cancellation_frees_the_seat_for_the_next_in_line() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    first, second = [await register(world, event_id) for _ in range(2)]
    await cancel(world, event_id, first, by=m.CancelledBy.ORGANISER)
    (released,) = world.sent(m.SeatReleased)
    assert isinstance(released, m.SeatReleased) and released.registration_id == first
    assert released.reason is m.ReleaseReason.CANCELLED_BY_ORGANISER
    assert not released.was_waitlisted
    assert outcome(world, second) is Outcome.CONFIRMED


async def test_a_draft_stays_off_the_catalog_and_takes_no_registrations() -> None:
    world = World()
    event_id = await published(world, capacity=5, draft=True)
    assert world.event_store[event_id].status is m.EventStatus.DRAFT
    early = await register(world, event_id)
    assert world.seat_store[early].rejection is m.RejectionReason.EVENT_CLOSED
    await handlers.change_capacity(commands.ChangeCapacity(event_id, 8), world.uow())
    for action, command in (
        (handlers.close_event, commands.CloseEvent),
        (handlers.reopen_event, commands.ReopenEvent),
        (handlers.cancel_event, commands.CancelEvent),
    ):
        with pytest.raises(Refused, match="draft"):
            await action(command(event_id), world.uow())
    assert world.sent(m.CatalogEvent) == []
    assert [e.event_id for e in await handlers.list_events(world.uow())] == [event_id]


async def test_publishing_a_draft_opens_it_once() -> None:
    world = World()
    event_id = await published(world, capacity=5, draft=True)
    await handlers.publish_event(commands.PublishEvent(event_id), world.uow())
    (msg,) = world.sent(m.CatalogEvent)
    assert isinstance(msg, m.EventPublished) and msg.event.status is m.EventStatus.OPEN
    assert outcome(world, await register(world, event_id)) is Outcome.CONFIRMED
    with pytest.raises(Refused, match="already published"):
        await handlers.publish_event(commands.PublishEvent(event_id), world.uow())


async def test_revised_details_are_announced_with_a_new_revision() -> None:
    world = World()
    event_id = await published(world, capacity=5)
    moved = replace(WORKSHOP, venue="Stadthaus", address="Münsterplatz 50, 89073 Ulm")
    event = await handlers.revise_event(commands.ReviseEvent(event_id, moved), world.uow())
    (updated,) = world.sent(m.EventUpdated)
    assert isinstance(updated, m.EventUpdated)
    assert (updated.event.venue, updated.event.address) == ("Stadthaus", moved.address)
    assert updated.event.revision == event.revision == 2
    await handlers.revise_event(
        commands.ReviseEvent(event_id, moved), world.uow()
    )  # nothing new: nothing announced
    assert len(world.sent(m.EventUpdated)) == 1


async def test_a_draft_is_revised_quietly_and_a_cancelled_event_not_at_all() -> None:
    world = World()
    draft = await published(world, capacity=5, draft=True)
    await handlers.revise_event(
        commands.ReviseEvent(draft, replace(WORKSHOP, title="Neuer Titel")), world.uow()
    )
    assert world.event_store[draft].details.title == "Neuer Titel"
    assert world.sent(m.CatalogEvent) == []
    cancelled = await published(world, capacity=5)
    await handlers.cancel_event(commands.CancelEvent(cancelled), world.uow())
    with pytest.raises(Refused, match="cancelled"):
        await handlers.revise_event(commands.ReviseEvent(cancelled, WORKSHOP), world.uow())
    with pytest.raises(handlers.EventNotFound):
        await handlers.revise_event(commands.ReviseEvent(uuid4(), WORKSHOP), world.uow())


async def test_revised_details_must_make_sense() -> None:
    world = World()
    event_id = await published(world, capacity=5)
    backwards = replace(WORKSHOP, ends_at=START - timedelta(hours=1))
    with pytest.raises(InvalidEvent):
        await handlers.revise_event(commands.ReviseEvent(event_id, backwards), world.uow())
    assert world.event_store[event_id].details.ends_at == WORKSHOP.ends_at


async def test_turning_the_waiting_list_off_keeps_those_already_waiting() -> None:
    world = World()
    event_id = await published(world, capacity=1)
    first, waiting = [await register(world, event_id) for _ in range(2)]
    await handlers.revise_event(
        commands.ReviseEvent(event_id, replace(WORKSHOP, waitlist_enabled=False)), world.uow()
    )
    late = await register(world, event_id)
    assert world.seat_store[late].rejection is m.RejectionReason.EVENT_FULL
    assert outcome(world, waiting) is Outcome.WAITLISTED
    await cancel(world, event_id, first)
    assert outcome(world, waiting) is Outcome.CONFIRMED


async def test_a_deadline_moved_into_the_past_closes_the_event() -> None:
    world = World()
    event_id = await published(world, capacity=5)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await handlers.revise_event(
        commands.ReviseEvent(event_id, replace(WORKSHOP, registration_deadline=yesterday)),
        world.uow(),
    )
    assert world.event_store[event_id].status is m.EventStatus.OPEN
    assert await close_past_deadline(world) == 1
    (closed,) = world.sent(m.EventClosed)
    assert closed.reason is m.CloseReason.DEADLINE  # type: ignore[attr-defined]
