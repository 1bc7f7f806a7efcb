"""German texts for what the site shows: event kinds, dates, availability, registration status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.messages import EventKind
from gateway.domain.model import Availability, Listing
from gateway.domain.registration import RegistrationState, RegistrationStatus

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")

KIND_LABELS: dict[EventKind, str] = {
    EventKind.FACHTAG: "Fachtag",
    EventKind.WERKSTATTGESPRAECH: "Werkstattgespräch",
    EventKind.PRAXISFORUM: "Praxisforum",
    EventKind.MARKT: "Markt der guten Ideen",
}

REJECTION_REASONS: dict[str, str] = {
    "event_full": "Die Veranstaltung ist ausgebucht.",
    "event_closed": "Die Anmeldung für diese Veranstaltung ist geschlossen.",
    "event_cancelled": "Die Veranstaltung wurde abgesagt.",
    "unknown_event": "Diese Veranstaltung ist uns nicht bekannt.",
}


def kind_label(kind: EventKind) -> str:
    return KIND_LABELS[kind]


def day(moment: datetime) -> str:
    """``Do., 12.03.2026`` in Berlin time."""
    local = moment.astimezone(BERLIN)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y}"


def period(starts_at: datetime, ends_at: datetime) -> str:
    """``Do., 12.03.2026, 10:00–16:00 Uhr``; over several days both ends carry their date."""
    start, end = starts_at.astimezone(BERLIN), ends_at.astimezone(BERLIN)
    if start.date() == end.date():
        return f"{day(start)}, {start:%H:%M}–{end:%H:%M} Uhr"
    return f"{day(start)}, {start:%H:%M} Uhr – {day(end)}, {end:%H:%M} Uhr"


def availability_label(listing: Listing, now: datetime) -> str:
    availability = listing.availability(now)
    if availability is Availability.SEATS:
        seats = listing.snapshot.seats_left
        return "noch 1 Platz frei" if seats == 1 else f"noch {seats} Plätze frei"
    return {
        Availability.WAITLIST: "ausgebucht – Warteliste",
        Availability.FULL: "ausgebucht",
        Availability.CLOSED: "Anmeldung geschlossen",
        Availability.CANCELLED: "abgesagt",
    }[availability]


def status_headline(state: RegistrationState) -> str:
    match state.status:
        case RegistrationStatus.PENDING:
            return "Ihre Anmeldung ist in Bearbeitung"
        case RegistrationStatus.CONFIRMED:
            return "Ihre Teilnahme ist bestätigt"
        case RegistrationStatus.WAITLISTED:
            if state.waitlist_position is None:
                return "Sie stehen auf der Warteliste"
            return f"Sie stehen auf der Warteliste (Platz {state.waitlist_position})"
        case RegistrationStatus.REJECTED:
            return "Anmeldung nicht möglich"
        case RegistrationStatus.CANCELLED:
            return "Ihre Anmeldung wurde storniert"


def rejection_text(reason: str | None) -> str:
    fallback = "Die Anmeldung konnte nicht angenommen werden."
    return REJECTION_REASONS.get(reason or "", fallback)


def status_explanation(state: RegistrationState) -> str:
    match state.status:
        case RegistrationStatus.PENDING:
            return (
                "Wir prüfen gerade, ob noch ein Platz frei ist. "
                "Das dauert meist nur wenige Sekunden."
            )
        case RegistrationStatus.CONFIRMED:
            return "Sie erhalten eine Bestätigung per E-Mail, mit einem Kalendereintrag im Anhang."
        case RegistrationStatus.WAITLISTED:
            return (
                "Die Veranstaltung ist ausgebucht. Wird ein Platz frei, rücken Sie automatisch "
                "nach und erhalten eine E-Mail."
            )
        case RegistrationStatus.REJECTED:
            return rejection_text(state.rejection_reason)
        case RegistrationStatus.CANCELLED:
            return (
                "Diese Anmeldung wurde storniert. Sie können sich erneut anmelden, solange "
                "die Anmeldung geöffnet ist."
            )
