"""Ports of the capacity service: repositories and the unit of work that commits them
together with the outbox."""

from __future__ import annotations

import abc
from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, SeatDecision
from contracts import unit_of_work


class EventRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, event: Event) -> None: ...

    @abc.abstractmethod
    async def get(self, event_id: UUID, *, lock: bool = False) -> Event | None:
        """The event; with ``lock`` the inventory row stays locked until commit."""

    @abc.abstractmethod
    async def save(self, event: Event) -> None: ...

    @abc.abstractmethod
    async def list(self) -> list[Event]: ...


class DecisionRepository(abc.ABC):
    @abc.abstractmethod
    async def exists(self, registration_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def add(
        self,
        decision: SeatDecision,
        *,
        decision_id: UUID,
        requested_at: datetime,
        decided_at: datetime,
    ) -> None: ...


class UnitOfWork(unit_of_work.UnitOfWork):
    events: EventRepository
    decisions: DecisionRepository
