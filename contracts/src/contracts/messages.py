"""Versioned payload models (v1). Inside v1 only backward-compatible changes are allowed.

Personal data (names, e-mail addresses) never travels on a topic: Kafka logs cannot be
erased per person, so registrations are referred to by id only.  Subscribers that need
contact data ask the registration service's API.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class IntegrationEvent(BaseModel):
    """A fact one service publishes for others; the value of a Kafka record."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type_name: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents ``type`` attribute, e.g. ``quartier.SeatConfirmed.v1``."""
        return f"quartier.{cls.type_name}.v{cls.version}"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.type_name = cls.__name__


class Locale(StrEnum):
    DE = "de"
    EN = "en"


class EventKind(StrEnum):
    FACHTAG = "fachtag"
    WERKSTATTGESPRAECH = "werkstattgespraech"
    PRAXISFORUM = "praxisforum"
    MARKT = "markt"


class EventStatus(StrEnum):
    DRAFT = "draft"
    """Being prepared by the organisers; never on ``capacity.catalog.v1``."""
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CloseReason(StrEnum):
    FULL = "full"
    DEADLINE = "deadline"
    MANUAL = "manual"


class RejectionReason(StrEnum):
    EVENT_FULL = "event_full"
    EVENT_CLOSED = "event_closed"
    EVENT_CANCELLED = "event_cancelled"
    UNKNOWN_EVENT = "unknown_event"
    CONTINGENT_FULL = "contingent_full"
    """An exhibitor's link used after the stand's staff seats are all taken, or after the
    stand was withdrawn or declined."""


class ReleaseReason(StrEnum):
    CANCELLED_BY_ATTENDEE = "cancelled_by_attendee"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    EVENT_CANCELLED = "event_cancelled"
    STAND_RELEASED = "stand_released"
    """A stand's staff member's seat: the stand's application was declined or withdrawn."""


class NotificationKind(StrEnum):
    CONFIRMATION = "confirmation"
    WAITLIST = "waitlist"
    REJECTION = "rejection"
    PROMOTION = "promotion"
    CANCELLATION = "cancellation"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    EVENT_CANCELLED = "event_cancelled"
    SESSION_CHANGED = "session_changed"
    """The person now holds another session of a choice slot (a move up, their own change
    of choice, the organisers' move)."""
    STAND_APPLICATION_RECEIVED = "stand_application_received"
    """The mails to a stand's applicant (the Markt der guten Ideen), one per change of the
    application: these kinds are the notification service's ledger only and never on
    ``notification.deliveries.v1``, which reports the mails to registrations."""
    STAND_APPLICATION_ACCEPTED = "stand_application_accepted"
    STAND_APPLICATION_WAITLISTED = "stand_application_waitlisted"
    STAND_APPLICATION_DECLINED = "stand_application_declined"
    STAND_APPLICATION_WITHDRAWN = "stand_application_withdrawn"
    STAND_RELEASED = "stand_released"
    """A stand's staff member's registration ended with the stand (declined or withdrawn)."""


class CancelledBy(StrEnum):
    ATTENDEE = "attendee"
    ORGANISER = "organiser"


# --- registration.registrations.v1 -------------------------------------------------


SessionRanking = dict[UUID, list[UUID]]
"""Per choice slot (``slot_id``), the sessions a person asks for, best first."""


class RegistrationRequested(IntegrationEvent):
    registration_id: UUID
    event_id: UUID
    requested_at: AwareDatetime
    locale: Locale = Locale.DE
    choices: SessionRanking = Field(
        default_factory=dict,
        description="The ranked sessions per choice slot of the event's programme (none "
        "for an event without one)",
    )
    stand_application_id: UUID | None = Field(
        None,
        description="Set for a stand's staff member (the exhibitors' personal link): the "
        "day seat comes from that accepted stand's contingent, never from the public "
        "capacity",
    )


class SessionChoicesChanged(IntegrationEvent):
    """The attendee ranks the sessions anew (the link in their mail, before the change
    deadline); slots not named keep their ranking."""

    registration_id: UUID
    event_id: UUID
    choices: SessionRanking
    changed_at: AwareDatetime


class RegistrationCancelled(IntegrationEvent):
    registration_id: UUID
    event_id: UUID
    cancelled_at: AwareDatetime
    cancelled_by: CancelledBy = Field(
        CancelledBy.ATTENDEE, description="Who cancelled: the attendee (link) or the organisers"
    )


# --- registration.stand-applications.v1 ---------------------------------------------


class ApplicationState(StrEnum):
    """Where an application for a stand at the Markt der guten Ideen stands."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    """By the applicant (the link in their mail); final."""


class StandApplicationChange(IntegrationEvent):
    """An application changed its state.  The project, the Kommune and the contact person
    stay with the registration service (its API); ``revision`` counts the application's
    changes (1 = received), so ``(application_id, revision)`` names each change once."""

    application_id: UUID
    event_id: UUID
    revision: int = Field(ge=1)
    staff: int = Field(ge=1, description="How many people staff the stand")
    locale: Locale = Locale.DE
    occurred_at: AwareDatetime


class StandApplicationReceived(StandApplicationChange):
    pass


class StandApplicationAccepted(StandApplicationChange):
    """The stand is the applicant's; ``staff`` day seats are kept for its team apart from
    the public capacity."""


class StandApplicationWaitlisted(StandApplicationChange):
    pass


class StandApplicationDeclined(StandApplicationChange):
    was_accepted: bool = Field(False, description="True: the stand it held is free again")


class StandApplicationWithdrawn(StandApplicationChange):
    was_accepted: bool = Field(False, description="True: the stand it held is free again")


# --- capacity.decisions.v1 -----------------------------------------------------------


class Decision(IntegrationEvent):
    decision_id: UUID
    registration_id: UUID
    event_id: UUID
    decided_at: AwareDatetime


class SessionWait(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: UUID
    position: int = Field(ge=1, description="1 = next to move in")


class SessionPlace(BaseModel):
    """What a person has in one choice slot: the session held (if any), its rank in their
    ranking, and their places on the waiting lists of the sessions they ranked higher."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    slot_id: UUID
    session_id: UUID | None = None
    rank: int | None = Field(None, ge=1, description="1 = first choice; None: unranked")
    waiting: list[SessionWait] = Field(default_factory=list)


class SeatConfirmed(Decision):
    from_waitlist: bool = Field(False, description="True: promoted from the waiting list")
    sessions: list[SessionPlace] = Field(
        default_factory=list, description="Per choice slot of the programme, at this moment"
    )


class Waitlisted(Decision):
    position: int = Field(ge=1, description="1 = next to be promoted")


class RegistrationRejected(Decision):
    reason: RejectionReason


class SeatReleased(Decision):
    """A confirmed seat or a waiting-list place is given up (the registration ends)."""

    reason: ReleaseReason
    was_waitlisted: bool = False


# --- capacity.sessions.v1 ------------------------------------------------------------


class SessionMoveReason(StrEnum):
    ALLOCATED = "allocated"
    """On arrival (or when promoted to a day seat): the best-ranked session with a seat, or
    (``rank`` None) a fallback seat; the ``SeatConfirmed`` of the same moment names it."""
    MOVED_UP = "moved_up"
    """A seat in a session ranked higher freed; the earliest claim waiting for it moved in."""
    CHOICE_CHANGED = "choice_changed"
    ORGANISER = "organiser"
    """Moved by hand at the desk."""
    FALLBACK = "fallback"
    """A freed seat given to someone without a session (all they ranked is full and the
    slot gives any session with a free seat)."""


class SessionReleaseReason(StrEnum):
    DAY_RELEASED = "day_released"
    """The day seat ended (cancelled by the attendee or the organisers, event cancelled)."""
    CHOICE_CHANGED = "choice_changed"
    """The person no longer ranks the session they held, and no other had a seat."""


class SessionDecision(Decision):
    """A change of who holds or waits for a session of one choice slot (``slot_id``)."""

    slot_id: UUID
    session_id: UUID


class SessionSeatAssigned(SessionDecision):
    """The registration now holds ``session_id`` instead of ``previous_session_id``."""

    previous_session_id: UUID | None = None
    rank: int | None = Field(None, ge=1, description="1 = first choice; None: unranked")
    reason: SessionMoveReason


class SessionWaitlisted(SessionDecision):
    """The registration joins ``session_id``'s waiting list (it ranks it higher than what it
    holds); ``position`` is its place at this moment."""

    position: int = Field(ge=1)


class SessionSeatReleased(SessionDecision):
    """The registration gives up ``session_id`` and holds no session of the slot."""

    reason: SessionReleaseReason


# --- capacity.catalog.v1 -------------------------------------------------------------


class SessionSnapshot(BaseModel):
    """One of the parallel sessions of a slot (a Praxisforum) with its seats."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: UUID
    title: str
    description: str = ""
    room: str = ""
    moderation: str = ""
    capacity: int = Field(ge=0)
    seats_taken: int = Field(ge=0)
    seats_left: int = Field(ge=0)
    waitlist_length: int = Field(ge=0)


class SlotSnapshot(BaseModel):
    """A time slot of the programme: a plenary (no sessions) or a choice between sessions."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    slot_id: UUID
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    sessions: list[SessionSnapshot] = Field(default_factory=list)
    ranks: int = Field(0, ge=0, description="How many choices attendees rank (1st, 2nd, …)")
    choice_required: bool = Field(False, description="A first choice is needed to register")
    fallback: bool = Field(
        False, description="All ranked sessions full: give any session with a free seat"
    )


STAND_CALL_DESCRIPTION_MAX_LENGTH = 2000
MAX_STANDS = 500


class StandCall(BaseModel):
    """The call for stands at an event's "Markt der guten Ideen": Kommunen and initiatives
    apply between ``opens_at`` and ``closes_at`` for one of ``stands`` stands."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    opens_at: AwareDatetime
    closes_at: AwareDatetime = Field(description="after opens_at, not after the event's start")
    stands: int = Field(ge=1, le=MAX_STANDS, description="How many stands the market has")
    description: str = Field(
        "",
        max_length=STAND_CALL_DESCRIPTION_MAX_LENGTH,
        description="What a stand offers (size, table, power, …)",
    )


class EventSnapshot(BaseModel):
    """The full public state of one event at the moment the catalog message was written."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    title: str
    kind: EventKind
    description: str = ""
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue: str
    address: str = Field("", description="Postal address of the venue")
    city: str
    organiser_contact: str = Field(
        "",
        description="Functional contact of the organising team (team mailbox, phone); "
        "never a person's own",
    )
    capacity: int = Field(ge=0)
    seats_taken: int = Field(ge=0)
    seats_left: int = Field(ge=0)
    waitlist_enabled: bool
    waitlist_length: int = Field(ge=0)
    status: EventStatus
    close_reason: CloseReason | None = None
    registration_deadline: AwareDatetime | None = None
    programme: list[SlotSnapshot] = Field(
        default_factory=list, description="Time slots, some with parallel sessions"
    )
    choice_deadline: AwareDatetime | None = Field(
        None, description="Until then attendees may change their ranking of the sessions"
    )
    stand_call: StandCall | None = Field(
        None, description="The call for stands at the Markt der guten Ideen, if there is one"
    )
    stands_taken: int = Field(
        0, ge=0, description="Stands of the call held by accepted applications"
    )
    revision: int = Field(ge=1, description="Grows with every change; newer wins")


class CatalogEvent(IntegrationEvent):
    event: EventSnapshot
    occurred_at: AwareDatetime

    @property
    def event_id(self) -> UUID:
        """The record key of ``capacity.catalog.v1``."""
        return self.event.event_id


class EventPublished(CatalogEvent):
    pass


class EventClosed(CatalogEvent):
    reason: CloseReason


class EventReopened(CatalogEvent):
    pass


class EventUpdated(CatalogEvent):
    """Seats, capacity or details changed while the event stays open or closed."""


class EventCancelled(CatalogEvent):
    pass


# --- notification.deliveries.v1 ------------------------------------------------------


class Delivery(IntegrationEvent):
    notification_id: UUID
    decision_id: UUID
    registration_id: UUID
    event_id: UUID
    kind: NotificationKind


class NotificationSent(Delivery):
    sent_at: AwareDatetime


class NotificationFailed(Delivery):
    failed_at: AwareDatetime
    attempts: int = Field(ge=1)
    error: str


ALL_MESSAGES: tuple[type[IntegrationEvent], ...] = (
    RegistrationRequested,
    RegistrationCancelled,
    SessionChoicesChanged,
    SeatConfirmed,
    Waitlisted,
    RegistrationRejected,
    SeatReleased,
    SessionSeatAssigned,
    SessionWaitlisted,
    SessionSeatReleased,
    EventPublished,
    EventUpdated,
    EventClosed,
    EventReopened,
    EventCancelled,
    NotificationSent,
    NotificationFailed,
    StandApplicationReceived,
    StandApplicationAccepted,
    StandApplicationWaitlisted,
    StandApplicationDeclined,
    StandApplicationWithdrawn,
)
