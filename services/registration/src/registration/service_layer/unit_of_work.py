"""Ports of the registration service."""

from __future__ import annotations

import abc
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from registration.domain.commands import ListParticipants
from registration.domain.model import AccessibilityReport, Feedback, Registration
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


class UnitOfWork(unit_of_work.UnitOfWork):
    registrations: RegistrationRepository
    feedback: FeedbackRepository

    @abc.abstractmethod
    async def first_times(self, consumer: str, message_ids: Collection[UUID]) -> set[UUID]:
        """Record that ``consumer`` handled ``message_ids``; those it had not before."""
