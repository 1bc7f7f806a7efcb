"""The gateway's read model of the event catalog, fed by ``capacity.catalog.v1``.

Every catalog message (published, updated, closed, reopened, cancelled) carries the
event's full snapshot; the snapshot with the highest revision wins, so duplicates and
reordered redeliveries change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from contracts.messages import (
    CatalogEvent,
    CloseReason,
    EventCancelled,
    EventClosed,
    EventKind,
    EventSnapshot,
    EventStatus,
)


class Availability(StrEnum):
    """What a registration for the event would lead to, as far as the catalog knows."""

    SEATS = "seats"
    WAITLIST = "waitlist"
    FULL = "full"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_FOR_REGISTRATION = frozenset({Availability.SEATS, Availability.WAITLIST})


@dataclass(frozen=True)
class Listing:
    """One event as the public sees it: the newest snapshot and why it was closed, if it was.

    ``close_reason`` is the snapshot's own; older snapshots without one take it from the
    ``EventClosed`` that carried them.  ``cancelled`` holds also if an ``EventCancelled``
    carried a snapshot that forgot to say so.
    """

    snapshot: EventSnapshot
    close_reason: CloseReason | None = None
    cancelled: bool = False

    @classmethod
    def of(cls, message: CatalogEvent) -> Listing:
        snapshot = message.event
        reason = snapshot.close_reason
        if reason is None and isinstance(message, EventClosed):
            reason = message.reason
        cancelled = snapshot.status is EventStatus.CANCELLED or isinstance(message, EventCancelled)
        return cls(snapshot, reason, cancelled)

    @property
    def event_id(self) -> UUID:
        return self.snapshot.event_id

    @property
    def revision(self) -> int:
        return self.snapshot.revision

    @property
    def registration_deadline(self) -> datetime | None:
        return self.snapshot.registration_deadline

    def is_upcoming(self, now: datetime) -> bool:
        return not self.cancelled and self.snapshot.ends_at > now

    def deadline_passed(self, now: datetime) -> bool:
        deadline = self.snapshot.registration_deadline
        return deadline is not None and deadline <= now

    def availability(self, now: datetime) -> Availability:
        """From the newest snapshot; a passed deadline or start closes even before capacity
        says so (capacity decides every registration anyway)."""
        event = self.snapshot
        if self.cancelled:
            return Availability.CANCELLED
        if event.starts_at <= now or self.deadline_passed(now):
            return Availability.CLOSED
        if event.status is EventStatus.OPEN and event.seats_left > 0:
            return Availability.SEATS
        full = event.seats_left == 0 and (
            event.status is EventStatus.OPEN or self.close_reason is CloseReason.FULL
        )
        if full:
            return Availability.WAITLIST if event.waitlist_enabled else Availability.FULL
        return Availability.CLOSED

    def accepts_registrations(self, now: datetime) -> bool:
        return self.availability(now) in OPEN_FOR_REGISTRATION


class Catalog:
    """Every event the catalog topic told about, newest revision per event."""

    def __init__(self) -> None:
        self._listings: dict[UUID, Listing] = {}

    def __len__(self) -> int:
        return len(self._listings)

    def apply(self, message: CatalogEvent) -> bool:
        """Take the message's snapshot if it is newer than what we have; True if it was."""
        snapshot = message.event
        current = self._listings.get(snapshot.event_id)
        if current is not None and current.revision >= snapshot.revision:
            return False
        self._listings[snapshot.event_id] = Listing.of(message)
        return True

    def get(self, event_id: UUID) -> Listing | None:
        return self._listings.get(event_id)

    def upcoming(
        self, now: datetime, *, kind: EventKind | None = None, city: str | None = None
    ) -> list[Listing]:
        """Events not cancelled and not over yet, soonest first; only of ``kind`` and in
        ``city`` when given."""
        return sorted(
            (
                listing
                for listing in self._listings.values()
                if listing.is_upcoming(now)
                and (kind is None or listing.snapshot.kind is kind)
                and (city is None or listing.snapshot.city == city)
            ),
            key=lambda listing: (listing.snapshot.starts_at, listing.snapshot.title),
        )

    def cities(self, now: datetime) -> list[str]:
        """The cities of the upcoming events, alphabetically."""
        return sorted({listing.snapshot.city for listing in self.upcoming(now)}, key=str.casefold)
