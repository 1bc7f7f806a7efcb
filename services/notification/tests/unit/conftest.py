"""Fakes for the handlers' ports, wired through ``bootstrap`` like the real adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from contracts.envelope import Envelope
from contracts.http.stands import ApplicationContact
from contracts.messages import (
    Decision,
    EventSnapshot,
    IntegrationEvent,
    Locale,
    NotificationKind,
    SeatConfirmed,
)
from notification.bootstrap import bootstrap
from notification.config import Settings
from notification.domain.model import Contact, Delivery, DeliveryStatus, EventInfo, Mail
from notification.service_layer.handlers import Dependencies
from notification.service_layer.unit_of_work import UnitOfWork
from services.notification.tests.events import event_snapshot

DECIDED = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 2, 1, 12, 1, tzinfo=UTC)
BASE_URL = "https://veranstaltungen.quartier.example"
CANCEL_TOKEN = "ImQ5YjQxZDc2Ig.aB3xYw.kT9v-Ls1_qPz0"  # shaped like the registration service's


@dataclass
class Store:
    deliveries: dict[UUID, Delivery] = field(default_factory=dict)
    events: dict[UUID, EventInfo] = field(default_factory=dict)
    outbox: list[tuple[IntegrationEvent, Envelope]] = field(default_factory=list)

    def published(self) -> list[IntegrationEvent]:
        return [payload for payload, _ in self.outbox]


class FakeDeliveries:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def claim(self, delivery: Delivery) -> Delivery:
        return self._store.deliveries.setdefault(delivery.decision_id, delivery)

    async def save(self, delivery: Delivery) -> None:
        self._store.deliveries[delivery.decision_id] = delivery

    async def count_sent(self, registration_id: UUID, kind: NotificationKind) -> int:
        return sum(
            1
            for d in self._store.deliveries.values()
            if (d.registration_id, d.kind, d.status) == (registration_id, kind, DeliveryStatus.SENT)
        )


class FakeEvents:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, event_id: UUID) -> EventInfo | None:
        return self._store.events.get(event_id)

    async def upsert(self, event: EventInfo) -> bool:
        stored = self._store.events.get(event.event_id)
        if stored is not None and stored.revision >= event.revision:
            return False
        self._store.events[event.event_id] = event
        return True


class FakeUnitOfWork(UnitOfWork):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self.deliveries = FakeDeliveries(store)
        self.events = FakeEvents(store)

    async def commit(self) -> None:
        self._store.outbox.extend(self.messages)
        self.messages = []

    async def rollback(self) -> None:
        pass


class FakeContacts:
    def __init__(self) -> None:
        self.known: dict[UUID, Contact] = {}
        self.applications: dict[UUID, ApplicationContact] = {}

    async def find(self, registration_id: UUID) -> Contact | None:
        return self.known.get(registration_id)

    async def find_application(self, application_id: UUID) -> ApplicationContact | None:
        return self.applications.get(application_id)


class FakeMailer:
    """Records mails; raises the queued failures first."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.failures: list[Exception] = []

    async def send(self, mail: Mail) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(mail)


@dataclass
class World:
    store: Store
    contacts: FakeContacts
    mailer: FakeMailer
    deps: Dependencies

    def snapshot(self, event_id: UUID | None = None, **changes: object) -> EventSnapshot:
        return event_snapshot(event_id=event_id or uuid4(), **changes)

    def known_event(self, **changes: object) -> EventInfo:
        event = EventInfo.from_snapshot(self.snapshot(**changes))
        self.store.events[event.event_id] = event
        return event

    def known_contact(
        self,
        registration_id: UUID,
        locale: Locale = Locale.DE,
        cancel_token: str | None = CANCEL_TOKEN,
    ) -> Contact:
        contact = Contact(
            registration_id=registration_id,
            name="Dr. Jörg Müller-Lüdenscheidt",
            email="joerg.mueller@kreis.example",
            locale=locale,
            cancel_token=cancel_token,
        )
        self.contacts.known[registration_id] = contact
        return contact

    def decision(
        self,
        decision_type: type[Decision] = SeatConfirmed,
        *,
        event: EventInfo | None = None,
        locale: Locale | None = Locale.DE,
        **fields: object,
    ) -> Decision:
        """A decision for ``event`` (a new known one by default); ``locale=None`` leaves the
        contact unknown to the registration service."""
        event = event or self.known_event()
        decision = decision_type.model_validate(
            {
                "decision_id": uuid4(),
                "registration_id": uuid4(),
                "event_id": event.event_id,
                "decided_at": DECIDED,
                **fields,
            }
        )
        if locale is not None:
            self.known_contact(decision.registration_id, locale)
        return decision

    def known_application(self, contact: ApplicationContact) -> ApplicationContact:
        """The registration service knows the application (its current revision)."""
        self.contacts.applications[contact.application.application_id] = contact
        return contact

    @staticmethod
    def envelope(payload: IntegrationEvent) -> Envelope:
        return Envelope.new(payload, source="capacity")


@pytest.fixture
def world() -> World:
    store, contacts, mailer = Store(), FakeContacts(), FakeMailer()
    deps = bootstrap(
        Settings(public_base_url=BASE_URL),
        uow=lambda: FakeUnitOfWork(store),
        contacts=contacts,
        mailer=mailer,
        clock=lambda: NOW,
    )
    return World(store, contacts, mailer, deps)
