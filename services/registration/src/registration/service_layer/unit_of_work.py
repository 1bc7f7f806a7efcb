"""Ports of the registration service."""

from __future__ import annotations

import abc
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from contracts.messages import StandCall
from registration.domain.commands import ListApplications, ListParticipants
from registration.domain.model import AccessibilityReport, Feedback, Registration
from registration.domain.stands import ApplicationCounts, StandApplication
from servicekit import unit_of_work


class RegistrationRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, registration: Registration) -> Registration:
        """Store it, or return the registration already stored under the same idempotency
        key or the same (event, normalised e-mail)."""

    @abc.abstractmethod
    async def get(self, registration_id: UUID, *, lock: bool = False) -> Registration | None: ...

    @abc.abstractmethod
    async def get_many(
        self, registration_ids: Collection[UUID], *, lock: bool = False
    ) -> dict[UUID, Registration]:
        """Those of ``registration_ids`` that exist, by id (locked in the order of their ids:
        two transactions locking overlapping sets do not deadlock)."""

    async def save(self, registration: Registration) -> None:
        await self.save_many([registration])

    @abc.abstractmethod
    async def save_many(self, registrations: Collection[Registration]) -> None:
        """Store each one's state (one round trip for all)."""

    @abc.abstractmethod
    async def position(self, registration: Registration) -> int | None:
        """Current 1-based waiting-list place (it moves up as others are promoted or
        cancel); ``None`` unless waitlisted."""

    @abc.abstractmethod
    async def of_event(self, event_id: UUID) -> list[tuple[Registration, int | None]]:
        """Every registration of the event with its current waiting-list place, in
        ``LIST_ORDER`` of status, the waiting list by place, otherwise oldest first."""

    @abc.abstractmethod
    async def page_of_event(
        self, query: ListParticipants
    ) -> tuple[list[tuple[Registration, int | None]], int]:
        """The registrations ``query`` asks for, each with its waiting-list place, and how
        many match it in all."""

    @abc.abstractmethod
    async def counts_of_event(
        self, event_id: UUID, since: datetime | None
    ) -> tuple[dict[str, int], int, datetime | None]:
        """The event's registrations per status, how many were created after ``since``
        (all without it), and when the newest was created."""

    @abc.abstractmethod
    async def accessibility_report(self, event_id: UUID) -> AccessibilityReport:
        """The needs declared in the event's ``ACTIVE`` registrations, counted."""


class FeedbackRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, feedback: Feedback) -> None: ...

    @abc.abstractmethod
    async def latest(self, limit: int) -> list[Feedback]:
        """Up to ``limit`` messages, newest first."""


class StandApplicationRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, application: StandApplication) -> StandApplication:
        """Store it, or return the application already stored under its idempotency key."""

    @abc.abstractmethod
    async def get(self, application_id: UUID, *, lock: bool = False) -> StandApplication | None:
        """With its history; with ``lock`` the row stays locked until commit."""

    @abc.abstractmethod
    async def save(self, application: StandApplication) -> None:
        """Store its state and the history entries not stored yet."""

    @abc.abstractmethod
    async def page(self, query: ListApplications) -> tuple[list[StandApplication], int]:
        """The applications ``query`` asks for (with their history) and how many match."""

    @abc.abstractmethod
    async def counts(self, event_id: UUID) -> ApplicationCounts: ...

    @abc.abstractmethod
    async def published(self, event_id: UUID) -> list[StandApplication]:
        """The accepted applications whose applicants consented to publish, oldest first."""


class UnitOfWork(unit_of_work.UnitOfWork):
    registrations: RegistrationRepository
    feedback: FeedbackRepository
    applications: StandApplicationRepository

    @abc.abstractmethod
    async def first_times(self, consumer: str, message_ids: Collection[UUID]) -> set[UUID]:
        """Record that ``consumer`` handled ``message_ids``; those it had not before."""


class CapacityUnavailable(Exception):
    """Capacity, which counts the stands, did not answer as its contract says."""


class StandsFull(Exception):
    """Every stand of the call is taken."""


class Stands(abc.ABC):
    """Capacity's half of the Markt: the event's call and the stands taken."""

    @abc.abstractmethod
    async def call(self, event_id: UUID) -> StandCall | None:
        """The event's call for stands (None: no call, or no such published event)."""

    @abc.abstractmethod
    async def reserve(
        self, event_id: UUID, application_id: UUID, staff: int, revision: int
    ) -> None:
        """Take a stand for the application (again: nothing new) and keep ``staff`` day
        seats for its team; raises ``StandsFull`` or ``CapacityUnavailable``."""
