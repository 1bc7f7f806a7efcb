"""What the public side is asked to do (commands) or to show (queries)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from gateway.domain.validation import Attendee, Feedback


@dataclass(frozen=True)
class RegisterAttendee:
    """Pass a validated registration on; the same idempotency key is the same registration."""

    event_id: UUID
    attendee: Attendee
    idempotency_key: str
    correlation_id: str


@dataclass(frozen=True)
class CancelRegistration:
    """Cancel the registration a cancel link (from a mail) is for."""

    token: str
    correlation_id: str


@dataclass(frozen=True)
class SendFeedback:
    """Pass feedback on the site's accessibility to the team that answers it."""

    feedback: Feedback
    correlation_id: str


@dataclass(frozen=True)
class ShowRegistration:
    """A registration's state; ``wait`` seconds for a decision still pending (long poll)."""

    registration_id: UUID
    correlation_id: str
    wait: float = 0


@dataclass(frozen=True)
class OpenCancelLink:
    """The registration a cancel link is for, to ask whether to cancel it."""

    token: str
    correlation_id: str
