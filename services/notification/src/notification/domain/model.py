"""What the notification service decides, without IO: which mail a decision gets, what it
says, and where its delivery stands in the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID, uuid5

from contracts.messages import (
    Decision,
    EventSnapshot,
    Locale,
    NotificationKind,
    RegistrationRejected,
    RejectionReason,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    Waitlisted,
)
from notification.domain.dates import format_period

MAIL_DOMAIN = "quartier.example"
"""Right-hand side of Message-IDs and calendar UIDs; stable, so resent mails match."""

_NOTIFICATION_IDS = UUID("5d0f3c1e-7a51-4c43-9a0e-3f1c2b6e8d21")

WITH_CALENDAR = frozenset({NotificationKind.CONFIRMATION, NotificationKind.PROMOTION})
"""Mails that carry the event as ``termin.ics``: the attendee has a seat."""

WITH_CANCEL_LINK = frozenset(
    {NotificationKind.CONFIRMATION, NotificationKind.PROMOTION, NotificationKind.WAITLIST}
)
"""Mails for a registration that is still on: a seat or a waiting-list place to give up."""


RELEASE_MAILS = {
    ReleaseReason.CANCELLED_BY_ATTENDEE: NotificationKind.CANCELLATION,
    ReleaseReason.CANCELLED_BY_ORGANISER: NotificationKind.CANCELLED_BY_ORGANISER,
    ReleaseReason.EVENT_CANCELLED: NotificationKind.EVENT_CANCELLED,
}
"""The mail for a released registration, by why it was released."""


class DeliveryStatus(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class EventInfo:
    """The part of an event snapshot a mail needs."""

    event_id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    city: str
    description: str
    revision: int
    organiser_contact: str = ""
    """The organising team's functional contact, for questions; may be empty."""
    address: str = ""
    """The venue's street address (e.g. ``Büchsenstraße 33``); may be empty."""

    @classmethod
    def from_snapshot(cls, snapshot: EventSnapshot) -> EventInfo:
        return cls(
            event_id=snapshot.event_id,
            title=snapshot.title,
            starts_at=snapshot.starts_at,
            ends_at=snapshot.ends_at,
            venue=snapshot.venue,
            city=snapshot.city,
            description=snapshot.description,
            revision=snapshot.revision,
            organiser_contact=snapshot.organiser_contact,
            address=snapshot.address,
        )

    @property
    def location(self) -> str:
        """Where the event takes place, for the mails and the calendar entry: venue, street
        address and city, leaving out empty parts and the city when the address names it
        already (as a whole word, as the public site does)."""
        parts = [self.venue, self.address]
        if not re.search(rf"\b{re.escape(self.city)}\b", self.address, re.IGNORECASE):
            parts.append(self.city)
        return ", ".join(part.strip() for part in parts if part.strip())


@dataclass(frozen=True)
class Contact:
    """Who gets the mail; personal data that is never logged and never put on a topic.

    ``cancel_token`` opens the registration's cancel link: anyone holding it can cancel, so
    it is treated like the address. ``None`` when the registration service gave none."""

    registration_id: UUID
    name: str
    email: str
    locale: Locale
    cancel_token: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One ledger row: the mail for one decision."""

    decision_id: UUID
    notification_id: UUID
    registration_id: UUID
    event_id: UUID
    kind: NotificationKind
    status: DeliveryStatus = DeliveryStatus.SENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None

    @classmethod
    def for_decision(cls, decision: Decision) -> Delivery:
        return cls(
            decision_id=decision.decision_id,
            notification_id=uuid5(_NOTIFICATION_IDS, str(decision.decision_id)),
            registration_id=decision.registration_id,
            event_id=decision.event_id,
            kind=mail_kind(decision),
        )

    @property
    def done(self) -> bool:
        """Sent or failed for good: a redelivered decision sends nothing."""
        return self.status is not DeliveryStatus.SENDING

    def attempt_failed(self, error: str) -> Delivery:
        """An attempt that may succeed later (server away, contact not visible yet)."""
        return replace(self, attempts=self.attempts + 1, last_error=error)

    def sent(self, at: datetime) -> Delivery:
        return replace(
            self,
            status=DeliveryStatus.SENT,
            attempts=self.attempts + 1,
            last_error=None,
            sent_at=at,
        )

    def failed(self, error: str) -> Delivery:
        """Given up for good: the mail can never be delivered."""
        return replace(
            self, status=DeliveryStatus.FAILED, attempts=self.attempts + 1, last_error=error
        )


def mail_kind(decision: Decision) -> NotificationKind:
    if isinstance(decision, SeatConfirmed):
        if decision.from_waitlist:
            return NotificationKind.PROMOTION
        return NotificationKind.CONFIRMATION
    if isinstance(decision, Waitlisted):
        return NotificationKind.WAITLIST
    if isinstance(decision, RegistrationRejected):
        return NotificationKind.REJECTION
    if isinstance(decision, SeatReleased):
        return RELEASE_MAILS[decision.reason]
    raise TypeError(f"no mail for {type(decision).__name__}")


def needs_event(decision: Decision) -> bool:
    """Whether the mail must wait for the event in the catalogue: not when it never comes."""
    return not (
        isinstance(decision, RegistrationRejected)
        and decision.reason is RejectionReason.UNKNOWN_EVENT
    )


def message_id(decision_id: UUID) -> str:
    """The Message-ID header: the same for every attempt, so a resent mail is recognisable."""
    return f"<{decision_id}@{MAIL_DOMAIN}>"


def cancel_url(site_url: str, cancel_token: str) -> str:
    """The public cancel link (a confirm page on the site, then the cancellation)."""
    return f"{site_url}/abmeldung/{quote(cancel_token, safe='')}"


@dataclass(frozen=True)
class Mail:
    """Everything a mail says, before it is rendered into a message."""

    kind: NotificationKind
    locale: Locale
    message_id: str
    correlation_id: str
    recipient: Contact
    registration_id: UUID
    event: EventInfo | None
    when: str | None
    site_url: str
    status_url: str
    issued_at: datetime
    cancel_url: str | None = None
    """Only in mails of ``WITH_CANCEL_LINK`` kinds, and only with a token."""
    from_waitlist: bool = False
    was_waitlisted: bool = False
    """For a released registration: it held a waiting-list place, not a seat."""
    position: int | None = None
    reason: RejectionReason | None = None

    @property
    def calendar_uid(self) -> str:
        return f"{self.registration_id}@{MAIL_DOMAIN}"

    @property
    def with_calendar(self) -> bool:
        return self.kind in WITH_CALENDAR and self.event is not None


def compose(
    decision: Decision,
    contact: Contact,
    event: EventInfo | None,
    *,
    correlation_id: str,
    public_base_url: str,
) -> Mail:
    """The mail for ``decision`` in the recipient's language."""
    kind = mail_kind(decision)
    locale = contact.locale
    site_url = public_base_url.rstrip("/")
    token = contact.cancel_token if kind in WITH_CANCEL_LINK else None
    return Mail(
        kind=kind,
        locale=locale,
        message_id=message_id(decision.decision_id),
        correlation_id=correlation_id,
        recipient=contact,
        registration_id=decision.registration_id,
        event=event,
        when=format_period(event.starts_at, event.ends_at, locale) if event else None,
        site_url=site_url,
        status_url=f"{site_url}/anmeldung/{decision.registration_id}",
        issued_at=decision.decided_at,
        cancel_url=cancel_url(site_url, token) if token else None,
        from_waitlist=isinstance(decision, SeatConfirmed) and decision.from_waitlist,
        was_waitlisted=isinstance(decision, SeatReleased) and decision.was_waitlisted,
        position=decision.position if isinstance(decision, Waitlisted) else None,
        reason=decision.reason if isinstance(decision, RegistrationRejected) else None,
    )
