from __future__ import annotations

import copy
from datetime import UTC, datetime
from uuid import UUID, uuid4

from contracts import messages as m
from contracts.envelope import Envelope
from registration.domain.model import Registration, Status, normalize_email
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

    async def save(self, registration: Registration) -> None:
        self.store[registration.registration_id] = copy.deepcopy(registration)

    async def position(self, registration: Registration) -> int | None:
        if registration.status is not Status.WAITLISTED:
            return None
        waiting = sorted(
            (
                r
                for r in self.store.values()
                if r.event_id == registration.event_id and r.status is Status.WAITLISTED
            ),
            key=lambda r: (r.waitlisted_at, r.registration_id),
        )
        return [r.registration_id for r in waiting].index(registration.registration_id) + 1


class FakeUnitOfWork(UnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.store: dict[UUID, Registration] = {}
        self.processed: set[tuple[str, UUID]] = set()
        self.outbox: list[m.IntegrationEvent] = []
        self.registrations = FakeRegistrations(self.store)

    async def first_time(self, consumer: str, message_id: UUID) -> bool:
        if (consumer, message_id) in self.processed:
            return False
        self.processed.add((consumer, message_id))
        return True

    async def commit(self) -> None:
        self.outbox.extend(payload for payload, _ in self.messages)
        self.messages = []

    async def rollback(self) -> None:
        self.messages = []


def command(email: str = "Anna@Example.org", key: str = "k1") -> handlers.RegisterAttendee:
    return handlers.RegisterAttendee(
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
    uow = FakeUnitOfWork()
    registration, created = await handlers.register(uow, command())
    assert created and registration.status is Status.PENDING
    assert registration.name == "Anna Muster"
    (msg,) = uow.outbox
    assert isinstance(msg, m.RegistrationRequested)
    assert msg.registration_id == registration.registration_id
    assert "Anna" not in msg.model_dump_json()  # no personal data on the topic


async def test_a_repeated_request_returns_the_first_registration() -> None:
    uow = FakeUnitOfWork()
    first, _ = await handlers.register(uow, command())
    same_key, created_again = await handlers.register(uow, command(email="x@y.de"))
    same_mail, created_third = await handlers.register(uow, command("anna@example.org", "k2"))
    assert not created_again and not created_third
    assert first.registration_id == same_key.registration_id == same_mail.registration_id
    assert len(uow.outbox) == 1


def decision(kind: type[m.Decision], registration: Registration, **extra: object) -> m.Decision:
    return kind(
        decision_id=uuid4(),
        registration_id=registration.registration_id,
        event_id=registration.event_id,
        decided_at=datetime.now(UTC),
        **extra,
    )


async def apply(uow: FakeUnitOfWork, payload: m.Decision, envelope: Envelope | None = None) -> bool:
    async with uow:
        applied = await handlers.apply_decision(
            uow, payload, envelope or Envelope.new(payload, source="capacity")
        )
        await uow.commit()
    return applied


async def test_decisions_update_the_status_once() -> None:
    uow = FakeUnitOfWork()
    registration, _ = await handlers.register(uow, command())
    waitlisted = decision(m.Waitlisted, registration, position=4)
    envelope = Envelope.new(waitlisted, source="capacity")
    assert await apply(uow, waitlisted, envelope)
    assert not await apply(uow, waitlisted, envelope)
    assert uow.store[registration.registration_id].status is Status.WAITLISTED


async def test_the_waiting_list_place_moves_up() -> None:
    uow = FakeUnitOfWork()
    people = [(await handlers.register(uow, command(f"p{i}@x.de", f"k{i}")))[0] for i in range(3)]
    for person in people:
        await apply(uow, decision(m.Waitlisted, person, position=1))
    assert (await handlers.get_registration(uow, people[2].registration_id))[1] == 3  # type: ignore[index]
    await apply(uow, decision(m.SeatConfirmed, people[0], from_waitlist=True))
    await handlers.cancel_registration(uow, people[1].registration_id)
    result = await handlers.get_registration(uow, people[2].registration_id)
    assert result is not None and result[1] == 1


async def test_cancelling_twice_sends_one_cancellation() -> None:
    uow = FakeUnitOfWork()
    registration, _ = await handlers.register(uow, command())
    first = await handlers.cancel_registration(uow, registration.registration_id)
    second = await handlers.cancel_registration(uow, registration.registration_id)
    assert first is not None and first[1] and second is not None and not second[1]
    assert sum(isinstance(msg, m.RegistrationCancelled) for msg in uow.outbox) == 1
    # a late decision does not bring a cancelled registration back
    await apply(uow, decision(m.SeatConfirmed, registration))
    assert uow.store[registration.registration_id].status is Status.CANCELLED
    assert await handlers.cancel_registration(uow, uuid4()) is None


async def test_a_cancelled_event_cancels_the_registration() -> None:
    uow = FakeUnitOfWork()
    registration, _ = await handlers.register(uow, command())
    await apply(uow, decision(m.SeatReleased, registration, reason=m.ReleaseReason.EVENT_CANCELLED))
    stored = uow.store[registration.registration_id]
    assert stored.status is Status.CANCELLED and stored.cancel_reason == "event_cancelled"
