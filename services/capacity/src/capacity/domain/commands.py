"""What the organisers and the clock ask of the capacity service. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from capacity.domain.model import Details


@dataclass(frozen=True)
class CreateEvent:
    details: Details
    capacity: int
    publish: bool = True
    """False: a draft, announced on the catalog only once it is published."""
    correlation_id: str | None = None
    """Of the request that asked, carried by the messages it causes (so below)."""


@dataclass(frozen=True)
class OrganiseEvent:
    """An organiser's change to one event."""

    event_id: UUID
    correlation_id: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ChangeCapacity(OrganiseEvent):
    capacity: int


@dataclass(frozen=True)
class PublishEvent(OrganiseEvent):
    """Open a draft for registration."""


@dataclass(frozen=True)
class ReviseEvent(OrganiseEvent):
    details: Details
    """Replace all of them."""


@dataclass(frozen=True)
class AssignSession(OrganiseEvent):
    """Move a confirmed registration to a session by hand (it becomes their one choice)."""

    registration_id: UUID
    session_id: UUID


@dataclass(frozen=True)
class CloseEvent(OrganiseEvent):
    """Close registration by hand."""


@dataclass(frozen=True)
class ReopenEvent(OrganiseEvent):
    """Open registration again."""


@dataclass(frozen=True)
class CancelEvent(OrganiseEvent):
    """Cancel the event and every registration for it."""


@dataclass(frozen=True)
class CloseEventsPastDeadline:
    """Close every open event whose registration deadline is before ``now``."""

    now: datetime


@dataclass(frozen=True)
class ReserveStand(OrganiseEvent):
    """A stand for an accepted application, with ``staff`` day seats kept for its team;
    ``revision``: the application's change that accepted it."""

    application_id: UUID
    staff: int
    revision: int
