"""A registration as the registration service reports it."""

from __future__ import annotations

import re
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

# What the registration service's cancel links carry (URL-safe, signed); anything else is
# refused before it is put into a URL.
CANCEL_TOKEN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,499}")


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    """Why a registration was cancelled (the registration service's ``cancel_reason``)."""

    ATTENDEE = "attendee"
    EVENT_CANCELLED = "event_cancelled"
    ORGANISER = "cancelled_by_organiser"


# Registrations that still hold (or wait for) a seat: the only ones a cancel link changes.
CANCELLABLE = frozenset(
    {RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}
)
# While in one of these, the status can still change without the attendee doing anything.
LIVE = frozenset({RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED})


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
    """The current place on the waiting list (1 = next); it moves up."""
    rejection_reason: str | None = None
    cancel_reason: str | None = None
    """``attendee``, ``event_cancelled`` or ``cancelled_by_organiser``; kept as text so a new
    reason breaks nothing."""

    @property
    def cancellable(self) -> bool:
        return self.status in CANCELLABLE

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def event_cancelled(self) -> bool:
        return (
            self.status is RegistrationStatus.CANCELLED
            and self.cancel_reason == CancelReason.EVENT_CANCELLED
        )


class Cancellation(RegistrationState):
    """What a cancel link did: the registration now, and whether it had been cancelled before.

    The registration service also says ``already_cancelled`` for a rejected registration
    (there was nothing to cancel); ``status`` tells the two apart.
    """

    already_cancelled: bool


def plausible_cancel_token(token: str) -> bool:
    """Whether ``token`` can be one of the registration service's cancel tokens at all."""
    return CANCEL_TOKEN.fullmatch(token) is not None
