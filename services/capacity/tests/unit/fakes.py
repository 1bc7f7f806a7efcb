"""In-memory adapters for the capacity ports."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, SeatDecision
from capacity.service_layer.unit_of_work import DecisionRepository, EventRepository, UnitOfWork
from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent


class FakeEvents(EventRepository):
    def __init__(self, store: dict[UUID, Event]) -> None:
        self.store = store

    async def add(self, event: Event) -> None:
        self.store[event.event_id] = copy.deepcopy(event)

    async def get(self, event_id: UUID, *, lock: bool = False) -> Event | None:
        event = self.store.get(event_id)
        return copy.deepcopy(event) if event else None

    async def save(self, event: Event) -> None:
        self.store[event.event_id] = copy.deepcopy(event)

    async def list(self) -> list[Event]:
        return sorted(self.store.values(), key=lambda e: e.starts_at)


class FakeDecisions(DecisionRepository):
    def __init__(self, store: dict[UUID, SeatDecision]) -> None:
        self.store = store

    async def exists(self, registration_id: UUID) -> bool:
        return registration_id in self.store

    async def add(
        self,
        decision: SeatDecision,
        *,
        decision_id: UUID,
        requested_at: datetime,
        decided_at: datetime,
    ) -> None:
        assert decision.registration_id not in self.store, "unique key violated"
        self.store[decision.registration_id] = decision


class FakeUnitOfWork(UnitOfWork):
    """Commits copy the staged state into the shared stores; the outbox is a list."""

    def __init__(self) -> None:
        super().__init__()
        self.event_store: dict[UUID, Event] = {}
        self.decision_store: dict[UUID, SeatDecision] = {}
        self.outbox: list[tuple[IntegrationEvent, Envelope]] = []

    async def __aenter__(self) -> FakeUnitOfWork:
        await super().__aenter__()
        self._events = dict(self.event_store)
        self._decisions = dict(self.decision_store)
        self.events = FakeEvents(self._events)
        self.decisions = FakeDecisions(self._decisions)
        return self

    async def commit(self) -> None:
        self.event_store.clear()
        self.event_store.update(self._events)
        self.decision_store.clear()
        self.decision_store.update(self._decisions)
        self.outbox.extend(self.messages)
        self.messages = []

    async def rollback(self) -> None:
        self.messages = []
