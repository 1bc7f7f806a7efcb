from datetime import UTC, datetime
from uuid import uuid4

import pytest

from contracts.messages import EventKind
from gateway.domain.labels import kind_label, period, status_explanation, status_headline
from gateway.domain.registration import RegistrationState, RegistrationStatus


def test_a_winter_day_in_berlin_time():
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    assert period(starts, ends) == "Do., 12.03.2026, 10:00–16:00 Uhr"


def test_a_summer_day_in_berlin_time():
    starts = datetime(2026, 7, 6, 7, 30, tzinfo=UTC)
    ends = datetime(2026, 7, 6, 14, 0, tzinfo=UTC)
    assert period(starts, ends) == "Mo., 06.07.2026, 09:30–16:00 Uhr"


def test_several_days_show_both_dates():
    starts = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    ends = datetime(2026, 10, 2, 14, 0, tzinfo=UTC)
    assert period(starts, ends) == "Do., 01.10.2026, 09:00 Uhr – Fr., 02.10.2026, 16:00 Uhr"


def test_the_day_is_the_day_in_berlin_not_in_utc():
    starts = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    ends = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    assert period(starts, ends) == "So., 29.11.2026, 00:30–03:00 Uhr"


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
    assert kind_label(kind) == label


@pytest.mark.parametrize(
    ("status", "position", "headline"),
    [
        (RegistrationStatus.PENDING, None, "Ihre Anmeldung ist in Bearbeitung"),
        (RegistrationStatus.CONFIRMED, None, "Ihre Teilnahme ist bestätigt"),
        (RegistrationStatus.WAITLISTED, 3, "Sie stehen auf der Warteliste (Platz 3)"),
        (RegistrationStatus.REJECTED, None, "Anmeldung nicht möglich"),
    ],
)
def test_status_headlines(status, position, headline):
    state = RegistrationState(
        registration_id=uuid4(), event_id=uuid4(), status=status, waitlist_position=position
    )
    assert status_headline(state) == headline


def test_a_rejection_says_why():
    state = RegistrationState(
        registration_id=uuid4(),
        event_id=uuid4(),
        status=RegistrationStatus.REJECTED,
        rejection_reason="event_full",
    )
    assert status_explanation(state) == "Die Veranstaltung ist ausgebucht."
