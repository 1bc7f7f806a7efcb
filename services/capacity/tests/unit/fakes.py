"""In-memory adapters for the capacity ports."""

from __future__ import annotations

import copy
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from capacity.bootstrap import bootstrap
from capacity.config import Settings
from capacity.domain.model import Event, Outcome, Seat, Stand
from capacity.domain.sessions import EventSessions
from capacity.service_layer.unit_of_work import (
    EventRepository,
    SeatRepository,
    SessionRepository,
    StandRepository,
    UnitOfWork,
)
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

    async def all(self) -> list[Event]:
        return sorted(self.store.values(), key=lambda e: e.details.starts_at)

    async def past_deadline(self, now: datetime) -> list[UUID]:
        return [
            e.event_id for e in self.store.values() if e.status == "open" and e.deadline_passed(now)
        ]


class FakeSeats(SeatRepository):
    def __init__(self, store: dict[UUID, Seat]) -> None:
        self.store = store

    async def get(self, registration_id: UUID) -> Seat | None:
        seat = self.store.get(registration_id)
        return copy.deepcopy(seat) if seat else None

    async def prefetch(self, registration_ids: Collection[UUID]) -> None:
        pass  # nothing to read ahead in memory

    async def add(
        self, seat: Seat, *, decision_id: UUID, requested_at: datetime, decided_at: datetime
    ) -> None:
        assert seat.registration_id not in self.store, "unique key violated"
        self.store[seat.registration_id] = copy.deepcopy(seat)

    async def save(self, seat: Seat, *, decision_id: UUID, decided_at: datetime) -> None:
        assert seat.registration_id in self.store
        self.store[seat.registration_id] = copy.deepcopy(seat)

    def _of(self, event_id: UUID, *outcomes: Outcome) -> list[Seat]:
        return sorted(
            (
                copy.deepcopy(s)
                for s in self.store.values()
                if s.event_id == event_id and s.outcome in outcomes
            ),
            key=lambda s: s.seq,
        )

    async def save_choices(self, seat: Seat) -> None:
        self.store[seat.registration_id].choices = dict(seat.choices)

    async def waiting(self, event_id: UUID, limit: int) -> list[Seat]:
        return self._of(event_id, Outcome.WAITLISTED)[: max(0, limit)]

    async def holding(self, event_id: UUID) -> list[Seat]:
        return self._of(event_id, Outcome.CONFIRMED, Outcome.WAITLISTED)

    async def of_stand(self, application_id: UUID) -> list[Seat]:
        return sorted(
            (
                copy.deepcopy(s)
                for s in self.store.values()
                if s.stand_application_id == application_id and s.outcome is Outcome.CONFIRMED
            ),
            key=lambda s: s.seq,
        )


class FakeStands(StandRepository):
    def __init__(self, store: dict[UUID, Stand]) -> None:
        self.store = store

    async def get(self, application_id: UUID) -> Stand | None:
        stand = self.store.get(application_id)
        return copy.deepcopy(stand) if stand else None

    async def save(self, stand: Stand) -> None:
        self.store[stand.application_id] = copy.deepcopy(stand)


class FakeSessions(SessionRepository):
    def __init__(self, store: dict[UUID, EventSessions]) -> None:
        self.store = store

    async def get(self, event: Event) -> EventSessions:
        if event.event_id not in self.store:
            self.store[event.event_id] = EventSessions.empty(event.details.programme)
        return self.store[event.event_id]


class FakeUnitOfWork(UnitOfWork):
    """Works on copies of the world's stores; a commit puts them back, the messages go to
    the world's outbox (a list)."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    async def __aenter__(self) -> FakeUnitOfWork:
        await super().__aenter__()
        self._events = copy.deepcopy(self.world.event_store)
        self._seats = copy.deepcopy(self.world.seat_store)
        self.events = FakeEvents(self._events)
        self.seats = FakeSeats(self._seats)
        self._sessions = copy.deepcopy(self.world.session_store)
        self.sessions = FakeSessions(self._sessions)
        self._stands = copy.deepcopy(self.world.stand_store)
        self.stands = FakeStands(self._stands)
        return self

    async def commit(self) -> None:
        self.world.event_store, self.world.seat_store = self._events, self._seats
        self.world.session_store = self._sessions
        self.world.stand_store = self._stands
        self.world.outbox.extend(self.messages)
        self.messages = []

    async def rollback(self) -> None:
        self.messages = []


class World:
    """The service wired through ``bootstrap`` on in-memory stores: ``uow()`` is what the
    entrypoints give each use case, a fresh unit of work (here on the shared stores)."""

    def __init__(self) -> None:
        self.event_store: dict[UUID, Event] = {}
        self.seat_store: dict[UUID, Seat] = {}
        self.session_store: dict[UUID, EventSessions] = {}
        self.stand_store: dict[UUID, Stand] = {}
        self.outbox: list[tuple[IntegrationEvent, Envelope]] = []
        self.deps = bootstrap(Settings(), uow=lambda: FakeUnitOfWork(self))

    def uow(self) -> UnitOfWork:
        return self.deps.uow()

    def sent(self, kind: type[IntegrationEvent]) -> list[IntegrationEvent]:
        return [payload for payload, _ in self.outbox if isinstance(payload, kind)]
