from datetime import UTC, datetime, timedelta

from contracts.messages import (
    CloseReason,
    EventClosed,
    EventPublished,
    EventReopened,
    EventStatus,
)
from gateway.domain.labels import availability_label
from gateway.domain.model import Availability, Catalogue

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_the_newest_revision_wins_whatever_the_order(make_snapshot):
    catalogue = Catalogue()
    first = make_snapshot(revision=1, seats_left=12)
    second = first.model_copy(update={"revision": 2, "seats_left": 11})

    assert catalogue.apply(EventPublished(event=second, occurred_at=NOW))
    assert not catalogue.apply(EventPublished(event=first, occurred_at=NOW))
    assert not catalogue.apply(EventPublished(event=second, occurred_at=NOW))

    listing = catalogue.get(first.event_id)
    assert listing is not None
    assert listing.revision == 2
    assert listing.snapshot.seats_left == 11
    assert len(catalogue) == 1


def test_closed_when_full_then_reopened(make_snapshot):
    catalogue = Catalogue()
    event = make_snapshot(revision=1, seats_left=1)
    catalogue.apply(EventPublished(event=event, occurred_at=NOW))
    full = event.model_copy(update={"revision": 2, "seats_left": 0, "status": EventStatus.CLOSED})
    catalogue.apply(EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL))

    listing = catalogue.get(event.event_id)
    assert listing is not None
    assert listing.availability(NOW) is Availability.WAITLIST
    assert listing.accepts_registrations(NOW)
    assert availability_label(listing, NOW) == "ausgebucht – Warteliste"

    freed = event.model_copy(update={"revision": 3, "seats_left": 1})
    catalogue.apply(EventReopened(event=freed, occurred_at=NOW))
    listing = catalogue.get(event.event_id)
    assert listing is not None
    assert listing.close_reason is None
    assert availability_label(listing, NOW) == "noch 1 Platz frei"


def test_full_without_waiting_list_takes_no_registrations(make_snapshot):
    catalogue = Catalogue()
    event = make_snapshot(seats_left=0, waitlist_enabled=False, status=EventStatus.CLOSED)
    catalogue.apply(EventClosed(event=event, occurred_at=NOW, reason=CloseReason.FULL))

    listing = catalogue.get(event.event_id)
    assert listing is not None
    assert not listing.accepts_registrations(NOW)
    assert availability_label(listing, NOW) == "ausgebucht"


def test_closed_by_deadline_or_by_hand_is_closed_even_with_seats_left(make_snapshot):
    catalogue = Catalogue()
    for reason in (CloseReason.DEADLINE, CloseReason.MANUAL):
        event = make_snapshot(seats_left=5, status=EventStatus.CLOSED)
        catalogue.apply(EventClosed(event=event, occurred_at=NOW, reason=reason))
        listing = catalogue.get(event.event_id)
        assert listing is not None
        assert not listing.accepts_registrations(NOW)
        assert availability_label(listing, NOW) == "Anmeldung geschlossen"


def test_seats_left_label(make_snapshot):
    catalogue = Catalogue()
    event = make_snapshot(seats_left=12)
    catalogue.apply(EventPublished(event=event, occurred_at=NOW))
    listing = catalogue.get(event.event_id)
    assert listing is not None
    assert availability_label(listing, NOW) == "noch 12 Plätze frei"


def test_an_event_that_has_started_takes_no_registrations(make_snapshot):
    catalogue = Catalogue()
    event = make_snapshot(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=5))
    catalogue.apply(EventPublished(event=event, occurred_at=NOW))
    listing = catalogue.get(event.event_id)
    assert listing is not None
    assert listing.availability(NOW) is Availability.CLOSED
    assert [upcoming.event_id for upcoming in catalogue.upcoming(NOW)] == [event.event_id]


def test_upcoming_leaves_out_cancelled_and_past_events_and_sorts_by_start(make_snapshot):
    catalogue = Catalogue()
    later = make_snapshot(
        title="Später",
        starts_at=NOW + timedelta(days=20),
        ends_at=NOW + timedelta(days=20, hours=6),
    )
    sooner = make_snapshot(
        title="Früher", starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=2, hours=6)
    )
    cancelled = make_snapshot(title="Abgesagt", status=EventStatus.CANCELLED)
    past = make_snapshot(
        title="Vorbei",
        starts_at=NOW - timedelta(days=3),
        ends_at=NOW - timedelta(days=3) + timedelta(hours=6),
    )
    for event in (later, sooner, cancelled, past):
        catalogue.apply(EventPublished(event=event, occurred_at=NOW))

    assert [listing.snapshot.title for listing in catalogue.upcoming(NOW)] == ["Früher", "Später"]
    cancelled_listing = catalogue.get(cancelled.event_id)
    assert cancelled_listing is not None
    assert availability_label(cancelled_listing, NOW) == "abgesagt"
