"""What the templates show: events, forms and the API reference turned into display values in
the visitor's language."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import UUID

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.messages import EventKind
from gateway.domain import labels
from gateway.domain.model import Availability, Listing
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

    @classmethod
    def of(cls, listing: Listing, now: datetime, t: labels.Translator) -> EventView:
        event = listing.snapshot
        deadline = event.registration_deadline
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
        return [part.strip() for part in self.description.split("\n\n") if part.strip()]


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def kind_options(t: labels.Translator) -> list[Option]:
    return [Option(kind.value, labels.kind_label(kind, t)) for kind in EventKind]


def role_options(t: labels.Translator) -> list[Option]:
    return [Option(role.value, labels.role_label(role, t)) for role in AttendeeRole]


def need_options(t: labels.Translator) -> list[Option]:
    return [Option(need.value, labels.need_label(need, t)) for need in AccessibilityNeed]


@dataclass(frozen=True)
class RegistrationForm(FormState):
    """The registration form as typed."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    role: str = ""
    accessibility_needs: tuple[str, ...] = ()
    accessibility_other: str = ""
    health_data_consent: bool = False
    privacy_consent: bool = False
    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class FeedbackForm(FormState):
    """The feedback form of the accessibility statement as typed."""

    message: str = ""
    name: str = ""
    email: str = ""
    page: str = ""
