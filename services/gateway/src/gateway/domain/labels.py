"""What the site shows for event kinds, dates, availability, roles, registration status and
the Markt der guten Ideen's applications, in the visitor's language: German message ids,
translated by the ``Translator`` handed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import (
    Cancellation,
    CancelReason,
    RegistrationState,
    RegistrationStatus,
)
from contracts.http.stands import StandNeed, Withdrawal
from contracts.messages import ApplicationState, EventKind, Locale, SessionSnapshot
from gateway.domain.model import Availability, Listing
from gateway.domain.programme import ordinal_de, ordinal_en

BERLIN = ZoneInfo("Europe/Berlin")


class Translator(Protocol):
    """gettext for one locale (``gateway.web.i18n.Translator``)."""

    @property
    def locale(self) -> Locale: ...

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


@dataclass(frozen=True)
class DatePatterns:
    """CLDR patterns for a day and a clock time, and what follows a time."""

    day: str
    time: str
    time_suffix: str


DATE_PATTERNS = {
    Locale.DE: DatePatterns("EEE, dd.MM.yyyy", "HH:mm", " Uhr"),
    Locale.EN: DatePatterns("EEE, d MMMM yyyy", "HH:mm", ""),
}


def kind_label(kind: EventKind, t: Translator) -> str:
    labels = {
        EventKind.FACHTAG: t.gettext("Fachtag"),
        EventKind.WERKSTATTGESPRAECH: t.gettext("Werkstattgespräch"),
        EventKind.PRAXISFORUM: t.gettext("Praxisforum"),
        EventKind.MARKT: t.gettext("Markt der guten Ideen"),
    }
    return labels[kind]


def role_label(role: AttendeeRole, t: Translator) -> str:
    labels = {
        AttendeeRole.MAYOR: t.gettext("Bürgermeisterin oder Bürgermeister"),
        AttendeeRole.ADMINISTRATION: t.gettext("Verwaltung"),
        AttendeeRole.COORDINATION: t.gettext("Quartierskoordination"),
        AttendeeRole.VOLUNTEER: t.gettext("Ehrenamt"),
        AttendeeRole.CIVIL_SOCIETY: t.gettext("Zivilgesellschaft, Verein oder Initiative"),
        AttendeeRole.SCIENCE: t.gettext("Wissenschaft"),
        AttendeeRole.OTHER: t.gettext("Andere Rolle"),
    }
    return labels[role]


def need_label(need: AccessibilityNeed, t: Translator) -> str:
    labels = {
        AccessibilityNeed.STEP_FREE: t.gettext(
            "Stufenloser Zugang (zum Beispiel mit Rollstuhl oder Rollator)"
        ),
        AccessibilityNeed.SIGN_LANGUAGE: t.gettext("Gebärdensprachdolmetschung"),
        AccessibilityNeed.INDUCTION_LOOP: t.gettext("Induktive Höranlage"),
        AccessibilityNeed.EASY_LANGUAGE: t.gettext("Unterlagen in Leichter Sprache"),
        AccessibilityNeed.OTHER: t.gettext("Etwas anderes (bitte unten beschreiben)"),
    }
    return labels[need]


def _format(moment: datetime, pattern: str, locale: Locale) -> str:
    return format_datetime(moment, pattern, tzinfo=BERLIN, locale=locale.value)


def day(moment: datetime, locale: Locale) -> str:
    """``Do., 12.03.2026`` / ``Thu, 12 March 2026`` in Berlin time."""
    return _format(moment, DATE_PATTERNS[locale].day, locale)


def _clock(moment: datetime, locale: Locale) -> str:
    return _format(moment, DATE_PATTERNS[locale].time, locale)


def moment(at: datetime, locale: Locale) -> str:
    """``Mi., 11.03.2026, 12:00 Uhr`` / ``Wed, 11 March 2026, 12:00`` in Berlin time."""
    return f"{day(at, locale)}, {_clock(at, locale)}{DATE_PATTERNS[locale].time_suffix}"


def period(starts_at: datetime, ends_at: datetime, locale: Locale) -> str:
    """``Do., 12.03.2026, 10:00–16:00 Uhr``; over several days both ends carry their date."""
    start, end = starts_at.astimezone(BERLIN), ends_at.astimezone(BERLIN)
    if start.date() != end.date():
        return f"{moment(start, locale)} – {moment(end, locale)}"
    return f"{day(start, locale)}, {hours(start, end, locale)}"


def hours(starts_at: datetime, ends_at: datetime, locale: Locale) -> str:
    """``10:00–11:30 Uhr`` / ``10:00–11:30`` in Berlin time (a slot of one day's programme)."""
    suffix = DATE_PATTERNS[locale].time_suffix
    return f"{_clock(starts_at, locale)}–{_clock(ends_at, locale)}{suffix}"


def choice_label(rank: int, t: Translator) -> str:
    """``1. Wunsch`` / ``1st choice``."""
    ordinal = ordinal_en(rank) if t.locale is Locale.EN else ordinal_de(rank)
    return t.gettext("%(ordinal)s Wunsch") % {"ordinal": ordinal}


def session_seats_label(session: SessionSnapshot, t: Translator) -> str:
    """``noch 4 Plätze`` / ``4 seats left``; ``ausgebucht – Warteliste`` when none is left."""
    seats = session.seats_left
    if seats == 0:
        return t.gettext("ausgebucht – Warteliste")
    return t.ngettext("noch %(num)d Platz", "noch %(num)d Plätze", seats) % {"num": seats}


def availability_label(listing: Listing, now: datetime, t: Translator) -> str:
    availability = listing.availability(now)
    if availability is Availability.SEATS:
        seats = listing.snapshot.seats_left
        return t.ngettext("noch %(num)d Platz frei", "noch %(num)d Plätze frei", seats) % {
            "num": seats
        }
    labels = {
        Availability.WAITLIST: t.gettext("ausgebucht – Warteliste"),
        Availability.FULL: t.gettext("ausgebucht"),
        Availability.CLOSED: t.gettext("Anmeldung geschlossen"),
        Availability.CANCELLED: t.gettext("Abgesagt"),
    }
    return labels[availability]


def status_headline(state: RegistrationState, t: Translator) -> str:
    match state.status:
        case RegistrationStatus.PENDING:
            return t.gettext("Ihre Anmeldung ist in Bearbeitung")
        case RegistrationStatus.CONFIRMED:
            return t.gettext("Ihre Teilnahme ist bestätigt")
        case RegistrationStatus.WAITLISTED:
            if state.waitlist_position is None:
                return t.gettext("Sie stehen auf der Warteliste")
            return t.gettext("Sie stehen auf der Warteliste (Platz %(place)d)") % {
                "place": state.waitlist_position
            }
        case RegistrationStatus.REJECTED:
            return t.gettext("Anmeldung nicht möglich")
        case RegistrationStatus.CANCELLED:
            if state.event_cancelled:
                return t.gettext("Die Veranstaltung wurde abgesagt")
            return t.gettext("Ihre Anmeldung ist storniert")


def rejection_text(reason: str | None, t: Translator) -> str:
    reasons = {
        "event_full": t.gettext("Die Veranstaltung ist ausgebucht."),
        "event_closed": t.gettext("Die Anmeldung für diese Veranstaltung ist geschlossen."),
        "event_cancelled": t.gettext("Die Veranstaltung wurde abgesagt."),
        "unknown_event": t.gettext("Diese Veranstaltung ist uns nicht bekannt."),
        "contingent_full": t.gettext(
            "Für das Team dieses Stands sind keine Plätze mehr frei, oder der Stand ist nicht "
            "mehr angenommen. Bitte wenden Sie sich an das Veranstaltungsteam."
        ),
    }
    return reasons.get(reason or "") or t.gettext("Die Anmeldung konnte nicht angenommen werden.")


def event_cancelled_text(t: Translator) -> str:
    return t.gettext(
        "Die Veranstaltung findet nicht statt, Ihre Anmeldung ist damit storniert. "
        "Wir haben Sie per E-Mail benachrichtigt."
    )


def status_explanation(state: RegistrationState, t: Translator) -> str:
    match state.status:
        case RegistrationStatus.PENDING:
            return t.gettext(
                "Wir prüfen gerade, ob noch ein Platz frei ist. "
                "Das dauert meist nur wenige Sekunden."
            )
        case RegistrationStatus.CONFIRMED:
            return t.gettext(
                "Sie erhalten eine Bestätigung per E-Mail, mit einem Kalendereintrag im Anhang."
            )
        case RegistrationStatus.WAITLISTED:
            return t.gettext(
                "Die Veranstaltung ist ausgebucht. Wird ein Platz frei, rücken Sie automatisch "
                "nach und erhalten eine E-Mail."
            )
        case RegistrationStatus.REJECTED:
            return rejection_text(state.rejection_reason, t)
        case RegistrationStatus.CANCELLED:
            if state.event_cancelled:
                return event_cancelled_text(t)
            if state.cancel_reason == CancelReason.ORGANISER:
                return t.gettext(
                    "Das Veranstaltungsteam hat diese Anmeldung storniert. Bei Fragen wenden "
                    "Sie sich bitte an das Veranstaltungsteam."
                )
            if state.cancel_reason == CancelReason.STAND_RELEASED:
                return t.gettext(
                    "Der Stand, für dessen Team dieser Platz bestimmt war, findet nicht statt; "
                    "die Anmeldung ist damit storniert. Über die öffentliche Anmeldung können "
                    "Sie sich erneut anmelden, solange Plätze frei sind."
                )
            return t.gettext(
                "Diese Anmeldung wurde storniert. Sie können sich erneut anmelden, solange "
                "die Anmeldung geöffnet ist."
            )


def cancel_hint(state: RegistrationState, t: Translator) -> str | None:
    """How to give the seat back, for registrations that hold or wait for one."""
    if not state.active:
        return None
    return t.gettext(
        "Sie können doch nicht teilnehmen? Über den Abmeldelink in Ihrer E-Mail stornieren "
        "Sie Ihre Anmeldung, damit jemand anderes den Platz bekommt."
    )


def cancellation_headline(cancellation: Cancellation, t: Translator) -> str:
    """The page after the attendee confirmed the cancellation."""
    if cancellation.status is RegistrationStatus.REJECTED:
        return t.gettext("Es gibt nichts zu stornieren")
    if cancellation.event_cancelled:
        return t.gettext("Die Veranstaltung wurde abgesagt")
    if cancellation.already_cancelled:
        return t.gettext("Ihre Anmeldung war bereits storniert.")
    return t.gettext("Ihre Anmeldung wurde storniert.")


def cancellation_explanation(cancellation: Cancellation, t: Translator) -> str:
    if cancellation.status is RegistrationStatus.REJECTED:
        return t.gettext(
            "Diese Anmeldung wurde nicht angenommen, es ist kein Platz für Sie reserviert."
        )
    if cancellation.event_cancelled:
        return event_cancelled_text(t)
    if cancellation.already_cancelled:
        return t.gettext(
            "Sie haben diese Anmeldung schon früher storniert; die Bestätigung dazu haben wir "
            "Ihnen damals per E-Mail geschickt."
        )
    return t.gettext("Sie erhalten in Kürze eine Bestätigung per E-Mail.")


def stand_need_label(need: StandNeed, t: Translator) -> str:
    labels = {
        StandNeed.TABLE: t.gettext("Tisch"),
        StandNeed.POWER: t.gettext("Stromanschluss"),
        StandNeed.PIN_BOARD: t.gettext("Stellwand"),
        StandNeed.SCREEN: t.gettext("Bildschirm"),
        StandNeed.OTHER: t.gettext("Etwas anderes (bitte unten beschreiben)"),
    }
    return labels[need]


def application_state_label(state: ApplicationState, t: Translator) -> str:
    """The state of an application in one word: ``eingegangen``, ``angenommen`` …"""
    labels = {
        ApplicationState.RECEIVED: t.gettext("eingegangen"),
        ApplicationState.ACCEPTED: t.gettext("angenommen"),
        ApplicationState.WAITLISTED: t.gettext("auf der Warteliste"),
        ApplicationState.DECLINED: t.gettext("abgelehnt"),
        ApplicationState.WITHDRAWN: t.gettext("zurückgezogen"),
    }
    return labels[state]


def application_explanation(state: ApplicationState, t: Translator) -> str:
    """What the state means for the applicant and what comes next."""
    match state:
        case ApplicationState.RECEIVED:
            return t.gettext(
                "Das Veranstaltungsteam prüft die Bewerbungen und entscheidet über die Stände. "
                "Sobald entschieden ist, erhalten Sie eine E-Mail."
            )
        case ApplicationState.ACCEPTED:
            return t.gettext(
                "Ihr Stand ist angenommen. Jede Person, die den Stand betreut, meldet sich mit "
                "einem persönlichen Link zur Veranstaltung an; die Links haben wir Ihnen per "
                "E-Mail geschickt."
            )
        case ApplicationState.WAITLISTED:
            return t.gettext(
                "Ihre Bewerbung steht auf der Warteliste. Wird ein Stand frei, kann das "
                "Veranstaltungsteam Ihren Stand noch annehmen; Sie erhalten dann eine E-Mail."
            )
        case ApplicationState.DECLINED:
            return t.gettext(
                "Ihre Bewerbung wurde leider nicht angenommen. Sie können die Veranstaltung "
                "trotzdem besuchen und sich dafür ganz normal anmelden."
            )
        case ApplicationState.WITHDRAWN:
            return t.gettext("Sie haben diese Bewerbung zurückgezogen.")


def withdrawal_headline(withdrawal: Withdrawal, t: Translator) -> str:
    if withdrawal.already_withdrawn:
        return t.gettext("Ihre Bewerbung war bereits zurückgezogen.")
    return t.gettext("Ihre Bewerbung wurde zurückgezogen.")
