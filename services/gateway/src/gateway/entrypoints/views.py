"""What the templates show: events and forms turned into German display values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gateway.domain import labels
from gateway.domain.model import Availability, Listing
from gateway.domain.validation import Problem
from gateway.entrypoints.dependencies import get_gateway

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class EventView:
    event_id: UUID
    title: str
    kind_label: str
    description: str
    venue: str
    city: str
    period: str
    starts_at: str
    availability: Availability
    availability_label: str
    open_for_registration: bool
    cancelled: bool
    deadline: str | None
    deadline_at: str | None

    @classmethod
    def of(cls, listing: Listing, now: datetime) -> EventView:
        event = listing.snapshot
        deadline = event.registration_deadline
        return cls(
            event_id=event.event_id,
            title=event.title,
            kind_label=labels.kind_label(event.kind),
            description=event.description,
            venue=event.venue,
            city=event.city,
            period=labels.period(event.starts_at, event.ends_at),
            starts_at=event.starts_at.isoformat(),
            availability=listing.availability(now),
            availability_label=labels.availability_label(listing, now),
            open_for_registration=listing.accepts_registrations(now),
            cancelled=listing.cancelled,
            deadline=labels.moment(deadline) if deadline else None,
            deadline_at=deadline.isoformat() if deadline else None,
        )

    @property
    def url(self) -> str:
        return f"/veranstaltungen/{self.event_id}"

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.description.split("\n\n") if part.strip()]


@dataclass(frozen=True)
class RegistrationForm:
    """The registration form as typed, its field errors and a message for the whole form."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    privacy_consent: bool = False
    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def with_problems(self, problems: list[Problem]) -> RegistrationForm:
        return replace(self, errors={p.field: p.de for p in problems})

    def with_message(self, message: str) -> RegistrationForm:
        return replace(self, message=message)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.message)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    canonical_path: str | None = None,
) -> HTMLResponse:
    settings = get_gateway(request).settings
    canonical = settings.public_base_url.rstrip("/") + (canonical_path or request.url.path)
    return TEMPLATES.TemplateResponse(
        request, template, {"canonical_url": canonical, **context}, status_code=status_code
    )
