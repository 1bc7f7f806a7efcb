"""The organiser desk's view of events and registrations: the event form's rules, the
participants as the registration service reports them, and what an export may contain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.capacity import MAX_CAPACITY as MAX_CAPACITY
from contracts.http.capacity import REQUIRED_TEXTS as REQUIRED_TEXTS
from contracts.http.capacity import TEXT_LIMITS as TEXT_LIMITS
from contracts.http.capacity import EventDetails as EventDetails
from contracts.http.errors import Problem
from contracts.http.registration import SEARCH_MAX_LENGTH, RegistrationStatus
from contracts.messages import EventKind
from gateway.desk.domain.fields import check_text, local_moment, optional_moment
from gateway.desk.domain.fields import parse_capacity as parse_capacity
from gateway.desk.domain.programme import programme_from_form
from gateway.desk.domain.stand_call import stand_call_from_form
from gateway.domain.validation import InvalidInput

# The event form's texts with their limits and the ones it needs are capacity's own
# (``contracts.http.capacity``: ``TEXT_LIMITS``, ``REQUIRED_TEXTS``, ``MAX_CAPACITY``); a
# participant, the accessibility report and a feedback entry are the registration service's
# answers (``contracts.http.registration``).

# What spreadsheet programs run as a formula (or treat as a control character) when a cell
# starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The order of the states in the participant filter.
PARTICIPANT_GROUPS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.REJECTED,
)


StrEnumT = TypeVar("StrEnumT", bound=StrEnum)
PAGE_SIZE = 50
"""Participants per page of the event page."""
EXPORT_BATCH = 500
"""Participants asked for at a time while an export is written."""


def _choice(value: str | None, kind: type[StrEnumT]) -> StrEnumT | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def page_number(value: str) -> int:
    """A page number from a query (``seite``); 1 when it cannot be read."""
    return max(1, int(value)) if value.isdigit() and len(value) < 7 else 1


def search_text(value: str, limit: int) -> str:
    """What a search field asks for: its words, one space apart, at most ``limit`` long."""
    return " ".join(value.split())[:limit]


@dataclass(frozen=True)
class Paged:
    """A list shown ``PAGE_SIZE`` at a time: which page of it."""

    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def last_page(self, total: int) -> int:
        return max(1, -(-total // PAGE_SIZE))


@dataclass(frozen=True)
class ParticipantFilter(Paged):
    """Which participants the event page shows (its query ``seite``, ``suche``, ``status``,
    ``rolle``, ``bedarf``): the registration service searches, filters and pages."""

    text: str = ""
    status: RegistrationStatus | None = None
    role: AttendeeRole | None = None
    need: AccessibilityNeed | None = None

    @classmethod
    def of(cls, values: Mapping[str, str]) -> ParticipantFilter:
        """From the page's query; what cannot be read is left out (page 1, no filter)."""
        return cls(
            page=page_number(values.get("seite", "")),
            text=search_text(values.get("suche", ""), SEARCH_MAX_LENGTH),
            status=_choice(values.get("status"), RegistrationStatus),
            role=_choice(values.get("rolle"), AttendeeRole),
            need=_choice(values.get("bedarf"), AccessibilityNeed),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.status or self.role or self.need)

    def params(self, page: int | None = None) -> dict[str, str]:
        """The query that shows this selection (on ``page``); page 1 and empty fields are
        left out."""
        values = {
            "suche": self.text,
            "status": self.status.value if self.status else "",
            "rolle": self.role.value if self.role else "",
            "bedarf": self.need.value if self.need else "",
        }
        number = self.page if page is None else page
        if number > 1:
            values["seite"] = str(number)
        return {name: value for name, value in values.items() if value}


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and ``around`` either side of the
    current one; ``None`` where pages are left out."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def spreadsheet_safe(value: str) -> str:
    """A text a spreadsheet shows as text: a leading ``'`` before anything it would run."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _texts(form: Mapping[str, str], problems: list[Problem]) -> dict[str, str]:
    return {
        field: check_text(
            form.get(field, ""),
            field,
            limit,
            problems,
            required=field in REQUIRED_TEXTS,
            multiline=field == "description",
        )
        for field, limit in TEXT_LIMITS.items()
    }


def _kind(value: str, problems: list[Problem]) -> EventKind | None:
    try:
        return EventKind(value)
    except ValueError:
        problems.append(
            Problem(
                field="kind",
                code="invalid",
                message_de="Bitte wählen Sie eine Veranstaltungsart.",
                message_en="Please choose a kind of event.",
            )
        )
        return None


def _deadline(form: Mapping[str, str], name: str, problems: list[Problem]) -> datetime | None:
    """An optional moment typed as ``{name}_date`` and ``{name}_time``."""
    day, at = form.get(f"{name}_date", ""), form.get(f"{name}_time", "")
    return optional_moment(day, at, name, problems)


# The deadlines an event may have, and what is said when one is after the start.
DEADLINES = {
    "deadline": (
        "Der Anmeldeschluss darf nicht nach dem Beginn liegen.",
        "The registration deadline must not be after the start.",
    ),
    "choice_deadline": (
        "Die Frist für die Wahl der Foren darf nicht nach dem Beginn liegen.",
        "The deadline for choosing sessions must not be after the start.",
    ),
}


def _order(
    starts_at: datetime | None,
    ends_at: datetime | None,
    deadlines: Mapping[str, datetime | None],
    problems: list[Problem],
) -> None:
    """The end after the start, no deadline after it."""
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(
            Problem(
                field="end_date",
                code="before_start",
                message_de="Das Ende muss nach dem Beginn liegen.",
                message_en="The end must be after the start.",
            )
        )
    for name, deadline in deadlines.items():
        if starts_at and deadline and deadline > starts_at:
            de, en = DEADLINES[name]
            problems.append(
                Problem(field=f"{name}_date", code="after_start", message_de=de, message_en=en)
            )


def validate_event(form: Mapping[str, str]) -> EventDetails:
    """The event form as typed (dates and times in Berlin time); ``InvalidInput`` lists
    every problem at once."""
    problems: list[Problem] = []
    texts = _texts(form, problems)
    kind = _kind(form.get("kind", ""), problems)
    starts_at = local_moment(
        form.get("start_date", ""), form.get("start_time", ""), "start", problems
    )
    ends_at = local_moment(form.get("end_date", ""), form.get("end_time", ""), "end", problems)
    deadlines = {name: _deadline(form, name, problems) for name in DEADLINES}
    _order(starts_at, ends_at, deadlines, problems)
    programme = programme_from_form(form, starts_at, ends_at, problems)
    stand_call = stand_call_from_form(form, starts_at, problems)
    if problems or kind is None or starts_at is None or ends_at is None:
        raise InvalidInput(problems)
    return EventDetails(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        waitlist_enabled=bool(form.get("waitlist_enabled")),
        registration_deadline=deadlines["deadline"],
        programme=programme,
        choice_deadline=deadlines["choice_deadline"],
        stand_call=stand_call,
        **texts,
    )


def validate_new_event(form: Mapping[str, str]) -> tuple[EventDetails, int]:
    """A new event's details and capacity; every problem of both at once."""
    problems: list[Problem] = []
    capacity = parse_capacity(form.get("capacity", ""), problems)
    try:
        details = validate_event(form)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems + problems) from None
    if capacity is None:
        raise InvalidInput(problems)
    return details, capacity
