"""A registration and how seat decisions change it. Pure Python."""

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
    waitlist_position: int | None = None
    rejection_reason: str | None = None

    @property
    def email_normalized(self) -> str:
        return normalize_email(self.email)

    def confirm(self) -> None:
        self.status = Status.CONFIRMED
        self.waitlist_position = None

    def waitlist(self, position: int) -> None:
        self.status = Status.WAITLISTED
        self.waitlist_position = position

    def reject(self, reason: str) -> None:
        self.status = Status.REJECTED
        self.waitlist_position = None
        self.rejection_reason = reason
