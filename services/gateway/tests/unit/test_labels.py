from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from contracts.http.registration import Cancellation, RegistrationState, RegistrationStatus
from contracts.messages import EventKind, Locale
from gateway.domain.labels import (
    cancel_hint,
    cancellation_headline,
    kind_label,
    moment,
    period,
    status_explanation,
    status_headline,
)
from gateway.web.i18n import translator

CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

GERMAN = translator(Locale.DE)
ENGLISH = translator(Locale.EN)


def test_a_winter_day_in_berlin_time():
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    assert period(starts, ends, Locale.DE) == "Do., 12.03.2026, 10:00–16:00 Uhr"


def test_a_summer_day_in_berlin_time():
    starts = datetime(2026, 7, 6, 7, 30, tzinfo=UTC)
    ends = datetime(2026, 7, 6, 14, 0, tzinfo=UTC)
    assert period(starts, ends, Locale.DE) == "Mo., 06.07.2026, 09:30–16:00 Uhr"


def test_several_days_show_both_dates():
    starts = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    ends = datetime(2026, 10, 2, 14, 0, tzinfo=UTC)
    assert (
        period(starts, ends, Locale.DE) == "Do., 01.10.2026, 09:00 Uhr – Fr., 02.10.2026, 16:00 Uhr"
    )


def test_the_day_is_the_day_in_berlin_not_in_utc():
    starts = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    ends = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    assert period(starts, ends, Locale.DE) == "So., 29.11.2026, 00:30–03:00 Uhr"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (EventKind.FACHTAG, "Fachtag"),
        (EventKind.WERKSTATTGESPRAECH, "Werkstattgespräch"),
        (EventKind.PRAXISFORUM, "Praxisforum"),
        (EventKind.MARKT, "Markt der guten Ideen"),
    ],
)
def test_kind_labels(kind, label):
    assert kind_label(kind, GERMAN) == label


def test_a_moment_in_berlin_time():
    assert (
        moment(datetime(2026, 3, 11, 11, 0, tzinfo=UTC), Locale.DE) == "Mi., 11.03.2026, 12:00 Uhr"
    )


@pytest.mark.parametrize(
    ("status", "position", "cancel_reason", "headline"),
    [
        (RegistrationStatus.PENDING, None, None, "Ihre Anmeldung ist in Bearbeitung"),
        (RegistrationStatus.CONFIRMED, None, None, "Ihre Teilnahme ist bestätigt"),
        (RegistrationStatus.WAITLISTED, 3, None, "Sie stehen auf der Warteliste (Platz 3)"),
        (RegistrationStatus.WAITLISTED, None, None, "Sie stehen auf der Warteliste"),
        (RegistrationStatus.REJECTED, None, None, "Anmeldung nicht möglich"),
        (RegistrationStatus.CANCELLED, None, "attendee", "Ihre Anmeldung ist storniert"),
        (RegistrationStatus.CANCELLED, None, None, "Ihre Anmeldung ist storniert"),
        (RegistrationStatus.CANCELLED, None, "event_cancelled", "Die Veranstaltung wurde abgesagt"),
    ],
)
def test_status_headlines(status, position, cancel_reason, headline):
    state = RegistrationState(
        registration_id=uuid4(),
        event_id=uuid4(),
        created_at=CREATED,
        status=status,
        waitlist_position=position,
        cancel_reason=cancel_reason,
    )
    assert status_headline(state, GERMAN) == headline


@pytest.mark.parametrize(
    ("status", "already", "cancel_reason", "headline"),
    [
        (RegistrationStatus.CANCELLED, False, "attendee", "Ihre Anmeldung wurde storniert."),
        (RegistrationStatus.CANCELLED, True, "attendee", "Ihre Anmeldung war bereits storniert."),
        (RegistrationStatus.CANCELLED, True, "event_cancelled", "Die Veranstaltung wurde abgesagt"),
        (RegistrationStatus.REJECTED, True, None, "Es gibt nichts zu stornieren"),
    ],
)
def test_cancellation_headlines(status, already, cancel_reason, headline):
    cancellation = Cancellation(
        registration_id=uuid4(),
        event_id=uuid4(),
        created_at=CREATED,
        status=status,
        cancel_reason=cancel_reason,
        already_cancelled=already,
    )
    assert cancellation_headline(cancellation, GERMAN) == headline


def test_only_a_held_or_awaited_seat_gets_the_cancel_hint():
    for status in RegistrationStatus:
        state = RegistrationState(
            registration_id=uuid4(), event_id=uuid4(), created_at=CREATED, status=status
        )
        has_hint = cancel_hint(state, GERMAN) is not None
        assert has_hint == (status in {"pending", "confirmed", "waitlisted"}), status


def test_a_rejection_says_why():
    state = RegistrationState(
        registration_id=uuid4(),
        event_id=uuid4(),
        created_at=CREATED,
        status=RegistrationStatus.REJECTED,
        rejection_reason="event_full",
    )
    assert status_explanation(state, GERMAN) == "Die Veranstaltung ist ausgebucht."
    assert status_explanation(state, ENGLISH) == "The event is fully booked."


def test_dates_in_english_in_berlin_time():
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    assert period(starts, ends, Locale.EN) == "Thu, 12 March 2026, 10:00–16:00"
    assert (
        period(starts, ends + timedelta(days=1), Locale.EN)
        == "Thu, 12 March 2026, 10:00 – Fri, 13 March 2026, 16:00"
    )
    assert moment(starts, Locale.EN) == "Thu, 12 March 2026, 10:00"


def test_english_labels_and_the_waiting_list_place():
    state = RegistrationState(
        registration_id=uuid4(),
        event_id=uuid4(),
        created_at=CREATED,
        status=RegistrationStatus.WAITLISTED,
        waitlist_position=4,
    )
    assert status_headline(state, ENGLISH) == "You are on the waiting list (place 4)"
    assert kind_label(EventKind.WERKSTATTGESPRAECH, ENGLISH) == "Workshop talk"


def test_an_organiser_cancellation_is_explained_as_such():
    def explanation(cancel_reason: str) -> str:
        state = RegistrationState(
            registration_id=uuid4(),
            event_id=uuid4(),
            created_at=CREATED,
            status=RegistrationStatus.CANCELLED,
            cancel_reason=cancel_reason,
        )
        return status_explanation(state, GERMAN)

    assert "Veranstaltungsteam hat diese Anmeldung storniert" in explanation(
        "cancelled_by_organiser"
    )
    assert "Veranstaltungsteam" not in explanation("attendee")
