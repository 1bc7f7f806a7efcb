"""What the templates show: events, forms and the API reference turned into display values in
the visitor's language."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Self
from uuid import UUID

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.stands import (
    MAX_STAFF,
    PublicStand,
    StandApplicationView,
    StandNeed,
)
from contracts.messages import EventKind, SessionPlace, SessionSnapshot, SlotSnapshot, StandCall
from gateway.domain import labels
from gateway.domain.model import Availability, Listing
from gateway.domain.programme import choice_field, choice_slots, rank_count
from gateway.domain.stands import CallState, call_state
from gateway.web.rendering import FormState, Pages

SITE = Pages(Path(__file__).resolve().parent / "templates")
render = SITE.render
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class TextPart:
    """A piece of free text; ``href`` when it is an e-mail address to link."""

    text: str
    href: str | None = None


def linked_text(text: str) -> list[TextPart]:
    """``text`` with every e-mail address in it as a ``mailto:`` link."""
    parts: list[TextPart] = []
    position = 0
    for found in EMAIL_IN_TEXT.finditer(text):
        if found.start() > position:
            parts.append(TextPart(text[position : found.start()]))
        parts.append(TextPart(found.group(0), f"mailto:{found.group(0)}"))
        position = found.end()
    if position < len(text):
        parts.append(TextPart(text[position:]))
    return parts


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class SessionView:
    """One of a slot's parallel sessions with its seats left."""

    session_id: str
    title: str
    description: str
    room: str
    moderation: str
    seats_label: str
    full: bool

    @classmethod
    def of(cls, session: SessionSnapshot, t: labels.Translator) -> SessionView:
        return cls(
            session_id=str(session.session_id),
            title=session.title,
            description=session.description,
            room=session.room,
            moderation=session.moderation,
            seats_label=labels.session_seats_label(session, t),
            full=session.seats_left == 0,
        )

    @property
    def option(self) -> Option:
        """The session in a choice's select: its title and seats left."""
        return Option(self.session_id, f"{self.title} ({self.seats_label})")


@dataclass(frozen=True)
class Choice:
    """One ranked select of a choice slot: its field name, ``1. Wunsch``, and whether it
    must be filled."""

    field: str
    label: str
    required: bool


@dataclass(frozen=True)
class SlotView:
    """A time slot of the programme; ``choices`` are the selects of a slot whose sessions
    attendees rank (none for a plenary)."""

    slot_id: str
    title: str
    hours: str
    starts_at: str
    sessions: list[SessionView]
    choices: list[Choice]

    @classmethod
    def of(cls, slot: SlotSnapshot, chosen: bool, t: labels.Translator) -> SlotView:
        ranks = rank_count(slot) if chosen else 0
        return cls(
            slot_id=str(slot.slot_id),
            title=slot.title,
            hours=labels.hours(slot.starts_at, slot.ends_at, t.locale),
            starts_at=slot.starts_at.isoformat(),
            sessions=[SessionView.of(session, t) for session in slot.sessions],
            choices=[
                Choice(
                    choice_field(slot.slot_id, rank),
                    labels.choice_label(rank, t),
                    rank == 1 and slot.choice_required,
                )
                for rank in range(1, ranks + 1)
            ],
        )

    @property
    def options(self) -> list[Option]:
        return [session.option for session in self.sessions]

    def session(self, session_id: object) -> SessionView | None:
        return next((s for s in self.sessions if s.session_id == str(session_id)), None)


def programme_view(listing: Listing, t: labels.Translator) -> list[SlotView]:
    chosen = {slot.slot_id for slot in choice_slots(listing.snapshot)}
    return [SlotView.of(slot, slot.slot_id in chosen, t) for slot in listing.snapshot.programme]


@dataclass(frozen=True)
class Waiting:
    session: str
    position: int


@dataclass(frozen=True)
class PlaceView:
    """What a registration has in one choice slot: the session held (``None``: none) with
    the rank it had in the ranking (``None``: given without being ranked) and the places on
    the waiting lists of sessions ranked higher."""

    slot: SlotView
    held: SessionView | None
    rank_label: str | None
    waiting: list[Waiting]


def place_views(
    slots: Sequence[SlotView], places: Sequence[SessionPlace], t: labels.Translator
) -> list[PlaceView]:
    """Per choice slot of the programme, what ``places`` says (nothing held where capacity
    names no place)."""
    by_slot = {str(place.slot_id): place for place in places}
    views = []
    for slot in slots:
        if not slot.choices:
            continue
        place = by_slot.get(slot.slot_id)
        held = slot.session(place.session_id) if place and place.session_id else None
        rank = place.rank if place and held else None
        waiting = [
            Waiting(found.title, wait.position)
            for wait in (place.waiting if place else [])
            if (found := slot.session(wait.session_id)) is not None
        ]
        views.append(PlaceView(slot, held, labels.choice_label(rank, t) if rank else None, waiting))
    return views


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (an empty line between them)."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def application_url(event_id: UUID) -> str:
    """The form to apply for a stand at the event's Markt der guten Ideen."""
    return f"/veranstaltungen/{event_id}/markt/bewerbung"


@dataclass(frozen=True)
class StandCallView:
    """The call for stands at the Markt der guten Ideen as the event page shows it: before
    it opens, while it is open, or after its deadline."""

    state: CallState
    opens: str
    opens_at: str
    closes: str
    closes_at: str
    stands: int
    paragraphs: list[str]
    apply_url: str

    @classmethod
    def of(
        cls, event_id: UUID, call: StandCall, now: datetime, t: labels.Translator
    ) -> StandCallView:
        return cls(
            state=call_state(call, now),
            opens=labels.moment(call.opens_at, t.locale),
            opens_at=call.opens_at.isoformat(),
            closes=labels.moment(call.closes_at, t.locale),
            closes_at=call.closes_at.isoformat(),
            stands=call.stands,
            paragraphs=paragraphs(call.description),
            apply_url=application_url(event_id),
        )


@dataclass(frozen=True)
class StandView:
    """An accepted stand on the event page (its applicant consented to publish it)."""

    project_title: str
    organisation: str
    paragraphs: list[str]

    @classmethod
    def of(cls, stand: PublicStand) -> StandView:
        return cls(stand.project_title, stand.organisation, paragraphs(stand.description))


@dataclass(frozen=True)
class EventView:
    event_id: UUID
    title: str
    kind_label: str
    description: str
    venue: str
    address: str
    city: str
    organiser_contact: list[TextPart]
    period: str
    starts_at: str
    availability: Availability
    availability_label: str
    open_for_registration: bool
    cancelled: bool
    deadline: str | None
    deadline_at: str | None
    programme: list[SlotView] = field(default_factory=list)
    choice_deadline: str | None = None
    choice_deadline_at: str | None = None
    stand_call: StandCallView | None = None

    @classmethod
    def of(cls, listing: Listing, now: datetime, t: labels.Translator) -> EventView:
        event = listing.snapshot
        deadline = event.registration_deadline
        choice_deadline = event.choice_deadline
        return cls(
            event_id=event.event_id,
            title=event.title,
            kind_label=labels.kind_label(event.kind, t),
            description=event.description,
            venue=event.venue,
            address=event.address,
            city=event.city,
            organiser_contact=linked_text(event.organiser_contact),
            period=labels.period(event.starts_at, event.ends_at, t.locale),
            starts_at=event.starts_at.isoformat(),
            availability=listing.availability(now),
            availability_label=labels.availability_label(listing, now, t),
            open_for_registration=listing.accepts_registrations(now),
            cancelled=listing.cancelled,
            deadline=labels.moment(deadline, t.locale) if deadline else None,
            deadline_at=deadline.isoformat() if deadline else None,
            programme=programme_view(listing, t),
            choice_deadline=labels.moment(choice_deadline, t.locale) if choice_deadline else None,
            choice_deadline_at=choice_deadline.isoformat() if choice_deadline else None,
            stand_call=StandCallView.of(event.event_id, event.stand_call, now, t)
            if event.stand_call and not listing.cancelled
            else None,
        )

    @property
    def url(self) -> str:
        return f"/veranstaltungen/{self.event_id}"

    @property
    def place(self) -> str:
        """Venue and address; the city too unless the address names it already (as a whole
        word: "Ulmer Straße 5" does not name Ulm)."""
        parts = [self.venue, self.address]
        if not re.search(rf"\b{re.escape(self.city)}\b", self.address, re.IGNORECASE):
            parts.append(self.city)
        return ", ".join(part.strip() for part in parts if part.strip())

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.description)

    @property
    def choice_slots(self) -> list[SlotView]:
        """The slots whose sessions attendees rank."""
        return [slot for slot in self.programme if slot.choices]


def kind_options(t: labels.Translator) -> list[Option]:
    return [Option(kind.value, labels.kind_label(kind, t)) for kind in EventKind]


def role_options(t: labels.Translator) -> list[Option]:
    return [Option(role.value, labels.role_label(role, t)) for role in AttendeeRole]


def need_options(t: labels.Translator) -> list[Option]:
    return [Option(need.value, labels.need_label(need, t)) for need in AccessibilityNeed]


@dataclass(frozen=True, kw_only=True)
class RankedChoices:
    """The ranked selects of a form as typed (field name → session id); ``form[name]`` in a
    template reads them like the form's other fields."""

    choices: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        if name in self.choices:
            return self.choices[name]
        return getattr(self, name)


@dataclass(frozen=True, kw_only=True)
class ChallengeState(FormState):
    """A form behind the registration budget (``_challenge.html``): its idempotency key and
    the check that a person sends it."""

    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    altcha: str = ""
    """A solved challenge that came along and was not used yet (a form answered with field
    errors keeps it)."""
    challenge: str = ""
    """Beyond the address's budget: the challenge (JSON) the form's check solves."""
    retry_after: int = 0
    """… and the seconds until the budget takes the form again without it."""
    solution_refused: bool = False

    def with_challenge(self, challenge: str, retry_after: int, refused: bool) -> Self:
        return replace(
            self,
            altcha="",
            challenge=challenge,
            retry_after=retry_after,
            solution_refused=refused,
        )


@dataclass(frozen=True)
class RegistrationForm(RankedChoices, ChallengeState):
    """The registration form as typed."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    role: str = ""
    accessibility_needs: tuple[str, ...] = ()
    accessibility_other: str = ""
    health_data_consent: bool = False
    privacy_consent: bool = False


@dataclass(frozen=True)
class FeedbackForm(FormState):
    """The feedback form of the accessibility statement as typed."""

    message: str = ""
    name: str = ""
    email: str = ""
    page: str = ""


@dataclass(frozen=True)
class ChoicesForm(RankedChoices, FormState):
    """The change of choice (behind the mail's link) as typed."""


@dataclass(frozen=True)
class StandApplicationForm(ChallengeState):
    """The application for a stand as typed."""

    project_title: str = ""
    organisation: str = ""
    description: str = ""
    contact_name: str = ""
    email: str = ""
    staff: str = "1"
    needs: tuple[str, ...] = ()
    needs_other: str = ""
    publish_consent: bool = False
    privacy_consent: bool = False

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


@dataclass(frozen=True)
class CharacterCount:
    """What the count below a text area says while typing (``static/count.js``), translated
    here: ``{n}`` stands for the number, ``one`` for 1, ``other`` for any other."""

    max_length: int
    left_one: str
    left_other: str
    over_one: str
    over_other: str

    @classmethod
    def of(cls, max_length: int, t: labels.Translator) -> CharacterCount:
        number = {"num": "{n}"}
        left_one, left_other = (
            t.ngettext("Noch %(num)s Zeichen frei", "Noch %(num)s Zeichen frei", n) % number
            for n in (1, 2)
        )
        over_one, over_other = (
            t.ngettext("%(num)s Zeichen zu viel", "%(num)s Zeichen zu viel", n) % number
            for n in (1, 2)
        )
        return cls(max_length, left_one, left_other, over_one, over_other)


def stand_need_options(t: labels.Translator) -> list[Option]:
    return [Option(need.value, labels.stand_need_label(need, t)) for need in StandNeed]


def staff_options(t: labels.Translator) -> list[Option]:
    return [
        Option(str(n), t.ngettext("%(num)d Person", "%(num)d Personen", n) % {"num": n})
        for n in range(1, MAX_STAFF + 1)
    ]


@dataclass(frozen=True)
class ApplicationView:
    """An application as its applicant's page shows it."""

    state: str
    state_label: str
    explanation: str
    project_title: str
    organisation: str
    paragraphs: list[str]
    contact_name: str
    email: str
    staff: str
    needs: list[str]
    needs_other: str
    publish_consent: bool
    note: list[str]
    received: str
    received_at: str
    decided: str | None
    decided_at: str | None
    withdrawable: bool

    @classmethod
    def of(cls, application: StandApplicationView, t: labels.Translator) -> ApplicationView:
        decided_at = application.decided_at
        return cls(
            state=application.state.value,
            state_label=labels.application_state_label(application.state, t),
            explanation=labels.application_explanation(application.state, t),
            project_title=application.project_title,
            organisation=application.organisation,
            paragraphs=paragraphs(application.description),
            contact_name=application.contact_name,
            email=application.email,
            staff=t.ngettext("%(num)d Person", "%(num)d Personen", application.staff)
            % {"num": application.staff},
            needs=[
                labels.stand_need_label(need, t)
                for need in application.needs
                if need is not StandNeed.OTHER
            ],
            needs_other=application.needs_other,
            publish_consent=application.publish_consent,
            note=paragraphs(application.note),
            received=labels.moment(application.received_at, t.locale),
            received_at=application.received_at.isoformat(),
            decided=labels.moment(decided_at, t.locale) if decided_at else None,
            decided_at=decided_at.isoformat() if decided_at else None,
            withdrawable=application.withdrawable,
        )
