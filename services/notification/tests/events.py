"""The event the notification tests mail about, as the catalogue announces it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from contracts.messages import EventKind, EventSnapshot, EventStatus

STARTS = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Berlin (CET)
ENDS = datetime(2026, 3, 12, 15, 30, tzinfo=UTC)


def event_snapshot(**changes: object) -> EventSnapshot:
    """A published, open event with a new id and one seat taken, with ``changes`` (title,
    times, venue, … as a test needs them)."""
    snapshot = EventSnapshot(
        event_id=uuid4(),
        title="Fachtag Quartiersentwicklung",
        kind=EventKind.FACHTAG,
        description="Ein Tag über gute Nachbarschaft.",
        starts_at=STARTS,
        ends_at=ENDS,
        venue="Altes Rathaus",
        city="Potsdam",
        capacity=300,
        seats_taken=1,
        seats_left=299,
        waitlist_enabled=True,
        waitlist_length=0,
        status=EventStatus.OPEN,
        revision=1,
    )
    return snapshot.model_copy(update=changes)
