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


async def test_decisions_update_the_status_once() -> None:
    uow = FakeUnitOfWork()
    registration, _ = await handlers.register(uow, command())
    waitlisted = m.Waitlisted(
        decision_id=uuid4(),
        registration_id=registration.registration_id,
        event_id=registration.event_id,
        decided_at=datetime.now(UTC),
        position=4,
    )
    envelope = Envelope.new(waitlisted, source="capacity")
    assert await handlers.apply_decision(uow, waitlisted, envelope)
    assert not await handlers.apply_decision(uow, waitlisted, envelope)
    stored = uow.store[registration.registration_id]
    assert stored.status is Status.WAITLISTED and stored.waitlist_position == 4
