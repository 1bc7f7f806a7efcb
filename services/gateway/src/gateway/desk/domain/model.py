"""The organiser desk's view of events and registrations: the event form's rules, the
participants as the registration service reports them, and what an export may contain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from contracts.http.capacity import MAX_CAPACITY as MAX_CAPACITY
from contracts.http.capacity import REQUIRED_TEXTS as REQUIRED_TEXTS
from contracts.http.capacity import TEXT_LIMITS as TEXT_LIMITS
from contracts.http.capacity import EventDetails as EventDetails
from contracts.http.errors import Problem
from contracts.http.registration import Participant, RegistrationStatus
from contracts.messages import EventKind
from gateway.desk.domain.fields import check_text, local_moment, optional_moment
from gateway.desk.domain.fields import parse_capacity as parse_capacity
from gateway.desk.domain.programme import programme_from_form
from gateway.domain.validation import InvalidInput

# The event form's texts with their limits and the ones it needs are capacity's own
# (``contracts.http.capacity``: ``TEXT_LIMITS``, ``REQUIRED_TEXTS``, ``MAX_CAPACITY``); a
# participant, the accessibility report and a feedback entry are the registration service's
# answers (``contracts.http.registration``).

# What spreadsheet programs run as a formula (or treat as a control character) when a cell
# starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The order the desk lists registrations in, and which groups it shows even when empty.
PARTICIPANT_GROUPS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.REJECTED,
)
ALWAYS_SHOWN = frozenset(
    {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED}
)


def grouped(
    participants: list[Participant],
) -> list[tuple[RegistrationStatus, list[Participant]]]:
    """Registrations by status: confirmed and cancelled in the order they came, the waiting
    list by place; pending and rejected only when there are any."""
    groups: list[tuple[RegistrationStatus, list[Participant]]] = []
    for status in PARTICIPANT_GROUPS:
        members = sorted(
            (p for p in participants if p.status is status),
            key=lambda p: (p.waitlist_position or 0, p.created_at),
        )
        if members or status in ALWAYS_SHOWN:
            groups.append((status, members))
    return groups


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
