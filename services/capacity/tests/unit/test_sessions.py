"""The programme through the use cases: sessions allocated with the day's decision, moved
up by cancellations and raised capacities, changed by the attendee, moved by the
organisers; every change on ``capacity.sessions.v1`` and in the catalog's counts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.domain import commands
from capacity.domain.model import InvalidEvent, Outcome, Refused
from capacity.domain.programme import violations
from capacity.domain.sessions import Slot
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope
from services.capacity.tests.examples import fachtag

from .fakes import World
from .test_handlers import cancel


async def fachtag_event(
    world: World, day: int, *forums: int, **options: object
) -> tuple[UUID, Slot]:
    details = fachtag(*forums, **options)  # type: ignore[arg-type]
    event = await handlers.create_event(commands.CreateEvent(details, day), world.uow())
    return event.event_id, details.programme[1]


async def arrive(world: World, event_id: UUID, slot: Slot, *ranked: int) -> UUID:
    """A registration ranking the slot's sessions ``ranked`` (1-based numbers)."""
    payload = m.RegistrationRequested(
        registration_id=uuid4(),
        event_id=event_id,
        requested_at=datetime.now(UTC),
        choices={slot.slot_id: [slot.sessions[n - 1].session_id for n in ranked]},
    )
    await handlers.decide_registrations([(Envelope.new(payload, source="t"), payload)], world.uow())
    return payload.registration_id


async def change(world: World, event_id: UUID, slot: Slot, person: UUID, *ranked: int) -> None:
    payload = m.SessionChoicesChanged(
        registration_id=person,
        event_id=event_id,
        choices={slot.slot_id: [slot.sessions[n - 1].session_id for n in ranked]},
        changed_at=datetime.now(UTC),
    )
    await handlers.decide_registrations([(Envelope.new(payload, source="t"), payload)], world.uow())


def held(world: World, slot: Slot, person: UUID) -> int | None:
    """The number (1-based) of the session ``person`` holds, from the messages alone."""
    holding: UUID | None = None
    for message in world.sent(m.SessionDecision):
        assert isinstance(message, m.SessionDecision)
        if message.registration_id != person:
            continue
        if isinstance(message, m.SessionSeatAssigned):
            holding = message.session_id
        elif isinstance(message, m.SessionSeatReleased):
            holding = None
    ids = [s.session_id for s in slot.sessions]
    return ids.index(holding) + 1 if holding else None


def counts(world: World, event_id: UUID) -> list[tuple[int, int, int]]:
    """(seats taken, seats left, waiting) per session, from the newest catalog snapshot."""
    snapshot = world.sent(m.CatalogEvent)[-1]
    assert isinstance(snapshot, m.CatalogEvent) and snapshot.event_id == event_id
    return [
        (s.seats_taken, s.seats_left, s.waitlist_length)
        for s in snapshot.event.programme[1].sessions
    ]


async def test_the_best_ranked_session_with_a_seat_and_waiting_places_for_better_ones() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 1)
    first = await arrive(world, event_id, forums, 1, 2)
    second = await arrive(world, event_id, forums, 1, 2)

    assert held(world, forums, first) == 1
    assert held(world, forums, second) == 2
    confirmed = [c for c in world.sent(m.SeatConfirmed) if c.registration_id == second]
    assert isinstance(confirmed[0], m.SeatConfirmed)
    [place] = confirmed[0].sessions
    assert (place.session_id, place.rank) == (forums.sessions[1].session_id, 2)
    assert [(w.session_id, w.position) for w in place.waiting] == [
        (forums.sessions[0].session_id, 1)
    ]
    waitlisted = world.sent(m.SessionWaitlisted)
    assert [(w.registration_id, w.position) for w in waitlisted] == [(second, 1)]
    assert counts(world, event_id) == [(1, 0, 1), (1, 0, 0)]


async def test_a_cancellation_moves_the_first_in_line_up_and_frees_their_old_seat() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 1, 1)
    first = await arrive(world, event_id, forums, 1, 2, 3)
    second = await arrive(world, event_id, forums, 1, 2, 3)
    third = await arrive(world, event_id, forums, 2, 3)
    assert [held(world, forums, p) for p in (first, second, third)] == [1, 2, 3]

    await cancel(world, event_id, first)

    assert [held(world, forums, p) for p in (first, second, third)] == [None, 1, 2]
    moves = [
        a for a in world.sent(m.SessionSeatAssigned) if a.reason is m.SessionMoveReason.MOVED_UP
    ]
    assert [(a.registration_id, a.rank) for a in moves] == [(second, 1), (third, 1)]
    released = world.sent(m.SessionSeatReleased)
    assert [(r.registration_id, r.reason) for r in released] == [
        (first, m.SessionReleaseReason.DAY_RELEASED)
    ]
    assert counts(world, event_id) == [(1, 0, 0), (1, 0, 0), (0, 1, 0)]


async def test_a_person_on_the_days_waiting_list_gets_a_session_once_promoted() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 1, 5, 5)
    first = await arrive(world, event_id, forums, 1)
    waiting = await arrive(world, event_id, forums, 2, 1)
    assert held(world, forums, waiting) is None

    await cancel(world, event_id, first)

    promoted = [c for c in world.sent(m.SeatConfirmed) if c.registration_id == waiting]
    assert isinstance(promoted[0], m.SeatConfirmed) and promoted[0].from_waitlist
    assert promoted[0].sessions[0].session_id == forums.sessions[1].session_id
    assert held(world, forums, waiting) == 2


async def test_all_ranked_full_with_fallback_gives_a_free_session() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 1, fallback=True)
    await arrive(world, event_id, forums, 1)
    late = await arrive(world, event_id, forums, 1)

    [assigned] = [a for a in world.sent(m.SessionSeatAssigned) if a.registration_id == late]
    assert isinstance(assigned, m.SessionSeatAssigned)
    assert (assigned.reason, assigned.rank) == (m.SessionMoveReason.ALLOCATED, None)
    assert held(world, forums, late) == 2


async def test_a_change_of_choice_keeps_the_seat_and_queues_a_new_wish_at_the_back() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 1, 1)
    await arrive(world, event_id, forums, 1)
    early = await arrive(world, event_id, forums, 2)
    later = await arrive(world, event_id, forums, 1, 3)

    await change(world, event_id, forums, early, 1, 2)

    assert held(world, forums, early) == 2
    places = await handlers.places(event_id, early, world.uow())
    assert places[0].waiting == ((forums.sessions[0].session_id, 2),)
    assert (await handlers.places(event_id, later, world.uow()))[0].waiting == (
        (forums.sessions[0].session_id, 1),
    )


async def test_changes_after_the_choice_deadline_are_ignored() -> None:
    world = World()
    details = replace(fachtag(1, 1), choice_deadline=datetime.now(UTC) - timedelta(days=1))
    event = await handlers.create_event(commands.CreateEvent(details, 10), world.uow())
    forums = details.programme[1]
    person = await arrive(world, event.event_id, forums, 1)

    await change(world, event.event_id, forums, person, 2)

    assert held(world, forums, person) == 1


async def test_the_organisers_move_someone_only_into_a_session_with_a_free_seat() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 2)
    first = await arrive(world, event_id, forums, 1)
    second = await arrive(world, event_id, forums, 2)

    with pytest.raises(Refused) as refused:
        await handlers.assign_session(
            commands.AssignSession(event_id, second, forums.sessions[0].session_id), world.uow()
        )
    assert refused.value.code == "session_full"
    assert "Praxisforum 1" in refused.value.message_de

    await handlers.assign_session(
        commands.AssignSession(event_id, first, forums.sessions[1].session_id), world.uow()
    )
    assert held(world, forums, first) == 2
    assert (await handlers.places(event_id, first, world.uow()))[0].waiting == ()


async def test_a_raised_session_capacity_moves_the_waiting_up() -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 10, 1, 5)
    await arrive(world, event_id, forums, 1)
    waiting = await arrive(world, event_id, forums, 1, 2)
    event = await handlers.get_event(event_id, world.uow())
    assert event is not None

    raised = replace(forums, sessions=(replace(forums.sessions[0], capacity=2), forums.sessions[1]))
    details = replace(event.details, programme=(event.details.programme[0], raised))
    await handlers.revise_event(commands.ReviseEvent(event_id, details), world.uow())

    assert held(world, forums, waiting) == 1
    assert counts(world, event_id) == [(2, 0, 0), (0, 5, 0)]

    lowered = replace(
        forums, sessions=(replace(forums.sessions[0], capacity=1), forums.sessions[1])
    )
    with pytest.raises(InvalidEvent):
        await handlers.revise_event(
            commands.ReviseEvent(
                event_id, replace(details, programme=(details.programme[0], lowered))
            ),
            world.uow(),
        )


# --- properties: whatever happens, both limits hold and the allocation keeps its rules ----

SESSION_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["arrive"] * 4 + ["cancel", "change", "forum_capacity", "day_capacity"]),
        st.integers(0, 30),
        st.permutations([1, 2, 3]),
        st.integers(1, 3),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(steps=SESSION_STEPS, fallback=st.booleans())
def test_day_and_forum_capacities_hold_through_any_sequence(
    steps: list[tuple[str, int, list[int], int]], fallback: bool
) -> None:
    """Registrations ranking forums, cancellations, changes of choice, raised forum and day
    capacities in any order: never more on the day or in a forum than its capacity, only
    confirmed seats hold a forum, and ``violations()`` finds nothing at rest."""
    asyncio.run(run_steps(steps, fallback))


async def run_steps(steps: list[tuple[str, int, list[int], int]], fallback: bool) -> None:
    world = World()
    event_id, forums = await fachtag_event(world, 4, 1, 2, 1, fallback=fallback)
    people: list[UUID] = []
    for action, pick, ranking, count in steps:
        chosen = ranking[:count]
        if action == "arrive" or not people:
            people.append(await arrive(world, event_id, forums, *chosen))
        elif action == "cancel":
            await cancel(world, event_id, people[pick % len(people)])
        elif action == "change":
            await change(world, event_id, forums, people[pick % len(people)], *chosen)
        elif action == "forum_capacity":
            event = await handlers.get_event(event_id, world.uow())
            assert event is not None
            slot = event.details.programme[1]
            raised = replace(slot.sessions[pick % 3], capacity=slot.sessions[pick % 3].capacity + 1)
            sessions = tuple(
                raised if s.session_id == raised.session_id else s for s in slot.sessions
            )
            details = replace(
                event.details,
                programme=(event.details.programme[0], replace(slot, sessions=sessions)),
            )
            await handlers.revise_event(commands.ReviseEvent(event_id, details), world.uow())
        else:
            event = await handlers.get_event(event_id, world.uow())
            assert event is not None
            await handlers.change_capacity(
                commands.ChangeCapacity(event_id, event.capacity + 1), world.uow()
            )
        event, sessions = await handlers.session_lists(event_id, world.uow())
        [allocation] = sessions.slots.values()
        confirmed = {
            seat.registration_id
            for seat in world.seat_store.values()
            if seat.outcome is Outcome.CONFIRMED
        }
        assert len(confirmed) <= event.capacity
        assert set(allocation.people()) <= confirmed
        for session, capacity in allocation.capacities.items():
            assert allocation.holder_count(session) <= capacity
        assert violations(allocation) == []
        if any(taken or waiting for taken, waiting in sessions.counts().values()):
            assert event.session_counts == sessions.counts()
