"""The event the notification tests mail about, as the catalogue announces it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from contracts.messages import (
    EventKind,
    EventSnapshot,
    EventStatus,
    SessionSnapshot,
    SlotSnapshot,
)

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


MORNING = UUID("00000000-0000-4000-8000-00000000a001")
"""The morning's choice slot: Praxisforum 1 (Raum 1.01), 2 (Raum 1.02), 3 (Raum 2.04)."""
AFTERNOON = UUID("00000000-0000-4000-8000-00000000a002")
"""The afternoon's choice slot: Praxisforum 4 (Raum 3.10) and 5 (no room given)."""
FORUM = {n: UUID(f"00000000-0000-4000-8000-00000000b00{n}") for n in range(1, 6)}
"""The sessions by number: ``FORUM[3]`` is Praxisforum 3."""
ROOMS = {1: "Raum 1.01", 2: "Raum 1.02", 3: "Raum 2.04", 4: "Raum 3.10", 5: ""}


def _forum(n: int) -> SessionSnapshot:
    return SessionSnapshot(
        session_id=FORUM[n],
        title=f"Praxisforum {n}",
        room=ROOMS[n],
        capacity=20,
        seats_taken=20,
        seats_left=0,
        waitlist_length=4,
    )


def programme() -> list[SlotSnapshot]:
    """The Fachtag's programme: a plenary, the morning's Praxisforen 1–3 at 10:30–12:00 and
    the afternoon's 4–5 at 13:30–15:00 (Berlin time, CET)."""

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 3, 12, hour, minute, tzinfo=UTC)

    return [
        SlotSnapshot(slot_id=uuid4(), title="Begrüßung", starts_at=at(9), ends_at=at(9, 30)),
        SlotSnapshot(
            slot_id=MORNING,
            title="Praxisforen am Vormittag",
            starts_at=at(9, 30),
            ends_at=at(11),
            sessions=[_forum(n) for n in (1, 2, 3)],
            ranks=3,
        ),
        SlotSnapshot(
            slot_id=AFTERNOON,
            title="Praxisforen am Nachmittag",
            starts_at=at(12, 30),
            ends_at=at(14),
            sessions=[_forum(n) for n in (4, 5)],
            ranks=2,
            fallback=True,
        ),
    ]
