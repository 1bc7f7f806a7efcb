from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from contracts import messages as m
from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.envelope import Envelope
from registration.bootstrap import bootstrap
from registration.config import Settings
from registration.domain import commands
from registration.domain.model import (
    ACTIVE,
    LIST_ORDER,
    AccessibilityReport,
    CancelReason,
    HealthConsentMissing,
    NotActive,
    Registration,
    RegistrationStatus,
    normalize_email,
)
from registration.service_layer import handlers
from registration.service_layer.unit_of_work import RegistrationRepository, UnitOfWork


class FakeRegistrations(RegistrationRepository):
    def __init__(self, store: dict[UUID, Registration]) -> None:
        self.store = store

    async def add(self, registration: Registration) -> Registration:
        for existing in self.store.values():
            if existing.idempotency_key == registration.idempotency_key or (
                existing.event_id == registration.event_id
                and existing.email_normalized == registration.email_normalized
            ):
                return copy.deepcopy(existing)
        self.store[registration.registration_id] = copy.deepcopy(registration)
        return registration

    async def get(self, registration_id: UUID, *, lock: bool = False) -> Registration | None:
        found = self.store.get(registration_id)
        return copy.deepcopy(found) if found else None

    async def get_many(
        self, registration_ids: Collection[UUID], *, lock: bool = False
    ) -> dict[UUID, Registration]:
        return {i: copy.deepcopy(self.store[i]) for i in registration_ids if i in self.store}

    async def save_many(self, registrations: Collection[Registration]) -> None:
        for registration in registrations:
            self.store[registration.registration_id] = copy.deepcopy(registration)

    async def position(self, registration: Registration) -> int | None:
        if registration.status is not RegistrationStatus.WAITLISTED:
            return None
        waiting = sorted(
            (
                r
                for r in self.store.values()
                if r.event_id == registration.event_id and r.status is RegistrationStatus.WAITLISTED
            ),
            key=lambda r: (r.waitlisted_at, r.registration_id),
        )
        return [r.registration_id for r in waiting].index(registration.registration_id) + 1

    async def of_event(self, event_id: UUID) -> list[tuple[Registration, int | None]]:
        placed = [
            (copy.deepcopy(r), await self.position(r))
            for r in self.store.values()
            if r.event_id == event_id
        ]
        return sorted(
            placed, key=lambda p: (LIST_ORDER.index(p[0].status), p[1] or 0, p[0].created_at)
        )

    async def page_of_event(
        self, query: commands.ListParticipants
    ) -> tuple[list[tuple[Registration, int | None]], int]:
        raise NotImplementedError("the paged list is tested on Postgres")

    async def counts_of_event(
        self, event_id: UUID, since: datetime | None
    ) -> tuple[dict[str, int], int, datetime | None]:
        raise NotImplementedError("the counts are tested on Postgres")

    async def accessibility_report(self, event_id: UUID) -> AccessibilityReport:
        active = [r for r in self.store.values() if r.event_id == event_id and r.status in ACTIVE]
        return AccessibilityReport.count(
            event_id,
            len(active),
            sum(bool(r.accessibility.needs) for r in active),
            Counter(need for r in active for need in r.accessibility.needs),
        )


class FakeUnitOfWork(UnitOfWork):
    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.registrations = FakeRegistrations(world.store)

    async def first_times(self, consumer: str, message_ids: Collection[UUID]) -> set[UUID]:
        new = {i for i in message_ids if (consumer, i) not in self.world.processed}
        self.world.processed.update((consumer, i) for i in new)
        return new

    async def commit(self) -> None:
        self.world.outbox.extend(payload for payload, _ in self.messages)
        self.messages = []

    async def rollback(self) -> None:
        self.messages = []


class World:
    """The service wired through ``bootstrap`` on in-memory stores; ``uow()`` is what the
    entrypoints hand each use case: a fresh unit of work (on the shared stores here)."""

    def __init__(self) -> None:
        self.store: dict[UUID, Registration] = {}
        self.processed: set[tuple[str, UUID]] = set()
        self.outbox: list[m.IntegrationEvent] = []
        self.deps = bootstrap(Settings(), uow=lambda: FakeUnitOfWork(self))

    def uow(self) -> UnitOfWork:
        return self.deps.uow()


def command(email: str = "Anna@Example.org", key: str = "k1") -> commands.RegisterAttendee:
    return commands.RegisterAttendee(
        event_id=UUID(int=1),
        name=" Anna Muster ",
        email=email,
        organisation="Stadt Ulm",
        locale=m.Locale.DE,
        idempotency_key=key,
    )


def test_emails_are_recognised_regardless_of_case_and_spaces() -> None:
    assert normalize_email("  Anna@Example.ORG ") == normalize_email("anna@example.org")


async def test_register_stores_pending_and_queues_registration_requested() -> None:
    world = World()
    registration, created = await handlers.register(command(), world.uow())
    assert created and registration.status is RegistrationStatus.PENDING
    assert registration.name == "Anna Muster"
    (msg,) = world.outbox
    assert isinstance(msg, m.RegistrationRequested)
    assert msg.registration_id == registration.registration_id
    assert "Anna" not in msg.model_dump_json()  # no personal data on the topic


async def test_a_repeated_request_returns_the_first_registration() -> None:
    world = World()
    first, _ = await handlers.register(command(), world.uow())
    same_key, created_again = await handlers.register(command(email="x@y.de"), world.uow())
    same_mail, created_third = await handlers.register(
        command("anna@example.org", "k2"), world.uow()
    )
    assert not created_again and not created_third
    assert first.registration_id == same_key.registration_id == same_mail.registration_id
    assert len(world.outbox) == 1


def decision(kind: type[m.Decision], registration: Registration, **extra: object) -> m.Decision:
    return kind(
        decision_id=uuid4(),
        registration_id=registration.registration_id,
        event_id=registration.event_id,
        decided_at=datetime.now(UTC),
        **extra,
    )


async def apply(world: World, payload: m.Decision, envelope: Envelope | None = None) -> bool:
    envelope = envelope or Envelope.new(payload, source="capacity")
    return await handlers.apply_decisions([(envelope, payload)], world.uow()) == 1


async def test_decisions_update_the_status_once() -> None:
    world = World()
    registration, _ = await handlers.register(command(), world.uow())
    waitlisted = decision(m.Waitlisted, registration, position=4)
    envelope = Envelope.new(waitlisted, source="capacity")
    assert await apply(world, waitlisted, envelope)
    assert not await apply(world, waitlisted, envelope)
    assert world.store[registration.registration_id].status is RegistrationStatus.WAITLISTED


async def test_a_batch_applies_in_order_and_skips_repeats_and_strangers() -> None:
    world = World()
    one, _ = await handlers.register(command("one@x.de", "k1"), world.uow())
    two, _ = await handlers.register(command("two@x.de", "k2"), world.uow())
    waitlisted = decision(m.Waitlisted, one, position=1)
    repeated = Envelope.new(waitlisted, source="capacity")
    stranger = decision(m.SeatConfirmed, one)
    stranger = stranger.model_copy(update={"registration_id": uuid4()})
    batch = [
        (repeated, waitlisted),
        (repeated, waitlisted),
        (Envelope.new(stranger, source="capacity"), stranger),
        *(
            (Envelope.new(d, source="capacity"), d)
            for d in (
                decision(m.SeatConfirmed, one, from_waitlist=True),
                decision(m.Waitlisted, two, position=1),
            )
        ),
    ]
    assert await handlers.apply_decisions(batch, world.uow()) == 4
    assert world.store[one.registration_id].status is RegistrationStatus.CONFIRMED
    assert world.store[two.registration_id].status is RegistrationStatus.WAITLISTED
    assert await handlers.apply_decisions(batch, world.uow()) == 0


async def test_the_waiting_list_place_moves_up() -> None:
    world = World()
    people = [
        (await handlers.register(command(f"p{i}@x.de", f"k{i}"), world.uow()))[0] for i in range(3)
    ]
    for person in people:
        await apply(world, decision(m.Waitlisted, person, position=1))
    assert (await handlers.get_registration(people[2].registration_id, world.uow()))[1] == 3  # type: ignore[index]
    await apply(world, decision(m.SeatConfirmed, people[0], from_waitlist=True))
    await handlers.cancel_registration(
        commands.CancelRegistration(people[1].registration_id), world.uow()
    )
    result = await handlers.get_registration(people[2].registration_id, world.uow())
    assert result is not None and result[1] == 1


async def test_cancelling_twice_sends_one_cancellation() -> None:
    world = World()
    registration, _ = await handlers.register(command(), world.uow())
    first = await handlers.cancel_registration(
        commands.CancelRegistration(registration.registration_id), world.uow()
    )
    second = await handlers.cancel_registration(
        commands.CancelRegistration(registration.registration_id), world.uow()
    )
    assert first is not None and first[1] and second is not None and not second[1]
    assert sum(isinstance(msg, m.RegistrationCancelled) for msg in world.outbox) == 1
    # a late decision does not bring a cancelled registration back
    await apply(world, decision(m.SeatConfirmed, registration))
    assert world.store[registration.registration_id].status is RegistrationStatus.CANCELLED
    assert (
        await handlers.cancel_registration(commands.CancelRegistration(uuid4()), world.uow())
        is None
    )


async def test_a_cancelled_event_cancels_the_registration() -> None:
    world = World()
    registration, _ = await handlers.register(command(), world.uow())
    await apply(
        world, decision(m.SeatReleased, registration, reason=m.ReleaseReason.EVENT_CANCELLED)
    )
    stored = world.store[registration.registration_id]
    assert (
        stored.status is RegistrationStatus.CANCELLED and stored.cancel_reason == "event_cancelled"
    )


async def test_accessibility_needs_are_kept_with_consent_and_stay_off_the_topic() -> None:
    world = World()
    cmd = replace(
        command(),
        role=AttendeeRole.MAYOR,
        accessibility_needs=(AccessibilityNeed.SIGN_LANGUAGE, AccessibilityNeed.SIGN_LANGUAGE),
        accessibility_other=" Assistenzhund ",
        health_data_consent=True,
    )
    registration, _ = await handlers.register(cmd, world.uow())
    stored = world.store[registration.registration_id]
    assert stored.role is AttendeeRole.MAYOR
    assert stored.accessibility.needs == (AccessibilityNeed.SIGN_LANGUAGE, AccessibilityNeed.OTHER)
    assert stored.accessibility.other == "Assistenzhund"
    assert stored.accessibility.consent_at == stored.created_at
    (msg,) = world.outbox
    published = msg.model_dump_json()
    assert "sign_language" not in published and "Assistenzhund" not in published
    assert "mayor" not in published


async def test_needs_without_health_consent_store_nothing() -> None:
    world = World()
    cmd = replace(command(), accessibility_needs=(AccessibilityNeed.STEP_FREE,))
    with pytest.raises(HealthConsentMissing):
        await handlers.register(cmd, world.uow())
    assert world.store == {} and world.outbox == []


async def test_an_organiser_cancellation_says_who_cancelled_once() -> None:
    world = World()
    registration, _ = await handlers.register(command(), world.uow())
    by = m.CancelledBy.ORGANISER
    first = await handlers.cancel_registration(
        commands.CancelRegistration(registration.registration_id, by=by), world.uow()
    )
    second = await handlers.cancel_registration(
        commands.CancelRegistration(registration.registration_id, by=by), world.uow()
    )
    assert first is not None and first[1] and second is not None and not second[1]
    assert world.store[registration.registration_id].cancel_reason is CancelReason.ORGANISER
    cancellations = [msg for msg in world.outbox if isinstance(msg, m.RegistrationCancelled)]
    assert [msg.cancelled_by for msg in cancellations] == [m.CancelledBy.ORGANISER]


async def test_a_seat_released_by_the_organisers_cancels_with_their_reason() -> None:
    world = World()
    registration, _ = await handlers.register(command(), world.uow())
    released = decision(m.SeatReleased, registration, reason=m.ReleaseReason.CANCELLED_BY_ORGANISER)
    await apply(world, released)
    assert world.store[registration.registration_id].cancel_reason is CancelReason.ORGANISER


async def test_the_accessibility_report_counts_active_registrations_only() -> None:
    world = World()
    needs = (AccessibilityNeed.STEP_FREE, AccessibilityNeed.EASY_LANGUAGE)
    with_needs = [
        replace(command(f"n{i}@x.de", f"n{i}"), accessibility_needs=needs, health_data_consent=True)
        for i in range(3)
    ]
    people = [(await handlers.register(cmd, world.uow()))[0] for cmd in [*with_needs, command()]]
    await handlers.cancel_registration(
        commands.CancelRegistration(people[0].registration_id), world.uow()
    )
    report = await handlers.accessibility_report(UUID(int=1), world.uow())
    assert (report.active_registrations, report.with_needs) == (3, 2)
    assert report.needs[AccessibilityNeed.STEP_FREE] == 2
    assert report.needs[AccessibilityNeed.SIGN_LANGUAGE] == 0


SLOT, OTHER_SLOT = UUID(int=10), UUID(int=20)
FORUM_A, FORUM_B, FORUM_C = UUID(int=11), UUID(int=12), UUID(int=13)


async def test_the_ranking_is_stored_and_travels_with_the_request() -> None:
    world = World()
    cmd = replace(command(), choices={SLOT: (FORUM_B, FORUM_A), OTHER_SLOT: ()})
    registration, _ = await handlers.register(cmd, world.uow())
    assert world.store[registration.registration_id].choices == {
        SLOT: [FORUM_B, FORUM_A],
        OTHER_SLOT: [],
    }
    (msg,) = world.outbox
    assert isinstance(msg, m.RegistrationRequested)
    assert msg.choices == {SLOT: [FORUM_B, FORUM_A], OTHER_SLOT: []}


async def test_a_change_of_choice_keeps_the_slots_not_named_and_tells_capacity() -> None:
    world = World()
    cmd = replace(command(), choices={SLOT: (FORUM_A,), OTHER_SLOT: (FORUM_C,)})
    registration, _ = await handlers.register(cmd, world.uow())
    change = commands.ChangeChoices(
        registration.registration_id, {SLOT: [FORUM_B, FORUM_A]}, correlation_id="c-1"
    )
    changed = await handlers.change_choices(change, world.uow())
    assert changed is not None
    assert world.store[registration.registration_id].choices == {
        SLOT: [FORUM_B, FORUM_A],
        OTHER_SLOT: [FORUM_C],
    }
    msg = world.outbox[-1]
    assert isinstance(msg, m.SessionChoicesChanged)
    assert msg.registration_id == registration.registration_id
    assert msg.event_id == registration.event_id
    assert msg.choices == {SLOT: [FORUM_B, FORUM_A]}  # only what changed


@pytest.mark.parametrize(
    "ended",
    [
        (m.SeatReleased, {"reason": m.ReleaseReason.CANCELLED_BY_ATTENDEE}),
        (m.RegistrationRejected, {"reason": m.RejectionReason.EVENT_FULL}),
    ],
    ids=["cancelled", "rejected"],
)
async def test_a_registration_that_ended_takes_no_new_choice(
    ended: tuple[type[m.Decision], dict[str, object]],
) -> None:
    world = World()
    registration, _ = await handlers.register(
        replace(command(), choices={SLOT: (FORUM_A,)}), world.uow()
    )
    kind, extra = ended
    await apply(world, decision(kind, registration, **extra))
    published = list(world.outbox)
    change = commands.ChangeChoices(registration.registration_id, {SLOT: [FORUM_B]})
    with pytest.raises(NotActive):
        await handlers.change_choices(change, world.uow())
    assert world.store[registration.registration_id].choices == {SLOT: [FORUM_A]}
    assert world.outbox == published


async def test_a_change_of_choice_for_nobody_is_none() -> None:
    world = World()
    change = commands.ChangeChoices(uuid4(), {SLOT: [FORUM_A]})
    assert await handlers.change_choices(change, world.uow()) is None
    assert world.outbox == []
