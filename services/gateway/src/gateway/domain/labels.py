"""German texts for what the site shows: event kinds, dates, availability, registration status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.messages import EventKind
from gateway.domain.model import Availability, Listing
from gateway.domain.registration import Cancellation, RegistrationState, RegistrationStatus

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


def moment(at: datetime) -> str:
    """``Mi., 11.03.2026, 12:00 Uhr`` in Berlin time."""
    local = at.astimezone(BERLIN)
    return f"{day(local)}, {local:%H:%M} Uhr"


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
        Availability.CANCELLED: "Abgesagt",
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
            if state.event_cancelled:
                return "Die Veranstaltung wurde abgesagt"
            return "Ihre Anmeldung ist storniert"


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
            if state.event_cancelled:
                return (
                    "Die Veranstaltung findet nicht statt, Ihre Anmeldung ist damit storniert. "
                    "Wir haben Sie per E-Mail benachrichtigt."
                )
            return (
                "Diese Anmeldung wurde storniert. Sie können sich erneut anmelden, solange "
                "die Anmeldung geöffnet ist."
            )


def cancel_hint(state: RegistrationState) -> str | None:
    """How to give the seat back, for registrations that hold or wait for one."""
    if not state.cancellable:
        return None
    return (
        "Sie können doch nicht teilnehmen? Über den Abmeldelink in Ihrer E-Mail stornieren "
        "Sie Ihre Anmeldung, damit jemand anderes den Platz bekommt."
    )


def cancellation_headline(cancellation: Cancellation) -> str:
    """The page after the attendee confirmed the cancellation."""
    if cancellation.status is RegistrationStatus.REJECTED:
        return "Es gibt nichts zu stornieren"
    if cancellation.event_cancelled:
        return "Die Veranstaltung wurde abgesagt"
    if cancellation.already_cancelled:
        return "Ihre Anmeldung war bereits storniert."
    return "Ihre Anmeldung wurde storniert."


def cancellation_explanation(cancellation: Cancellation) -> str:
    if cancellation.status is RegistrationStatus.REJECTED:
        return "Diese Anmeldung wurde nicht angenommen, es ist kein Platz für Sie reserviert."
    if cancellation.event_cancelled:
        return (
            "Die Veranstaltung findet nicht statt, Ihre Anmeldung ist damit bereits storniert. "
            "Wir haben Sie per E-Mail benachrichtigt."
        )
    if cancellation.already_cancelled:
        return (
            "Sie haben diese Anmeldung schon früher storniert; die Bestätigung dazu haben wir "
            "Ihnen damals per E-Mail geschickt."
        )
    return "Sie erhalten in Kürze eine Bestätigung per E-Mail."
