"""A registration as the registration service reports it."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Submission(BaseModel):
    """The registration service accepted a registration; capacity has not decided yet."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    registration_id: UUID
    status: RegistrationStatus


class RegistrationState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    registration_id: UUID
    event_id: UUID
    status: RegistrationStatus
    waitlist_position: int | None = None
    rejection_reason: str | None = None
