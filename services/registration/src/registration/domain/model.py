"""A registration and how seat decisions and cancellations change it. Pure Python."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    ATTENDEE = "attendee"
    EVENT_CANCELLED = "event_cancelled"


def normalize_email(email: str) -> str:
    """The form used to recognise the same person twice: trimmed, NFC, lower case."""
    return unicodedata.normalize("NFC", email.strip()).lower()


@dataclass
class Registration:
    registration_id: UUID
    event_id: UUID
    name: str
    email: str
    organisation: str
    locale: str
    idempotency_key: str
    privacy_consent_at: datetime
    created_at: datetime
    status: Status = Status.PENDING
    waitlisted_at: datetime | None = None
    rejection_reason: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: CancelReason | None = None

    @property
    def email_normalized(self) -> str:
        return normalize_email(self.email)

    @property
    def cancelled(self) -> bool:
        return self.status is Status.CANCELLED

    def confirm(self) -> None:
        if not self.cancelled:
            self.status = Status.CONFIRMED
            self.waitlisted_at = None

    def waitlist(self, at: datetime) -> None:
        """On the waiting list since ``at``: the order of the list."""
        if not self.cancelled:
            self.status = Status.WAITLISTED
            self.waitlisted_at = at

    def reject(self, reason: str) -> None:
        if not self.cancelled:
            self.status = Status.REJECTED
            self.rejection_reason = reason

    def cancel(self, at: datetime, reason: CancelReason = CancelReason.ATTENDEE) -> bool:
        """Cancel; False when there is nothing to cancel (already cancelled or rejected)."""
        if self.status in (Status.CANCELLED, Status.REJECTED):
            return False
        self.status = Status.CANCELLED
        self.waitlisted_at = None
        self.cancelled_at = at
        self.cancel_reason = reason
        return True
