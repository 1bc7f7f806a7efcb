"""What attendees, organisers and the accessibility statement ask of the registration
service. Pure Python.

``correlation_id``: of the request that asked, carried by the messages it causes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from contracts import messages as m
from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.stands import ApplicationDecision, StandNeed
from contracts.messages import ApplicationState


@dataclass(frozen=True)
class CancelRegistration:
    registration_id: UUID
    correlation_id: str | None = None
    by: m.CancelledBy = m.CancelledBy.ATTENDEE
    """The attendee (the link in the mail) or the organisers."""


@dataclass(frozen=True)
class SubmitFeedback:
    message: str
    name: str
    email: str
    page: str
    locale: m.Locale


@dataclass(frozen=True)
class RegisterAttendee:
    event_id: UUID
    name: str
    email: str
    organisation: str
    locale: m.Locale
    idempotency_key: str
    correlation_id: str | None = None
    role: AttendeeRole = AttendeeRole.OTHER
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    accessibility_other: str = ""
    health_data_consent: bool = False
    choices: Mapping[UUID, Sequence[UUID]] = field(default_factory=dict)
    """Per choice slot of the programme, the sessions ranked, best first."""
    stand_seat: tuple[UUID, int] | None = None
    """A stand's staff member (the application and seat of their personal link): the day
    seat comes from the stand's contingent."""


@dataclass(frozen=True)
class ChangeChoices:
    """The attendee ranks the sessions anew (the link in their mail); slots not named keep
    their ranking."""

    registration_id: UUID
    choices: Mapping[UUID, Sequence[UUID]]
    correlation_id: str | None = None


@dataclass(frozen=True)
class ListParticipants:
    """One page of an event's registrations for the organisers: ``text`` found in the name,
    e-mail address or organisation (any case), any of ``statuses``/``roles``/``needs``
    (empty: no filter), newest first unless ``oldest_first``."""

    event_id: UUID
    limit: int
    offset: int = 0
    text: str = ""
    statuses: tuple[str, ...] = ()
    roles: tuple[AttendeeRole, ...] = ()
    needs: tuple[AccessibilityNeed, ...] = ()
    oldest_first: bool = False


@dataclass(frozen=True)
class ApplyForStand:
    event_id: UUID
    project_title: str
    organisation: str
    description: str
    contact_name: str
    email: str
    staff: int
    needs: tuple[StandNeed, ...]
    needs_other: str
    publish_consent: bool
    locale: m.Locale
    idempotency_key: str
    correlation_id: str | None = None


@dataclass(frozen=True)
class DecideApplication:
    event_id: UUID
    application_id: UUID
    decision: ApplicationDecision
    note: str = ""
    correlation_id: str | None = None


@dataclass(frozen=True)
class WithdrawApplication:
    application_id: UUID
    correlation_id: str | None = None


@dataclass(frozen=True)
class ListApplications:
    """One page of an event's applications for the organisers: ``text`` found in project,
    Kommune, contact or e-mail (any case), any of ``states``/``needs`` (empty: no filter),
    ``organisation`` exactly (empty: any); oldest first unless ``newest_first``."""

    event_id: UUID
    limit: int
    offset: int = 0
    text: str = ""
    states: tuple[ApplicationState, ...] = ()
    needs: tuple[StandNeed, ...] = ()
    organisation: str = ""
    newest_first: bool = False
