from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from capacity.domain.model import (
    CloseReason,
    Details,
    Event,
    InvalidEvent,
    Outcome,
    Rejection,
    Status,
)
from services.capacity.tests.examples import WORKSHOP

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def event(capacity: int = 2, waitlist: bool = True) -> Event:
    details = replace(WORKSHOP, waitlist_enabled=waitlist)
    return Event(event_id=uuid4(), details=details, capacity=capacity)


def test_seats_go_first_come_first_served_then_the_waiting_list() -> None:
    e = event(capacity=2)
    outcomes = [e.decide(uuid4(), NOW) for _ in range(4)]
    assert [d.outcome for d in outcomes] == [
        Outcome.CONFIRMED,
        Outcome.CONFIRMED,
        Outcome.WAITLISTED,
        Outcome.WAITLISTED,
    ]
    assert [d.seq for d in outcomes] == [1, 2, 3, 4]
    assert e.seats_left == 0
    assert e.status is Status.CLOSED and e.close_reason is CloseReason.FULL


def test_without_waiting_list_a_full_event_rejects() -> None:
    e = event(capacity=1, waitlist=False)
    e.decide(uuid4(), NOW)
    decision = e.decide(uuid4(), NOW)
    assert decision.outcome is Outcome.REJECTED
    assert decision.rejection is Rejection.EVENT_FULL


def test_a_manually_closed_event_rejects_even_with_seats_left() -> None:
    e = event(capacity=5)
    e.close(CloseReason.MANUAL)
    assert e.decide(uuid4(), NOW).rejection is Rejection.EVENT_CLOSED


def test_every_change_raises_the_revision() -> None:
    e = event(capacity=1)
    revisions = [e.revision]
    for _ in range(2):
        e.decide(uuid4(), NOW)
        revisions.append(e.revision)
    assert revisions == sorted(set(revisions))


@pytest.mark.parametrize(
    ("details", "capacity"),
    [
        (replace(WORKSHOP, title="  "), 1),
        (WORKSHOP, -1),
        (replace(WORKSHOP, ends_at=WORKSHOP.starts_at - timedelta(hours=1)), 1),
    ],
)
def test_invalid_events_are_refused(details: Details, capacity: int) -> None:
    with pytest.raises(InvalidEvent):
        Event(event_id=uuid4(), details=details, capacity=capacity)
