"""What the public side is asked to do (commands) or to show (queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from gateway.domain.validation import Attendee, Feedback, StandApplicant


@dataclass(frozen=True)
class RegisterAttendee:
    """Pass a validated registration on; the same idempotency key is the same registration."""

    event_id: UUID
    attendee: Attendee
    idempotency_key: str
    correlation_id: str
    choices: dict[UUID, list[UUID]] = field(default_factory=dict)
    """Per choice slot of the programme, the sessions ranked, best first."""
    wait: float = 0
    """Seconds the answer may wait for capacity's decision (``Prefer: wait``)."""
    exhibitor_token: str | None = None
    """A stand's staff member's personal link: the seat comes from the stand's contingent."""


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


@dataclass(frozen=True)
class ChangeChoices:
    """Rank the sessions anew, by the token of the mail's link; every choice slot named."""

    token: str
    choices: dict[UUID, list[UUID]]
    correlation_id: str


@dataclass(frozen=True)
class ShowPlaces:
    """What a registration holds and waits for in the event's programme (capacity)."""

    event_id: UUID
    registration_id: UUID
    correlation_id: str


@dataclass(frozen=True)
class ApplyForStand:
    """Pass a validated application for a stand on; the same key is the same application."""

    event_id: UUID
    applicant: StandApplicant
    idempotency_key: str
    correlation_id: str


@dataclass(frozen=True)
class OpenStandLink:
    """What a token from a Markt mail is for: the applicant's application, or (an
    exhibitor's link) the stand a staff member registers for."""

    token: str
    correlation_id: str


@dataclass(frozen=True)
class WithdrawApplication:
    """Withdraw the application the applicant's link is for; final."""

    token: str
    correlation_id: str


@dataclass(frozen=True)
class ShowStands:
    """The accepted stands of an event whose applicants consented to publish them."""

    event_id: UUID
    correlation_id: str
