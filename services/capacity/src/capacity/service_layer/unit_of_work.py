"""Ports of the capacity service: repositories and the unit of work that commits them
together with the outbox."""

from __future__ import annotations

import abc
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, Seat, Stand
from capacity.domain.sessions import EventSessions
from servicekit import unit_of_work


class EventRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, event: Event) -> None: ...

    @abc.abstractmethod
    async def get(self, event_id: UUID, *, lock: bool = False) -> Event | None:
        """The event; with ``lock`` the inventory row stays locked until commit."""

    @abc.abstractmethod
    async def save(self, event: Event) -> None: ...

    @abc.abstractmethod
    async def all(self) -> list[Event]: ...

    @abc.abstractmethod
    async def past_deadline(self, now: datetime) -> list[UUID]:
        """Open events whose registration deadline has passed."""


class SeatRepository(abc.ABC):
    @abc.abstractmethod
    async def get(self, registration_id: UUID) -> Seat | None: ...

    @abc.abstractmethod
    async def prefetch(self, registration_ids: Collection[UUID]) -> None:
        """Read ahead which of these registrations (of one event, whose row this
        transaction has locked) have a seat: ``get`` then needs no query for those that have
        none (a batch of requests)."""

    @abc.abstractmethod
    async def add(
        self, seat: Seat, *, decision_id: UUID, requested_at: datetime, decided_at: datetime
    ) -> None: ...

    @abc.abstractmethod
    async def save(self, seat: Seat, *, decision_id: UUID, decided_at: datetime) -> None:
        """Store a changed outcome (promotion, release) with the id of its decision."""

    @abc.abstractmethod
    async def save_choices(self, seat: Seat) -> None:
        """Store the sessions the registration asks for (a change of choice)."""

    @abc.abstractmethod
    async def waiting(self, event_id: UUID, limit: int) -> list[Seat]:
        """The head of the waiting list, first come first."""

    @abc.abstractmethod
    async def of_stand(self, application_id: UUID) -> list[Seat]:
        """The confirmed seats of a stand's staff."""

    @abc.abstractmethod
    async def holding(self, event_id: UUID) -> list[Seat]:
        """Every confirmed or waiting seat of the event."""


class SessionRepository(abc.ABC):
    @abc.abstractmethod
    async def get(self, event: Event) -> EventSessions:
        """Who holds and waits for which session of ``event``'s programme; the same object
        for the rest of the transaction, its changes written at commit."""


class StandRepository(abc.ABC):
    """The stands of the Markt; read and written under their event's lock."""

    @abc.abstractmethod
    async def get(self, application_id: UUID) -> Stand | None: ...

    @abc.abstractmethod
    async def save(self, stand: Stand) -> None: ...


class UnitOfWork(unit_of_work.UnitOfWork):
    events: EventRepository
    seats: SeatRepository
    sessions: SessionRepository
    stands: StandRepository
