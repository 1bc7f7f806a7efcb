"""Capacity's organiser API: create (as a draft or published), revise, publish, change the
capacity, close, reopen and cancel events.  Reading is open; every change wants the internal
token.  The event body every endpoint answers is ``contracts.messages.EventSnapshot``.

The rules about an event's details live here once, for capacity (which enforces them) and
for the organiser desk's form (which checks before it sends): the length limits
(``*_MAX_LENGTH``; ``TEXT_LIMITS`` and ``REQUIRED_TEXTS`` read them off ``EventDetails``)
and ``MAX_CAPACITY``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.fields import FieldInfo

from contracts.http.errors import Problem
from contracts.messages import EventKind, StandCall

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
VENUE_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 300
CITY_MAX_LENGTH = 100
ORGANISER_CONTACT_MAX_LENGTH = 300
MAX_CAPACITY = 100_000
SESSION_TEXT_MAX_LENGTH = 300
SESSION_DESCRIPTION_MAX_LENGTH = 2000
MAX_SESSIONS = 20
MAX_SLOTS = 30


CALL_CLOSES_BEFORE_OPENING = Problem(
    field="stand_call.closes_at",
    code="before_opening",
    message_de="Die Bewerbungsfrist muss nach ihrem Beginn enden.",
    message_en="The call for stands must close after it opens.",
)
CALL_CLOSES_AFTER_START = Problem(
    field="stand_call.closes_at",
    code="after_start",
    message_de="Die Bewerbungsfrist darf nicht nach dem Beginn der Veranstaltung enden.",
    message_en="The call for stands must not close after the event starts.",
)


def call_problems(
    opens_at: datetime, closes_at: datetime, event_starts_at: datetime | None
) -> list[Problem]:
    """What is wrong with a call for stands (``StandCall``) that opens and closes then, for an
    event starting at ``event_starts_at``: capacity checks it, the desk's form too (naming its
    own field)."""
    return [
        *([CALL_CLOSES_BEFORE_OPENING] if closes_at <= opens_at else []),
        *([CALL_CLOSES_AFTER_START] if event_starts_at and closes_at > event_starts_at else []),
    ]


class CapacityErrorCode(StrEnum):
    """The ``ApiError.code`` values of this API (besides ``contracts.http.errors.ErrorCode``)."""

    NOT_FOUND = "not_found"
    INVALID_EVENT = "invalid_event"
    """Details an organiser must correct; ``errors`` names the fields."""
    ALREADY_PUBLISHED = "already_published"
    SEATS_TAKEN = "seats_taken"
    """The capacity cannot go below the seats already taken."""
    DEADLINE_PASSED = "deadline_passed"
    EVENT_CANCELLED = "event_cancelled"
    EVENT_IS_DRAFT = "event_is_draft"
    SESSION_FULL = "session_full"
    UNKNOWN_SESSION = "unknown_session"
    NOT_CONFIRMED = "not_confirmed"
    """A session is only for a registration with a confirmed day seat."""
    NO_STAND_CALL = "no_stand_call"
    """A stand reserved at an event without a call for stands (409)."""
    STANDS_FULL = "stands_full"
    """Every stand of the call is taken (409)."""


class EventAction(StrEnum):
    """``POST /events/{id}/{action}``."""

    PUBLISH = "publish"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


SessionText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=SESSION_TEXT_MAX_LENGTH)
]


class ProgrammeSession(_Model):
    """One of a slot's parallel sessions (a Praxisforum)."""

    session_id: UUID | None = Field(None, description="None: a new session (an id is given)")
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=SESSION_TEXT_MAX_LENGTH),
    ]
    description: str = Field("", max_length=SESSION_DESCRIPTION_MAX_LENGTH)
    room: SessionText = ""
    moderation: SessionText = ""
    capacity: int = Field(ge=0, le=MAX_CAPACITY)


class ProgrammeSlot(_Model):
    """A time slot: a plenary without sessions, or a choice between parallel sessions."""

    slot_id: UUID | None = Field(None, description="None: a new slot (an id is given)")
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=SESSION_TEXT_MAX_LENGTH),
    ]
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    sessions: list[ProgrammeSession] = Field(default_factory=list, max_length=MAX_SESSIONS)
    ranks: int = Field(
        3, ge=0, le=MAX_SESSIONS, description="How many choices are asked (capped at the sessions)"
    )
    choice_required: bool = Field(False, description="A first choice is needed to register")
    fallback: bool = Field(
        False, description="All ranked sessions full: give any session with a free seat"
    )


class EventDetails(_Model):
    """What the organisers say about an event; ``PUT /events/{id}`` replaces all of it."""

    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH)
    ]
    kind: EventKind
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    starts_at: AwareDatetime
    ends_at: AwareDatetime = Field(description="not before starts_at")
    venue: str = Field(min_length=1, max_length=VENUE_MAX_LENGTH)
    address: str = Field(
        "", max_length=ADDRESS_MAX_LENGTH, description="Postal address of the venue"
    )
    city: str = Field(min_length=1, max_length=CITY_MAX_LENGTH)
    organiser_contact: str = Field(
        "",
        max_length=ORGANISER_CONTACT_MAX_LENGTH,
        description="Functional contact of the organising team, e.g. "
        "'Team Quartier, quartier@example.org, 0711 123456'",
    )
    waitlist_enabled: bool = True
    registration_deadline: AwareDatetime | None = None
    programme: list[ProgrammeSlot] = Field(default_factory=list, max_length=MAX_SLOTS)
    choice_deadline: AwareDatetime | None = Field(
        None, description="Until then attendees may change their ranking of the sessions"
    )
    stand_call: StandCall | None = Field(
        None, description="A call for stands at the Markt der guten Ideen"
    )


class NewEvent(EventDetails):
    """``POST /events``."""

    capacity: int = Field(ge=0, le=MAX_CAPACITY)
    publish: bool = Field(
        True, description="false: a draft, not on the catalog until it is published"
    )


class NewAssignment(_Model):
    """``POST /events/{id}/sessions/{session_id}/assignments``: the organisers move a
    confirmed registration to this session (refused when it is full)."""

    registration_id: UUID


class SessionList(_Model):
    """One session's people: who holds a seat, who waits (first in line first)."""

    slot_id: UUID
    session_id: UUID
    capacity: int
    holders: list[UUID]
    waiting: list[UUID]


class NewCapacity(_Model):
    """``PUT /events/{id}/capacity``: more seats (the waiting list moves up) or fewer, never
    fewer than are taken."""

    capacity: int = Field(ge=0, le=MAX_CAPACITY)


class StandReservation(_Model):
    """``PUT /events/{id}/stands/{application_id}`` (internal token, the registration service
    on accepting an application): the stand is taken and ``staff`` day seats are kept for
    its team apart from the public capacity.  Repeating it changes only ``staff``.  The
    stand is freed by ``StandApplicationDeclined``/``Withdrawn`` (``was_accepted``) on
    ``registration.stand-applications.v1`` with a higher ``revision`` (its staff's day seats
    are released with it)."""

    staff: int = Field(ge=1, le=10)
    revision: int = Field(ge=1, description="the application's revision that accepted it")


def _length(field: FieldInfo, bound: str) -> int | None:
    """A ``min_length``/``max_length`` constraint of a field (``Field`` or
    ``StringConstraints``)."""
    for constraint in field.metadata:
        value = getattr(constraint, bound, None)
        if isinstance(value, int):
            return value
    return None


TEXT_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        name: limit
        for name, field in EventDetails.model_fields.items()
        if field.annotation is str and (limit := _length(field, "max_length")) is not None
    }
)
"""The longest text capacity accepts, per field of ``EventDetails``."""
REQUIRED_TEXTS: tuple[str, ...] = tuple(
    name
    for name, field in EventDetails.model_fields.items()
    if (_length(field, "min_length") or 0) > 0
)
"""The texts an event cannot do without."""
