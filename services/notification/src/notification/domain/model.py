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
    SessionDecision,
    SessionMoveReason,
    SessionPlace,
    SessionReleaseReason,
    SessionSeatAssigned,
    SessionSeatReleased,
    SessionSnapshot,
    SlotSnapshot,
    StandApplicationAccepted,
    StandApplicationChange,
    StandApplicationDeclined,
    StandApplicationReceived,
    StandApplicationWaitlisted,
    StandApplicationWithdrawn,
    Waitlisted,
)
from notification.domain.dates import format_period, format_times, same_day

MAIL_DOMAIN = "quartier.example"
"""Right-hand side of Message-IDs and calendar UIDs; stable, so resent mails match."""

_NOTIFICATION_IDS = UUID("5d0f3c1e-7a51-4c43-9a0e-3f1c2b6e8d21")
_APPLICATION_CHANGES = UUID("8b6f1d2a-3c4e-4f5a-9b7c-0d1e2f3a4b5c")
"""Namespace of the ledger keys of stand applications' changes, one per (application,
revision)."""

WITH_CALENDAR = frozenset(
    {NotificationKind.CONFIRMATION, NotificationKind.PROMOTION, NotificationKind.SESSION_CHANGED}
)
"""Mails that carry the event as ``termin.ics``: the attendee has a seat."""

CALENDAR_UPDATES = frozenset({NotificationKind.SESSION_CHANGED})
"""Mails whose ``termin.ics`` updates the one sent with the seat: the same UID, a higher
SEQUENCE (one more than the mails of the kind sent to the registration before)."""

WITH_CANCEL_LINK = frozenset(
    {
        NotificationKind.CONFIRMATION,
        NotificationKind.PROMOTION,
        NotificationKind.WAITLIST,
        NotificationKind.SESSION_CHANGED,
    }
)
"""Mails for a registration that is still on: a seat or a waiting-list place to give up."""


RELEASE_MAILS = {
    ReleaseReason.CANCELLED_BY_ATTENDEE: NotificationKind.CANCELLATION,
    ReleaseReason.CANCELLED_BY_ORGANISER: NotificationKind.CANCELLED_BY_ORGANISER,
    ReleaseReason.EVENT_CANCELLED: NotificationKind.EVENT_CANCELLED,
    ReleaseReason.STAND_RELEASED: NotificationKind.STAND_RELEASED,
}
"""The mail for a released registration, by why it was released."""

STAND_MAILS: dict[type[StandApplicationChange], NotificationKind] = {
    StandApplicationReceived: NotificationKind.STAND_APPLICATION_RECEIVED,
    StandApplicationAccepted: NotificationKind.STAND_APPLICATION_ACCEPTED,
    StandApplicationWaitlisted: NotificationKind.STAND_APPLICATION_WAITLISTED,
    StandApplicationDeclined: NotificationKind.STAND_APPLICATION_DECLINED,
    StandApplicationWithdrawn: NotificationKind.STAND_APPLICATION_WITHDRAWN,
}
"""The mail to a stand's applicant, by the change of the application: one per change."""


class SessionNews(StrEnum):
    """What a session-change mail tells: how the person came to hold another session of a
    choice slot, or (``dropped``) none any more."""

    MOVED_UP = "moved_up"
    CHOICE_CHANGED = "choice_changed"
    ORGANISER = "organiser"
    FALLBACK = "fallback"
    DROPPED = "dropped"


SESSION_MOVES = {
    SessionMoveReason.MOVED_UP: SessionNews.MOVED_UP,
    SessionMoveReason.CHOICE_CHANGED: SessionNews.CHOICE_CHANGED,
    SessionMoveReason.ORGANISER: SessionNews.ORGANISER,
    SessionMoveReason.FALLBACK: SessionNews.FALLBACK,
}
"""The session assignments that are news for the person; ``allocated`` is not (the
confirmation or promotion of the same moment names the session)."""

SESSION_RELEASES = {SessionReleaseReason.CHOICE_CHANGED: SessionNews.DROPPED}
"""The session releases that are news; ``day_released`` is not (the day's release mail
tells)."""


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
    programme: tuple[SlotSnapshot, ...] = ()
    """Time slots, some with parallel sessions (titles, rooms), as the catalogue's newest
    revision has them; empty for an event without a programme."""

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
            programme=tuple(snapshot.programme),
        )

    def slot(self, slot_id: UUID) -> SlotSnapshot | None:
        return next((slot for slot in self.programme if slot.slot_id == slot_id), None)

    def knows(self, sessions: dict[UUID, set[UUID]]) -> bool:
        """Whether the programme has every slot and session named (``slot_id`` → its
        ``session_id``s): a copy older than the decision may not have them yet."""
        for slot_id, named in sessions.items():
            slot = self.slot(slot_id)
            if slot is None or any(session_in(slot, s) is None for s in named):
                return False
        return True

    @property
    def location(self) -> str:
        """Where the event takes place, for the mails and the calendar entry: venue, street
        address and city, leaving out empty parts and the city when the address names it
        already (as a whole word, as the public site does)."""
        parts = [self.venue, self.address]
        if not re.search(rf"\b{re.escape(self.city)}\b", self.address, re.IGNORECASE):
            parts.append(self.city)
        return ", ".join(part.strip() for part in parts if part.strip())


def session_in(slot: SlotSnapshot, session_id: UUID | None) -> SessionSnapshot | None:
    """The session of ``slot`` with that id, if it has one."""
    return next((s for s in slot.sessions if s.session_id == session_id), None)


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Who gets a mail; personal data that is never logged and never put on a topic."""

    name: str
    email: str
    locale: Locale


@dataclass(frozen=True, kw_only=True)
class Contact(Recipient):
    """A registration's contact.

    ``cancel_token`` opens the registration's cancel link: anyone holding it can cancel, so
    it is treated like the address. ``None`` when the registration service gave none."""

    registration_id: UUID
    cancel_token: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One ledger row: the mail for one decision, or for one change of a stand application
    (``application_id`` and ``revision`` set, ``registration_id`` not)."""

    decision_id: UUID
    """The ledger's key: the decision's id; for an application's change one derived from
    ``(application_id, revision)``, so each change is mailed once."""
    notification_id: UUID
    registration_id: UUID | None
    event_id: UUID
    kind: NotificationKind
    application_id: UUID | None = None
    revision: int | None = None
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

    @classmethod
    def for_application_change(cls, change: StandApplicationChange) -> Delivery:
        decision_id = change_key(change)
        return cls(
            decision_id=decision_id,
            notification_id=uuid5(_NOTIFICATION_IDS, str(decision_id)),
            registration_id=None,
            event_id=change.event_id,
            kind=STAND_MAILS[type(change)],
            application_id=change.application_id,
            revision=change.revision,
        )

    @property
    def subject(self) -> str:
        """Whom the mail is about, for errors and logs (ids only)."""
        if self.registration_id is None:
            return f"stand application {self.application_id}"
        return f"registration {self.registration_id}"

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
    if session_news(decision) is not None:
        return NotificationKind.SESSION_CHANGED
    raise TypeError(f"no mail for {type(decision).__name__}")


def session_news(decision: Decision) -> SessionNews | None:
    """What a session decision tells the person; ``None``: nothing a mail has to say."""
    if isinstance(decision, SessionSeatAssigned):
        return SESSION_MOVES.get(decision.reason)
    if isinstance(decision, SessionSeatReleased):
        return SESSION_RELEASES.get(decision.reason)
    return None


def mailed(decision: Decision) -> bool:
    """Whether the decision gets a mail: every seat decision does; of the session decisions
    only those that are news (not an allocation the seat's mail names, not a place on a
    session's waiting list, not the end of the day's seat)."""
    return not isinstance(decision, SessionDecision) or session_news(decision) is not None


def _session_places(decision: Decision) -> tuple[list[SessionPlace], UUID | None]:
    """The places in the programme a decision's mail names, and the session held before (a
    change of session)."""
    if isinstance(decision, SeatConfirmed):
        return list(decision.sessions), None
    if isinstance(decision, SessionSeatAssigned):
        place = SessionPlace(
            slot_id=decision.slot_id, session_id=decision.session_id, rank=decision.rank
        )
        return [place], decision.previous_session_id
    if isinstance(decision, SessionSeatReleased):
        return [SessionPlace(slot_id=decision.slot_id)], decision.session_id
    return [], None


def sessions_named(decision: Decision) -> dict[UUID, set[UUID]]:
    """The slots (``slot_id`` → the sessions held or waited for) the mail for ``decision``
    names, which the copy of the event must know; the session held before need not be
    known (it may be gone from the programme by now)."""
    places, _ = _session_places(decision)
    return {
        place.slot_id: {
            session
            for session in (place.session_id, *(wait.session_id for wait in place.waiting))
            if session is not None
        }
        for place in places
    }


def needs_event(decision: Decision) -> bool:
    """Whether the mail must wait for the event in the catalogue: not when it never comes."""
    return not (
        isinstance(decision, RegistrationRejected)
        and decision.reason is RejectionReason.UNKNOWN_EVENT
    )


def change_key(change: StandApplicationChange) -> UUID:
    """The ledger key of an application's change: the same for every delivery of the
    message, another for every revision."""
    return uuid5(_APPLICATION_CHANGES, f"{change.application_id}/{change.revision}")


def message_id(decision_id: UUID) -> str:
    """The Message-ID header: the same for every attempt, so a resent mail is recognisable."""
    return f"<{decision_id}@{MAIL_DOMAIN}>"


def cancel_url(site_url: str, cancel_token: str) -> str:
    """The public cancel link (a confirm page on the site, then the cancellation)."""
    return f"{site_url}/abmeldung/{quote(cancel_token, safe='')}"


def choice_url(site_url: str, cancel_token: str) -> str:
    """The page to change one's choice of sessions (the same token as the cancel link)."""
    return f"{site_url}/wahl/{quote(cancel_token, safe='')}"


@dataclass(frozen=True)
class Waiting:
    """A place on the waiting list of a session ranked higher than the one held."""

    session: SessionSnapshot
    position: int


@dataclass(frozen=True)
class SlotPlace:
    """What a mail says about one choice slot of the programme: the session held (``None``:
    none), the waiting lists the person is on and, for a change, the session held before."""

    slot: SlotSnapshot
    time: str
    """The slot's hours in the mail's language (``10:30–12:00 Uhr``)."""
    session: SessionSnapshot | None
    waiting: tuple[Waiting, ...] = ()
    previous: SessionSnapshot | None = None

    def label(self, session: SessionSnapshot) -> str:
        """``Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr`` (without a room: no dash)."""
        room = f" – {session.room}" if session.room else ""
        return f"{session.title}{room}, {self.time}"


def slot_time(slot: SlotSnapshot, event: EventInfo, locale: Locale) -> str:
    """A slot's hours, with its day when it is not on the event's first day."""
    if same_day(slot.starts_at, event.starts_at) and same_day(slot.starts_at, slot.ends_at):
        return format_times(slot.starts_at, slot.ends_at, locale)
    return format_period(slot.starts_at, slot.ends_at, locale)


def programme_places(
    decision: Decision, event: EventInfo | None, locale: Locale
) -> tuple[SlotPlace, ...]:
    """The choice slots the mail for ``decision`` names, in the programme's order: every
    slot of a confirmed seat, the one slot of a change of session."""
    places, previous = _session_places(decision)
    if event is None or not places:
        return ()
    by_slot = {place.slot_id: place for place in places}
    return tuple(
        SlotPlace(
            slot=slot,
            time=slot_time(slot, event, locale),
            session=session_in(slot, place.session_id),
            waiting=tuple(
                Waiting(session, wait.position)
                for wait in place.waiting
                if (session := session_in(slot, wait.session_id)) is not None
            ),
            previous=session_in(slot, previous),
        )
        for slot in event.programme
        if (place := by_slot.get(slot.slot_id)) is not None
    )


def has_choice(event: EventInfo | None) -> bool:
    """The event's programme has a slot with sessions to rank."""
    return event is not None and any(slot.sessions for slot in event.programme)


@dataclass(frozen=True, kw_only=True)
class Letter:
    """What every mail has, before it is rendered into a message: the template
    (``{locale}/{kind}.txt``), headers, recipient and the event it is about."""

    kind: NotificationKind
    locale: Locale
    message_id: str
    correlation_id: str
    recipient: Recipient
    event: EventInfo | None
    when: str | None
    site_url: str
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class Mail(Letter):
    """Everything a mail to a registration says."""

    recipient: Contact
    registration_id: UUID
    status_url: str
    cancel_url: str | None = None
    """Only in mails of ``WITH_CANCEL_LINK`` kinds, and only with a token."""
    choice_url: str | None = None
    """Where the cancel link goes, for an event whose programme has a choice."""
    from_waitlist: bool = False
    was_waitlisted: bool = False
    """For a released registration: it held a waiting-list place, not a seat."""
    position: int | None = None
    reason: RejectionReason | None = None
    places: tuple[SlotPlace, ...] = ()
    """The programme's choice slots the mail names (none for an event without one)."""
    news: SessionNews | None = None
    """For a change of session: what happened."""
    calendar_sequence: int = 0
    """SEQUENCE of the calendar entry: 0 with the seat, higher with every update."""

    @property
    def calendar_uid(self) -> str:
        """The same for every calendar entry of a registration, so that updates replace it."""
        return f"{self.registration_id}@{MAIL_DOMAIN}"

    @property
    def calendar_location(self) -> str:
        """The event's place and the rooms of the sessions held
        (``Hospitalhof, Büchsenstraße 33, Stuttgart – Raum 2.04``)."""
        location = self.event.location if self.event else ""
        rooms = [place.session.room for place in self.places if place.session]
        held = ", ".join(dict.fromkeys(room for room in rooms if room))
        return f"{location} – {held}" if held else location

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
    calendar_sequence: int = 0,
) -> Mail:
    """The mail for ``decision`` in the recipient's language; ``calendar_sequence`` for a
    mail that updates the calendar entry (``CALENDAR_UPDATES``)."""
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
        choice_url=choice_url(site_url, token) if token and has_choice(event) else None,
        from_waitlist=isinstance(decision, SeatConfirmed) and decision.from_waitlist,
        was_waitlisted=isinstance(decision, SeatReleased) and decision.was_waitlisted,
        position=decision.position if isinstance(decision, Waitlisted) else None,
        reason=decision.reason if isinstance(decision, RegistrationRejected) else None,
        places=programme_places(decision, event, locale),
        news=session_news(decision),
        calendar_sequence=calendar_sequence,
    )
