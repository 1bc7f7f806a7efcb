"""The Markt der guten Ideen at capacity: stands taken for accepted applications, freed when
they end, and the staff's day seats kept apart from the public capacity.

Property-based: whatever happens — public registrations and cancellations, stands taken,
taken again and freed (also by stale or repeated messages), staff registering and cancelling
— never more stands than the call has, never more staff seats than the accepted stands'
staff, and the public count exactly the public seats, never above the capacity.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.domain import commands
from capacity.domain.model import Outcome, Refused
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope
from services.capacity.tests.examples import START, WORKSHOP

from .fakes import World
from .test_handlers import cancel, outcome, register

STANDS = 2


async def market(world: World, capacity: int, stands: int = STANDS) -> UUID:
    call = m.StandCall(opens_at=START - timedelta(days=60), closes_at=START, stands=stands)
    event = await handlers.create_event(
        commands.CreateEvent(replace(WORKSHOP, stand_call=call), capacity, publish=True),
        world.uow(),
    )
    return event.event_id


async def take(world: World, event_id: UUID, application_id: UUID, staff: int, rev: int) -> None:
    cmd = commands.ReserveStand(event_id, application_id=application_id, staff=staff, revision=rev)
    await handlers.reserve_stand(cmd, world.uow())


async def end(world: World, event_id: UUID, application_id: UUID, revision: int) -> None:
    payload = m.StandApplicationWithdrawn(
        application_id=application_id,
        event_id=event_id,
        revision=revision,
        staff=1,
        occurred_at=datetime.now(UTC),
        was_accepted=True,
    )
    envelope = Envelope.new(payload, source="registration")
    await handlers.follow_stand_applications([(envelope, payload)], world.uow())


async def staff_member(world: World, event_id: UUID, application_id: UUID) -> UUID:
    payload = m.RegistrationRequested(
        registration_id=uuid4(),
        event_id=event_id,
        requested_at=datetime.now(UTC),
        stand_application_id=application_id,
    )
    envelope = Envelope.new(payload, source="registration")
    await handlers.decide_registrations([(envelope, payload)], world.uow())
    return payload.registration_id


async def test_a_full_market_refuses_a_stand_and_a_freed_one_is_taken_again() -> None:
    world = World()
    event_id = await market(world, capacity=10)
    first, second, third = uuid4(), uuid4(), uuid4()
    await take(world, event_id, first, 2, 2)
    await take(world, event_id, first, 3, 2)  # a repeat takes no second stand
    await take(world, event_id, second, 1, 2)
    with pytest.raises(Refused) as refused:
        await take(world, event_id, third, 1, 2)
    assert refused.value.code == "stands_full"
    await end(world, event_id, first, 3)
    await end(world, event_id, first, 3)  # a redelivery frees nothing more
    await take(world, event_id, third, 1, 2)
    assert world.event_store[event_id].stands_taken == STANDS
    assert world.sent(m.EventUpdated)[-1].event.stands_taken == STANDS  # type: ignore[attr-defined]


async def test_an_older_change_neither_frees_nor_takes_a_stand() -> None:
    world = World()
    event_id = await market(world, capacity=10)
    application_id = uuid4()
    await take(world, event_id, application_id, 1, 4)
    await end(world, event_id, application_id, 3)  # declined before it was accepted again
    assert world.event_store[event_id].stands_taken == 1
    await end(world, event_id, application_id, 5)
    await take(world, event_id, application_id, 1, 4)  # a late retry of the old acceptance
    assert world.event_store[event_id].stands_taken == 0


async def test_staff_get_seats_of_their_stand_when_the_event_is_full_and_only_so_many() -> None:
    world = World()
    event_id = await market(world, capacity=1)
    public = await register(world, event_id)
    waiting = await register(world, event_id)
    application_id = uuid4()
    await take(world, event_id, application_id, 2, 2)
    team = [await staff_member(world, event_id, application_id) for _ in range(3)]
    assert [outcome(world, r) for r in team] == [
        Outcome.CONFIRMED,
        Outcome.CONFIRMED,
        Outcome.REJECTED,
    ]
    rejected = world.sent(m.RegistrationRejected)[-1]
    assert rejected.reason is m.RejectionReason.CONTINGENT_FULL  # type: ignore[attr-defined]
    event = world.event_store[event_id]
    assert (event.seats_taken, event.waitlist_length) == (1, 1)
    assert outcome(world, public) is Outcome.CONFIRMED

    await cancel(world, event_id, team[0])  # a staff seat freed: nobody of the public moves
    assert outcome(world, waiting) is Outcome.WAITLISTED
    assert outcome(world, await staff_member(world, event_id, application_id)) is (
        Outcome.CONFIRMED
    )
    unknown = await staff_member(world, event_id, uuid4())  # a stand never taken
    assert outcome(world, unknown) is Outcome.REJECTED


async def test_a_freed_stand_releases_its_staff_and_the_public_waiting_list_stays() -> None:
    world = World()
    event_id = await market(world, capacity=1)
    await register(world, event_id)
    waiting = await register(world, event_id)
    application_id = uuid4()
    await take(world, event_id, application_id, 2, 2)
    team = [await staff_member(world, event_id, application_id) for _ in range(2)]
    await end(world, event_id, application_id, 3)
    assert [outcome(world, r) for r in team] == [Outcome.RELEASED, Outcome.RELEASED]
    released = [p for p in world.sent(m.SeatReleased) if p.registration_id in team]  # type: ignore[attr-defined]
    assert {p.reason for p in released} == {m.ReleaseReason.STAND_RELEASED}  # type: ignore[attr-defined]
    assert outcome(world, waiting) is Outcome.WAITLISTED
    assert outcome(world, await staff_member(world, event_id, application_id)) is (Outcome.REJECTED)


ACTIONS = ["register", "register", "cancel", "take", "take", "end", "staff", "staff", "staff"]
steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 4), st.integers(1, 3)), max_size=50
)


async def run(capacity: int, stands: int, script: list[tuple[str, int, int]]) -> None:
    world = World()
    event_id = await market(world, capacity, stands)
    applications = [uuid4() for _ in range(5)]
    revisions = dict.fromkeys(applications, 1)
    registered: list[UUID] = []
    for action, n, staff in script:
        application_id = applications[n]
        if action == "register":
            registered.append(await register(world, event_id))
        elif action == "cancel" and registered:
            await cancel(world, event_id, registered[(n * staff) % len(registered)])
        elif action == "take":
            revisions[application_id] += 1
            try:
                await take(world, event_id, application_id, staff, revisions[application_id])
            except Refused as exc:
                assert exc.code == "stands_full"
        elif action == "end":
            revisions[application_id] += 1
            await end(world, event_id, application_id, revisions[application_id] - staff % 2)
        elif action == "staff":
            registered.append(await staff_member(world, event_id, application_id))
        check(world, event_id, stands)


def check(world: World, event_id: UUID, stands: int) -> None:
    event = world.event_store[event_id]
    held = [s for s in world.stand_store.values() if not s.released]
    assert event.stands_taken == len(held) <= stands
    seats = world.seat_store.values()
    public = [s for s in seats if s.stand_application_id is None]
    assert event.seats_taken == sum(s.outcome is Outcome.CONFIRMED for s in public)
    assert event.seats_taken <= event.capacity
    for stand in world.stand_store.values():
        seated = sum(
            s.outcome is Outcome.CONFIRMED and s.stand_application_id == stand.application_id
            for s in seats
        )
        assert seated <= (0 if stand.released else stand.staff)
    known = {s.application_id for s in world.stand_store.values()}
    assert not any(
        s.outcome is Outcome.CONFIRMED
        for s in seats
        if s.stand_application_id is not None and s.stand_application_id not in known
    )


@settings(max_examples=150, deadline=None)
@given(capacity=st.integers(0, 4), stands=st.integers(1, 3), script=steps)
def test_stands_and_staff_seats_stay_within_the_call_and_apart_from_the_public(
    capacity: int, stands: int, script: list[tuple[str, int, int]]
) -> None:
    asyncio.run(run(capacity, stands, script))


def test_the_check_notices_a_staff_seat_counted_as_public() -> None:
    """The invariants can fail: a staff seat in the public count is caught."""

    async def miscount() -> None:
        world = World()
        event_id = await market(world, capacity=3)
        application_id = uuid4()
        await take(world, event_id, application_id, 1, 2)
        await staff_member(world, event_id, application_id)
        world.event_store[event_id].seats_taken += 1
        check(world, event_id, STANDS)

    with pytest.raises(AssertionError):
        asyncio.run(miscount())
