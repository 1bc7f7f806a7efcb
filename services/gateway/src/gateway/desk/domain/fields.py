"""How the desk's forms read what was typed: texts within their limits, whole numbers,
dates and times in Berlin time; every problem as a ``Problem`` on the field it is about,
in German and English, so a form shows all of them at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from contracts.http.capacity import MAX_CAPACITY
from contracts.http.errors import Problem
from gateway.domain.labels import BERLIN


@dataclass(frozen=True)
class Where:
    """Where in a form a problem is, said before its message (``Programmpunkt 2, Forum 1``);
    empty for the form's own fields."""

    de: str = ""
    en: str = ""

    def problem(self, field: str, code: str, message_de: str, message_en: str) -> Problem:
        if self.de:
            message_de, message_en = f"{self.de}: {message_de}", f"{self.en}: {message_en}"
        return Problem(field=field, code=code, message_de=message_de, message_en=message_en)


HERE = Where()


def _parse(value: str, patterns: tuple[str, ...]) -> datetime | None:
    """``value`` read with the first of the ``strptime`` patterns that fits."""
    for pattern in patterns:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def parse_date(value: str) -> date | None:
    """``2026-03-12`` (what a date field sends) or ``12.03.2026`` (typed by hand)."""
    parsed = _parse(value.strip(), ("%Y-%m-%d", "%d.%m.%Y"))
    return parsed.date() if parsed is not None else None


def parse_time(value: str) -> time | None:
    """``10:00`` (what a time field sends) or ``10.00`` (typed by hand)."""
    parsed = _parse(value.strip(), ("%H:%M", "%H.%M"))
    return parsed.time() if parsed is not None else None


# What a date or time field that cannot be read says.
UNREADABLE = {
    "invalid_date": (
        "Bitte geben Sie ein Datum an (TT.MM.JJJJ).",
        "Please enter a date (DD.MM.YYYY).",
    ),
    "invalid_time": ("Bitte geben Sie eine Uhrzeit an (HH:MM).", "Please enter a time (HH:MM)."),
}


def date_problem(field: str, where: Where = HERE) -> Problem:
    return where.problem(field, "invalid_date", *UNREADABLE["invalid_date"])


def time_problem(field: str, where: Where = HERE) -> Problem:
    return where.problem(field, "invalid_time", *UNREADABLE["invalid_time"])


def local_moment(
    day_text: str, time_text: str, field: str, problems: list[Problem]
) -> datetime | None:
    """A date and a time typed in Berlin time, as an aware datetime; a problem per field
    (``{field}_date``, ``{field}_time``)."""
    day, at = parse_date(day_text), parse_time(time_text)
    if day is None:
        problems.append(date_problem(f"{field}_date"))
    if at is None:
        problems.append(time_problem(f"{field}_time"))
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=BERLIN)


def form_moment(moment: datetime | None) -> tuple[str, str]:
    """A moment as the form's date and time fields show it (Berlin time); empty for none."""
    if moment is None:
        return "", ""
    at = moment.astimezone(BERLIN)
    return at.strftime("%Y-%m-%d"), at.strftime("%H:%M")


def optional_moment(
    day_text: str, time_text: str, field: str, problems: list[Problem]
) -> datetime | None:
    """Like ``local_moment``, but both fields left empty is no moment and no problem."""
    if not day_text.strip() and not time_text.strip():
        return None
    return local_moment(day_text, time_text, field, problems)


def check_text(
    value: str,
    field: str,
    limit: int,
    problems: list[Problem],
    *,
    required: bool,
    multiline: bool = False,
    where: Where = HERE,
) -> str:
    """The text tidied (one line: runs of white space as one space); a problem when it is
    needed and empty, or longer than ``limit``."""
    text = value.strip() if multiline else " ".join(value.split())
    if required and not text:
        problems.append(
            where.problem(field, "missing", "Bitte füllen Sie dieses Feld aus.", "Please fill in.")
        )
    elif len(text) > limit:
        problems.append(
            where.problem(
                field, "too_long", f"Höchstens {limit} Zeichen.", f"At most {limit} characters."
            )
        )
    return text


def parse_capacity(
    value: str, problems: list[Problem], field: str = "capacity", where: Where = HERE
) -> int | None:
    """Seats: a whole number from 0 to ``MAX_CAPACITY``."""
    try:
        capacity = int(value.strip())
    except ValueError:
        capacity = -1
    if not 0 <= capacity <= MAX_CAPACITY:
        problems.append(
            where.problem(
                field,
                "invalid",
                f"Bitte geben Sie eine ganze Zahl von 0 bis {MAX_CAPACITY} an.",
                f"Please enter a whole number from 0 to {MAX_CAPACITY}.",
            )
        )
        return None
    return capacity
