from datetime import UTC, datetime, timedelta

import pytest

from contracts.messages import (
    CloseReason,
    EventCancelled,
    EventClosed,
    EventPublished,
    EventReopened,
    EventSnapshot,
    EventStatus,
    EventUpdated,
    Locale,
)
from gateway.domain.labels import availability_label
from gateway.domain.model import Availability, Catalog, Listing
from gateway.site.views import EventView
from gateway.web.i18n import translator

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
GERMAN = translator(Locale.DE)


def listed(catalog: Catalog, event: EventSnapshot) -> Listing:
    """The catalog's listing of ``event``, which it must have."""
    listing = catalog.get(event.event_id)
    assert listing is not None
    return listing


def test_the_newest_revision_wins_whatever_the_order(make_snapshot):
    catalog = Catalog()
    first = make_snapshot(revision=1, seats_left=12)
    second = first.model_copy(update={"revision": 2, "seats_left": 11})

    assert catalog.apply(EventPublished(event=second, occurred_at=NOW))
    assert not catalog.apply(EventPublished(event=first, occurred_at=NOW))
    assert not catalog.apply(EventPublished(event=second, occurred_at=NOW))

    listing = listed(catalog, first)
    assert listing.revision == 2
    assert listing.snapshot.seats_left == 11
    assert len(catalog) == 1


def test_closed_when_full_then_reopened(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(revision=1, seats_left=1)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    full = event.model_copy(update={"revision": 2, "seats_left": 0, "status": EventStatus.CLOSED})
    catalog.apply(EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL))

    listing = listed(catalog, event)
    assert listing.availability(NOW) is Availability.WAITLIST
    assert listing.accepts_registrations(NOW)
    assert availability_label(listing, NOW, GERMAN) == "ausgebucht – Warteliste"

    freed = event.model_copy(update={"revision": 3, "seats_left": 1})
    catalog.apply(EventReopened(event=freed, occurred_at=NOW))
    listing = listed(catalog, event)
    assert listing.close_reason is None
    assert availability_label(listing, NOW, GERMAN) == "noch 1 Platz frei"


@pytest.mark.parametrize(
    ("changes", "reason", "label"),
    [
        ({"seats_left": 0, "waitlist_enabled": False}, CloseReason.FULL, "ausgebucht"),
        ({"seats_left": 5}, CloseReason.DEADLINE, "Anmeldung geschlossen"),
        ({"seats_left": 5}, CloseReason.MANUAL, "Anmeldung geschlossen"),
    ],
    ids=["full-without-waiting-list", "by-deadline-with-seats-left", "by-hand-with-seats-left"],
)
def test_a_closed_event_takes_no_registrations(make_snapshot, changes, reason, label):
    catalog = Catalog()
    event = make_snapshot(status=EventStatus.CLOSED, **changes)
    catalog.apply(EventClosed(event=event, occurred_at=NOW, reason=reason))

    listing = listed(catalog, event)
    assert not listing.accepts_registrations(NOW)
    assert availability_label(listing, NOW, GERMAN) == label


def test_seats_left_label(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(seats_left=12)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    listing = listed(catalog, event)
    assert availability_label(listing, NOW, GERMAN) == "noch 12 Plätze frei"


def test_an_event_that_has_started_takes_no_registrations(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=5))
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    listing = listed(catalog, event)
    assert listing.availability(NOW) is Availability.CLOSED
    assert [upcoming.event_id for upcoming in catalog.upcoming(NOW)] == [event.event_id]


def test_upcoming_leaves_out_cancelled_and_past_events_and_sorts_by_start(make_snapshot):
    catalog = Catalog()
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
        catalog.apply(EventPublished(event=event, occurred_at=NOW))

    assert [listing.snapshot.title for listing in catalog.upcoming(NOW)] == ["Früher", "Später"]
    cancelled_listing = listed(catalog, cancelled)
    assert availability_label(cancelled_listing, NOW, GERMAN) == "Abgesagt"


def test_event_updated_changes_seats_and_the_newest_revision_wins(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(revision=1, seats_left=12)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    rush = event.model_copy(update={"revision": 3, "seats_left": 2, "seats_taken": 298})
    late = event.model_copy(update={"revision": 2, "seats_left": 7, "seats_taken": 293})

    assert catalog.apply(EventUpdated(event=rush, occurred_at=NOW))
    assert not catalog.apply(EventUpdated(event=late, occurred_at=NOW))

    listing = listed(catalog, event)
    assert listing.revision == 3
    assert availability_label(listing, NOW, GERMAN) == "noch 2 Plätze frei"


def test_more_capacity_while_open(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(revision=1, capacity=10, seats_taken=10, seats_left=0)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    listing = listed(catalog, event)
    assert listing.availability(NOW) is Availability.WAITLIST

    bigger = event.model_copy(update={"revision": 2, "capacity": 15, "seats_left": 5})
    catalog.apply(EventUpdated(event=bigger, occurred_at=NOW))
    listing = listed(catalog, event)
    assert availability_label(listing, NOW, GERMAN) == "noch 5 Plätze frei"


def test_the_close_reason_comes_from_the_snapshot(make_snapshot):
    catalog = Catalog()
    full = make_snapshot(
        revision=1, seats_left=0, status=EventStatus.CLOSED, close_reason=CloseReason.FULL
    )
    catalog.apply(EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL))
    # a later update of the closed event carries its reason in the snapshot, not as a field
    changed = full.model_copy(update={"revision": 2, "waitlist_length": 3})
    catalog.apply(EventUpdated(event=changed, occurred_at=NOW))

    listing = listed(catalog, full)
    assert listing.close_reason is CloseReason.FULL
    assert listing.availability(NOW) is Availability.WAITLIST

    manual = make_snapshot(seats_left=0, status=EventStatus.CLOSED, close_reason=CloseReason.MANUAL)
    catalog.apply(EventUpdated(event=manual, occurred_at=NOW))
    manual_listing = listed(catalog, manual)
    assert manual_listing.availability(NOW) is Availability.CLOSED


def test_an_old_event_closed_without_a_snapshot_reason_still_counts(make_snapshot):
    catalog = Catalog()
    full = make_snapshot(seats_left=0, status=EventStatus.CLOSED, close_reason=None)
    catalog.apply(EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL))
    listing = listed(catalog, full)
    assert listing.close_reason is CloseReason.FULL


def test_event_cancelled(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(revision=1)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    cancelled = event.model_copy(update={"revision": 2, "status": EventStatus.CANCELLED})

    assert catalog.apply(EventCancelled(event=cancelled, occurred_at=NOW))
    assert not catalog.apply(EventUpdated(event=event, occurred_at=NOW)), "older revision"

    listing = listed(catalog, event)
    assert listing.cancelled
    assert listing.availability(NOW) is Availability.CANCELLED
    assert not listing.accepts_registrations(NOW)
    assert availability_label(listing, NOW, GERMAN) == "Abgesagt"
    assert catalog.upcoming(NOW) == []


def test_event_cancelled_counts_even_if_its_snapshot_forgot_the_status(make_snapshot):
    catalog = Catalog()
    event = make_snapshot(status=EventStatus.OPEN)
    catalog.apply(EventCancelled(event=event, occurred_at=NOW))
    listing = listed(catalog, event)
    assert listing.availability(NOW) is Availability.CANCELLED
    assert catalog.upcoming(NOW) == []


def test_the_registration_deadline_closes_registration(make_snapshot):
    catalog = Catalog()
    deadline = NOW + timedelta(days=1)
    event = make_snapshot(registration_deadline=deadline)
    catalog.apply(EventPublished(event=event, occurred_at=NOW))
    listing = listed(catalog, event)

    assert listing.registration_deadline == deadline
    assert listing.accepts_registrations(NOW)
    assert not listing.accepts_registrations(deadline)
    assert availability_label(listing, deadline, GERMAN) == "Anmeldung geschlossen"
    assert [upcoming.event_id for upcoming in catalog.upcoming(deadline)] == [event.event_id]


@pytest.mark.parametrize(
    ("address", "city", "place"),
    [
        ("Büchsenstraße 33", "Stuttgart", "Hospitalhof, Büchsenstraße 33, Stuttgart"),
        (
            "Büchsenstraße 33, 70174 Stuttgart",
            "Stuttgart",
            "Hospitalhof, Büchsenstraße 33, 70174 Stuttgart",
        ),
        ("Ulmer Straße 5", "Ulm", "Hospitalhof, Ulmer Straße 5, Ulm"),
        ("", "Ulm", "Hospitalhof, Ulm"),
    ],
)
def test_the_place_names_the_city_once(make_snapshot, address, city, place):
    listing = Listing(make_snapshot(venue="Hospitalhof", address=address, city=city))
    view = EventView.of(listing, datetime(2026, 1, 1, tzinfo=UTC), GERMAN)
    assert view.place == place
