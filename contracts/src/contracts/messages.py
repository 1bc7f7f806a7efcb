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


class ReleaseReason(StrEnum):
    CANCELLED_BY_ATTENDEE = "cancelled_by_attendee"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    EVENT_CANCELLED = "event_cancelled"


class NotificationKind(StrEnum):
    CONFIRMATION = "confirmation"
    WAITLIST = "waitlist"
    REJECTION = "rejection"
    PROMOTION = "promotion"
    CANCELLATION = "cancellation"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    EVENT_CANCELLED = "event_cancelled"


class CancelledBy(StrEnum):
    ATTENDEE = "attendee"
    ORGANISER = "organiser"


# --- registration.registrations.v1 -------------------------------------------------


class RegistrationRequested(IntegrationEvent):
    registration_id: UUID
    event_id: UUID
    requested_at: AwareDatetime
    locale: Locale = Locale.DE


class RegistrationCancelled(IntegrationEvent):
    registration_id: UUID
    event_id: UUID
    cancelled_at: AwareDatetime
    cancelled_by: CancelledBy = Field(
        CancelledBy.ATTENDEE, description="Who cancelled: the attendee (link) or the organisers"
    )


# --- capacity.decisions.v1 -----------------------------------------------------------


class Decision(IntegrationEvent):
    decision_id: UUID
    registration_id: UUID
    event_id: UUID
    decided_at: AwareDatetime


class SeatConfirmed(Decision):
    from_waitlist: bool = Field(False, description="True: promoted from the waiting list")


class Waitlisted(Decision):
    position: int = Field(ge=1, description="1 = next to be promoted")


class RegistrationRejected(Decision):
    reason: RejectionReason


class SeatReleased(Decision):
    """A confirmed seat or a waiting-list place is given up (the registration ends)."""

    reason: ReleaseReason
    was_waitlisted: bool = False


# --- capacity.catalog.v1 -------------------------------------------------------------


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
    SeatConfirmed,
    Waitlisted,
    RegistrationRejected,
    SeatReleased,
    EventPublished,
    EventUpdated,
    EventClosed,
    EventReopened,
    EventCancelled,
    NotificationSent,
    NotificationFailed,
)
