"""Property-based: whatever happens, seats stay honest.

Any sequence of registrations, redeliveries, cancellations (by attendees or organisers),
capacity changes, waiting list switches and publishing a draft never confirms more than the
capacity, keeps the waiting list first come first served, leaves every registration in
exactly one current state that matches the messages sent about it, and keeps a draft off the
catalog.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.domain import commands
from capacity.domain.model import Outcome, Refused
from capacity.service_layer import handlers
from contracts import messages as m
from services.capacity.tests.examples import WORKSHOP

from .fakes import World
from .test_handlers import cancel, published, register

Step = tuple[str, int]
# registrations dominate, as in a rush; the rest interleave
ACTIONS = ["register"] * 5 + [
    "redeliver",
    "cancel",
    "cancel",
    "organiser_cancel",
    "capacity",
    "close",
    "reopen",
    "waitlist",
    "publish",
]
steps = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 40)), max_size=60)


def current_states(world: World) -> dict[UUID, str]:
    """The state of every registration as a subscriber of the decisions topic sees it."""
    state: dict[UUID, str] = {}
    for payload, _ in world.outbox:
        if isinstance(payload, m.SeatConfirmed):
            state[payload.registration_id] = "confirmed"
        elif isinstance(payload, m.Waitlisted):
            state[payload.registration_id] = "waitlisted"
        elif isinstance(payload, m.RegistrationRejected):
            state[payload.registration_id] = "rejected"
        elif isinstance(payload, m.SeatReleased):
            state[payload.registration_id] = "released"
    return state


async def run(capacity: int, waitlist: bool, draft: bool, script: list[Step]) -> None:
    world = World()
    event_id = await published(world, capacity, waitlist, draft=draft)
    registered: list[UUID] = []
    for action, n in script:
        was_draft = world.event_store[event_id].status is m.EventStatus.DRAFT
        if action == "register":
            registered.append(await register(world, event_id))
        elif action == "redeliver" and registered:
            await register(world, event_id, registered[n % len(registered)])
        elif action in ("cancel", "organiser_cancel") and registered:
            by = m.CancelledBy.ORGANISER if action == "organiser_cancel" else m.CancelledBy.ATTENDEE
            await cancel(world, event_id, registered[n % len(registered)], by)
        elif action == "capacity":
            try:
                await handlers.change_capacity(
                    commands.ChangeCapacity(event_id, n % 9), world.uow()
                )
            except Refused:
                assert n % 9 < world.event_store[event_id].seats_taken
        elif action == "waitlist":
            details = replace(WORKSHOP, waitlist_enabled=n % 2 == 0)
            await handlers.revise_event(commands.ReviseEvent(event_id, details), world.uow())
        elif action in ("close", "reopen", "publish"):
            organise, command = {
                "close": (handlers.close_event, commands.CloseEvent),
                "reopen": (handlers.reopen_event, commands.ReopenEvent),
                "publish": (handlers.publish_event, commands.PublishEvent),
            }[action]
            try:
                await organise(command(event_id), world.uow())
            except Refused:
                assert was_draft is (action != "publish")
        check(world, event_id, registered)


def check(world: World, event_id: UUID, registered: list[UUID]) -> None:
    event = world.event_store[event_id]
    seats = world.seat_store
    confirmed = [s for s in seats.values() if s.outcome is Outcome.CONFIRMED]
    waiting = sorted(
        (s for s in seats.values() if s.outcome is Outcome.WAITLISTED), key=lambda s: s.seq
    )
    # never overbooked, counters match the seats
    assert len(confirmed) == event.seats_taken <= event.capacity
    assert len(waiting) == event.waitlist_length
    # exactly one current state per registration, and it is what subscribers were told
    assert set(seats) == set(registered) == set(current_states(world))
    told = current_states(world)
    for registration_id, seat in seats.items():
        assert told[registration_id] == seat.outcome.value
    # nobody waits while a seat is free (unless the event is cancelled)
    if event.status is not m.EventStatus.CANCELLED:
        assert not (waiting and event.seats_left > 0)
    # first come, first served: every promoted seat came before everyone still waiting
    if waiting:
        promoted = [s for s in confirmed if s.from_waitlist]
        assert all(p.seq < waiting[0].seq for p in promoted)
    # a draft is not on the catalog
    if event.status is m.EventStatus.DRAFT:
        assert world.sent(m.CatalogEvent) == []
    # one decision per registration and message (no duplicates on redelivery)
    first_decisions = [
        p
        for p, _ in world.outbox
        if isinstance(p, m.SeatConfirmed | m.Waitlisted | m.RegistrationRejected)
        and not (isinstance(p, m.SeatConfirmed) and p.from_waitlist)
    ]
    assert len(first_decisions) == len(registered)


@settings(max_examples=150, deadline=None)
@given(capacity=st.integers(0, 5), waitlist=st.booleans(), draft=st.booleans(), script=steps)
def test_seats_stay_honest(capacity: int, waitlist: bool, draft: bool, script: list[Step]) -> None:
    import asyncio

    asyncio.run(run(capacity, waitlist, draft, script))


def test_the_check_can_fail() -> None:
    """The invariants notice an overbooking (guards against a check that cannot fail)."""
    import asyncio

    async def overbook() -> None:
        world = World()
        event_id = await published(world, 1)
        registered = [await register(world, event_id) for _ in range(2)]
        second = world.seat_store[registered[1]]
        second.outcome = Outcome.CONFIRMED
        check(world, event_id, registered)

    try:
        asyncio.run(overbook())
    except AssertionError:
        return
    raise AssertionError("an overbooking went unnoticed")
