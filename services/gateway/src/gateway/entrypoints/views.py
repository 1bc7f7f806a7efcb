"""What the templates show: events, forms and the API reference turned into display values in
the visitor's language."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Self
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.messages import EventKind, Locale
from gateway import i18n
from gateway.domain import labels
from gateway.domain.model import Availability, Listing
from gateway.domain.validation import Problem
from gateway.entrypoints.dependencies import get_gateway
from gateway.entrypoints.security import csrf_field

TEMPLATES = Jinja2Templates(
    directory=Path(__file__).resolve().parent.parent / "templates",
    context_processors=[i18n.template_context],
)
i18n.install(TEMPLATES.env)
TEMPLATES.env.globals["csrf_field"] = csrf_field
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
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


@dataclass(frozen=True, kw_only=True)
class FormState:
    """A form's field errors and a message for the whole form (the shape ``_fields.html`` and
    ``_error_summary.html`` expect)."""

    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    def with_problems(self, problems: Iterable[Problem], locale: Locale) -> Self:
        english = locale is Locale.EN
        return replace(self, errors={p.field: p.en if english else p.de for p in problems})

    def with_notice(self, notice: str) -> Self:
        return replace(self, notice=notice)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.notice)


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


@dataclass(frozen=True)
class ApiField:
    """A parameter or a body field of an API operation."""

    name: str
    location: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class ApiResponse:
    status: str
    description: str
    type: str


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[ApiField]
    body_type: str
    body_fields: list[ApiField]
    responses: list[ApiResponse]

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", f"{self.method} {self.path}".lower()).strip("-")


Json = dict[str, Any]


def _schema_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def schema_type(schema: Json) -> str:
    """A short, readable type: ``string``, ``EventOut``, ``array of EventOut``, ``… | null``."""
    if "$ref" in schema:
        return _schema_name(schema["$ref"])
    if "anyOf" in schema:
        return " | ".join(schema_type(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {schema_type(schema.get('items', {}))}"
    kind = str(schema.get("type", "object"))
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else kind


def _content_schema(part: Json) -> Json:
    """The schema of a request body's or response's first content type."""
    content: Json = part.get("content", {})
    first: Json = next(iter(content.values()), {})
    schema: Json = first.get("schema", {})
    return schema


def _parameters(operation: Json) -> list[ApiField]:
    fields = []
    for parameter in operation.get("parameters", []):
        schema: Json = parameter.get("schema", {})
        description = parameter.get("description", schema.get("description", ""))
        fields.append(
            ApiField(
                str(parameter["name"]),
                str(parameter["in"]),
                bool(parameter.get("required")),
                schema_type(schema),
                str(description),
            )
        )
    return fields


def _body_fields(schema: Json, schemas: Json) -> list[ApiField]:
    model: Json = schemas.get(_schema_name(schema.get("$ref", "")), schema)
    required = set(model.get("required", []))
    properties: Json = model.get("properties", {})
    return [
        ApiField(
            name, "body", name in required, schema_type(prop), str(prop.get("description", ""))
        )
        for name, prop in properties.items()
    ]


def _responses(operation: Json) -> list[ApiResponse]:
    answers: Json = operation.get("responses", {})
    return [
        ApiResponse(
            status,
            str(answer.get("description", "")),
            schema_type(schema) if (schema := _content_schema(answer)) else "",
        )
        for status, answer in answers.items()
    ]


def api_reference(openapi: Json) -> list[ApiOperation]:
    """Every operation of the OpenAPI document, in its order."""
    schemas: Json = openapi.get("components", {}).get("schemas", {})
    paths: Json = openapi.get("paths", {})
    operations = []
    for path, methods in paths.items():
        for method, operation in methods.items():
            body = _content_schema(operation.get("requestBody", {}))
            operations.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    parameters=_parameters(operation),
                    body_type=schema_type(body) if body else "",
                    body_fields=_body_fields(body, schemas) if body else [],
                    responses=_responses(operation),
                )
            )
    return operations


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
