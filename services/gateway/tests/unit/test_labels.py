from datetime import UTC, datetime, timedelta
from typing import Any
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


def state(status: RegistrationStatus, **fields: Any) -> RegistrationState:
    """A registration in ``status`` (the ids and the time do not show in any label)."""
    return RegistrationState(
        registration_id=uuid4(), event_id=uuid4(), created_at=CREATED, status=status, **fields
    )


@pytest.mark.parametrize(
    ("starts", "ends", "shown"),
    [
        ("2026-03-12T09:00Z", "2026-03-12T15:00Z", "Do., 12.03.2026, 10:00–16:00 Uhr"),
        ("2026-07-06T07:30Z", "2026-07-06T14:00Z", "Mo., 06.07.2026, 09:30–16:00 Uhr"),
        (
            "2026-10-01T07:00Z",
            "2026-10-02T14:00Z",
            "Do., 01.10.2026, 09:00 Uhr – Fr., 02.10.2026, 16:00 Uhr",
        ),
        ("2026-11-28T23:30Z", "2026-11-29T02:00Z", "So., 29.11.2026, 00:30–03:00 Uhr"),
    ],
    ids=["winter-day", "summer-day", "several-days-show-both-dates", "the-day-in-berlin-not-utc"],
)
def test_periods_in_berlin_time(starts, ends, shown):
    """The times are UTC; the page shows them as they are in Berlin."""
    assert period(datetime.fromisoformat(starts), datetime.fromisoformat(ends), Locale.DE) == shown


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
    registration = state(status, waitlist_position=position, cancel_reason=cancel_reason)
    assert status_headline(registration, GERMAN) == headline


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
    cancelled = state(status, cancel_reason=cancel_reason)
    cancellation = Cancellation(**cancelled.model_dump(), already_cancelled=already)
    assert cancellation_headline(cancellation, GERMAN) == headline


def test_only_a_held_or_awaited_seat_gets_the_cancel_hint():
    for status in RegistrationStatus:
        has_hint = cancel_hint(state(status), GERMAN) is not None
        assert has_hint == (status in {"pending", "confirmed", "waitlisted"}), status


def test_a_rejection_says_why():
    rejected = state(RegistrationStatus.REJECTED, rejection_reason="event_full")
    assert status_explanation(rejected, GERMAN) == "Die Veranstaltung ist ausgebucht."
    assert status_explanation(rejected, ENGLISH) == "The event is fully booked."


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
    waitlisted = state(RegistrationStatus.WAITLISTED, waitlist_position=4)
    assert status_headline(waitlisted, ENGLISH) == "You are on the waiting list (place 4)"
    assert kind_label(EventKind.WERKSTATTGESPRAECH, ENGLISH) == "Workshop talk"


def test_an_organiser_cancellation_is_explained_as_such():
    def explanation(cancel_reason: str) -> str:
        cancelled = state(RegistrationStatus.CANCELLED, cancel_reason=cancel_reason)
        return status_explanation(cancelled, GERMAN)

    assert "Veranstaltungsteam hat diese Anmeldung storniert" in explanation(
        "cancelled_by_organiser"
    )
    assert "Veranstaltungsteam" not in explanation("attendee")
