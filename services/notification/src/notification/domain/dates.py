"""Dates as people in the event's city read them: Europe/Berlin, spelled out in de or en."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.messages import Locale

BERLIN = ZoneInfo("Europe/Berlin")

_WEEKDAYS = {
    Locale.DE: ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    Locale.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    Locale.DE: (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    Locale.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def _day(moment: datetime, locale: Locale) -> str:
    weekday = _WEEKDAYS[locale][moment.weekday()]
    month = _MONTHS[locale][moment.month - 1]
    if locale is Locale.EN:
        return f"{weekday}, {moment.day} {month} {moment.year}"
    return f"{weekday}, {moment.day}. {month} {moment.year}"


def _suffix(moment: datetime, locale: Locale) -> str:
    return f" {moment.tzname()}" if locale is Locale.EN else " Uhr"


def format_datetime(moment: datetime, locale: Locale) -> str:
    """``Donnerstag, 12. März 2026, 10:00 Uhr`` / ``Thursday, 12 March 2026, 10:00 CET``."""
    local = moment.astimezone(BERLIN)
    return f"{_day(local, locale)}, {local:%H:%M}{_suffix(local, locale)}"


def same_day(first: datetime, second: datetime) -> bool:
    """Whether both moments fall on one calendar day in Europe/Berlin."""
    return first.astimezone(BERLIN).date() == second.astimezone(BERLIN).date()


def format_times(starts: datetime, ends: datetime, locale: Locale) -> str:
    """The hours of one day: ``10:30–12:00 Uhr`` / ``10:30–12:00 CET``."""
    start, end = starts.astimezone(BERLIN), ends.astimezone(BERLIN)
    return f"{start:%H:%M}–{end:%H:%M}{_suffix(end, locale)}"


def format_period(starts: datetime, ends: datetime, locale: Locale) -> str:
    """One day: ``Donnerstag, 12. März 2026, 10:00–16:00 Uhr``; longer: ``… bis …``."""
    if same_day(starts, ends):
        return f"{_day(starts.astimezone(BERLIN), locale)}, {format_times(starts, ends, locale)}"
    until = "to" if locale is Locale.EN else "bis"
    return f"{format_datetime(starts, locale)} {until} {format_datetime(ends, locale)}"
