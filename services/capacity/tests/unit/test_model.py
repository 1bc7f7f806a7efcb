from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from capacity.domain.model import CloseReason, Event, InvalidEvent, Outcome, Rejection, Status

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def event(capacity: int = 2, waitlist: bool = True) -> Event:
    start = datetime(2026, 3, 12, 9, tzinfo=UTC)
    return Event(
        event_id=uuid4(),
        title="Fachtag Quartier",
        kind="fachtag",
        starts_at=start,
        ends_at=start + timedelta(hours=7),
        venue="Hospitalhof",
        city="Stuttgart",
        capacity=capacity,
        waitlist_enabled=waitlist,
    )


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
    ("field", "value"),
    [("title", "  "), ("capacity", -1), ("ends_at", datetime(2026, 3, 11, tzinfo=UTC))],
)
def test_invalid_events_are_refused(field: str, value: object) -> None:
    start = datetime(2026, 3, 12, 9, tzinfo=UTC)
    data: dict[str, object] = dict(
        event_id=uuid4(),
        title="T",
        kind="markt",
        starts_at=start,
        ends_at=start,
        venue="V",
        city="C",
        capacity=1,
        waitlist_enabled=True,
    )
    data[field] = value
    with pytest.raises(InvalidEvent):
        Event(**data)  # type: ignore[arg-type]
