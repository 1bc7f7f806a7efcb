"""The organiser desk's view of events and registrations: the event form's rules, the
participants as the registration service reports them, and what an export may contain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from contracts.http.capacity import MAX_CAPACITY as MAX_CAPACITY
from contracts.http.capacity import REQUIRED_TEXTS as REQUIRED_TEXTS
from contracts.http.capacity import TEXT_LIMITS as TEXT_LIMITS
from contracts.http.capacity import EventDetails as EventDetails
from contracts.http.errors import Problem
from contracts.http.registration import Participant, RegistrationStatus
from contracts.messages import EventKind
from gateway.domain.labels import BERLIN
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


def _parse(value: str, patterns: tuple[str, ...]) -> datetime | None:
    """``value`` read with the first of the ``strptime`` patterns that fits."""
    for pattern in patterns:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _parse_date(value: str) -> date | None:
    """``2026-03-12`` (what a date field sends) or ``12.03.2026`` (typed by hand)."""
    parsed = _parse(value, ("%Y-%m-%d", "%d.%m.%Y"))
    return parsed.date() if parsed is not None else None


def _parse_time(value: str) -> time | None:
    """``10:00`` (what a time field sends) or ``10.00`` (typed by hand)."""
    parsed = _parse(value, ("%H:%M", "%H.%M"))
    return parsed.time() if parsed is not None else None


def local_moment(
    day_text: str, time_text: str, field: str, problems: list[Problem]
) -> datetime | None:
    """A date and a time typed in Berlin time, as an aware datetime; a problem per field."""
    day, at = _parse_date(day_text.strip()), _parse_time(time_text.strip())
    if day is None:
        problems.append(
            Problem(
                field=f"{field}_date",
                code="invalid_date",
                message_de="Bitte geben Sie ein Datum an (TT.MM.JJJJ).",
                message_en="Please enter a date (DD.MM.YYYY).",
            )
        )
    if at is None:
        problems.append(
            Problem(
                field=f"{field}_time",
                code="invalid_time",
                message_de="Bitte geben Sie eine Uhrzeit an (HH:MM).",
                message_en="Please enter a time (HH:MM).",
            )
        )
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=BERLIN)


def _texts(form: Mapping[str, str], problems: list[Problem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for field, limit in TEXT_LIMITS.items():
        value = form.get(field, "").strip()
        if field != "description":
            value = " ".join(value.split())
        if field in REQUIRED_TEXTS and not value:
            problems.append(
                Problem(
                    field=field,
                    code="missing",
                    message_de="Bitte füllen Sie dieses Feld aus.",
                    message_en="Please fill in.",
                )
            )
        elif len(value) > limit:
            problems.append(
                Problem(
                    field=field,
                    code="too_long",
                    message_de=f"Höchstens {limit} Zeichen.",
                    message_en=f"At most {limit} characters.",
                )
            )
        texts[field] = value
    return texts


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


def parse_capacity(value: str, problems: list[Problem]) -> int | None:
    try:
        capacity = int(value.strip())
    except ValueError:
        capacity = -1
    if not 0 <= capacity <= MAX_CAPACITY:
        problems.append(
            Problem(
                field="capacity",
                code="invalid",
                message_de=f"Bitte geben Sie eine ganze Zahl von 0 bis {MAX_CAPACITY} an.",
                message_en=f"Please enter a whole number from 0 to {MAX_CAPACITY}.",
            )
        )
        return None
    return capacity


def _deadline(form: Mapping[str, str], problems: list[Problem]) -> datetime | None:
    day, at = form.get("deadline_date", "").strip(), form.get("deadline_time", "").strip()
    if not day and not at:
        return None
    return local_moment(day, at, "deadline", problems)


def _order(
    starts_at: datetime | None,
    ends_at: datetime | None,
    deadline: datetime | None,
    problems: list[Problem],
) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(
            Problem(
                field="end_date",
                code="before_start",
                message_de="Das Ende muss nach dem Beginn liegen.",
                message_en="The end must be after the start.",
            )
        )
    if starts_at and deadline and deadline > starts_at:
        problems.append(
            Problem(
                field="deadline_date",
                code="after_start",
                message_de="Der Anmeldeschluss darf nicht nach dem Beginn liegen.",
                message_en="The registration deadline must not be after the start.",
            )
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
    deadline = _deadline(form, problems)
    _order(starts_at, ends_at, deadline, problems)
    if problems or kind is None or starts_at is None or ends_at is None:
        raise InvalidInput(problems)
    return EventDetails(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        waitlist_enabled=bool(form.get("waitlist_enabled")),
        registration_deadline=deadline,
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
