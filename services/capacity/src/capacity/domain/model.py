"""The seat inventory of one event and the rule that decides a registration.

Pure Python: no IO, no frameworks; the enums are the contract's own, shared with subscribers.
The service layer locks the event while it decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from contracts.messages import CloseReason
from contracts.messages import EventStatus as Status
from contracts.messages import RejectionReason as Rejection

__all__ = [
    "CloseReason",
    "Event",
    "InvalidEvent",
    "Outcome",
    "Rejection",
    "SeatDecision",
    "Status",
]


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


class InvalidEvent(ValueError):
    """Event data an organiser must correct; the message is shown to them."""


@dataclass(frozen=True)
class SeatDecision:
    registration_id: UUID
    event_id: UUID
    outcome: Outcome
    waitlist_position: int | None = None
    rejection: Rejection | None = None


@dataclass
class Event:
    event_id: UUID
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    city: str
    capacity: int
    waitlist_enabled: bool
    description: str = ""
    status: Status = Status.OPEN
    close_reason: CloseReason | None = None
    seats_taken: int = 0
    waitlist_length: int = 0
    revision: int = 1

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise InvalidEvent("title must not be empty")
        if self.capacity < 0:
            raise InvalidEvent("capacity must be zero or more")
        if self.ends_at < self.starts_at:
            raise InvalidEvent("ends_at must not be before starts_at")

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    def decide(self, registration_id: UUID) -> SeatDecision:
        """First come, first served: a seat, else the waiting list, else a rejection."""
        if self.status is Status.CANCELLED:
            return self._reject(registration_id, Rejection.EVENT_CANCELLED)
        if self.status is Status.CLOSED and self.close_reason is not CloseReason.FULL:
            return self._reject(registration_id, Rejection.EVENT_CLOSED)
        if self.seats_left > 0:
            self.seats_taken += 1
            if self.seats_left == 0:
                self.close(CloseReason.FULL)
            else:
                self.revision += 1
            return SeatDecision(registration_id, self.event_id, Outcome.CONFIRMED)
        if self.waitlist_enabled:
            self.waitlist_length += 1
            self.revision += 1
            return SeatDecision(
                registration_id,
                self.event_id,
                Outcome.WAITLISTED,
                waitlist_position=self.waitlist_length,
            )
        return self._reject(registration_id, Rejection.EVENT_FULL)

    def close(self, reason: CloseReason) -> None:
        self.status = Status.CLOSED
        self.close_reason = reason
        self.revision += 1

    def _reject(self, registration_id: UUID, reason: Rejection) -> SeatDecision:
        return SeatDecision(registration_id, self.event_id, Outcome.REJECTED, rejection=reason)
