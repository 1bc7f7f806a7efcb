"""What an organiser asks the desk to do (commands) or to show (queries); ``correlation_id``
follows the request into the services that own the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from contracts.http.capacity import EventAction as EventAction  # capacity's own
from contracts.http.capacity import EventDetails
from contracts.http.stands import ApplicationDecision
from gateway.desk.domain.model import ParticipantFilter
from gateway.desk.domain.organisers import Organiser
from gateway.desk.domain.stands import ApplicationFilter


@dataclass(frozen=True)
class ByOrganiser:
    """Asked by ``organiser``; ``correlation_id`` follows the request into the services."""

    organiser: Organiser
    correlation_id: str


@dataclass(frozen=True)
class ShowEvent(ByOrganiser):
    event_id: UUID
    selection: ParticipantFilter = field(default_factory=ParticipantFilter)
    """Which participants: one page of them, searched and filtered."""


@dataclass(frozen=True)
class ShowChanges(ByOrganiser):
    """What an open event page asks every few seconds: the counts, and what is new since
    ``since`` (its newest registration) or since the counts ``seen``."""

    event_id: UUID
    selection: ParticipantFilter
    since: datetime | None
    seen: str


@dataclass(frozen=True)
class CreateEvent(ByOrganiser):
    details: EventDetails
    seats: int
    publish: bool


@dataclass(frozen=True)
class ReviseEvent(ByOrganiser):
    event_id: UUID
    details: EventDetails


@dataclass(frozen=True)
class ChangeEvent(ByOrganiser):
    """Publish, close, reopen or cancel."""

    event_id: UUID
    action: EventAction


@dataclass(frozen=True)
class ChangeCapacity(ByOrganiser):
    event_id: UUID
    seats: int


@dataclass(frozen=True)
class ShowSessions(ByOrganiser):
    """The event's programme with who holds and who waits for each session."""

    event_id: UUID


@dataclass(frozen=True)
class AssignSession(ByOrganiser):
    """Move a confirmed registration to a session by hand (refused when it is full)."""

    event_id: UUID
    session_id: UUID
    registration_id: UUID


@dataclass(frozen=True)
class ChangeSessionCapacity(ByOrganiser):
    """A session's new capacity: the programme sent again with it (the waiting list moves
    up; never below the seats taken)."""

    event_id: UUID
    session_id: UUID
    seats: int


@dataclass(frozen=True)
class CancelForAttendee(ByOrganiser):
    """The organisers cancel a registration for the person (who is told by mail)."""

    registration_id: UUID


@dataclass(frozen=True)
class ShowStands(ByOrganiser):
    """The applications for a stand at the event's Markt: one page of them, searched and
    filtered, with the counts."""

    event_id: UUID
    selection: ApplicationFilter = field(default_factory=ApplicationFilter)


@dataclass(frozen=True)
class ShowStandApplication(ByOrganiser):
    event_id: UUID
    application_id: UUID


@dataclass(frozen=True)
class DecideStandApplication(ByOrganiser):
    """Accept, waitlist or decline an application; ``note`` goes into the applicant's mail."""

    event_id: UUID
    application_id: UUID
    decision: ApplicationDecision
    note: str


@dataclass(frozen=True)
class SaveOrganiser:
    """Create an account, or reset name and password of an existing one."""

    email: str
    name: str
    password: str
    at: datetime


@dataclass(frozen=True)
class LogIn:
    email: str
    password: str
    client_ip: str
    at: datetime


@dataclass(frozen=True)
class OpenSession:
    """Whose session a cookie's token opens at ``at``."""

    token: str
    at: datetime


@dataclass(frozen=True)
class LogOut:
    token: str
