"""The gateway's read model of the event catalogue, fed by ``capacity.catalog.v1``.

Every catalogue message carries the event's full snapshot; the snapshot with the highest
revision wins, so duplicates and reordered redeliveries change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from contracts.messages import (
    CatalogEvent,
    CloseReason,
    EventClosed,
    EventSnapshot,
    EventStatus,
)


class Availability(StrEnum):
    """What a registration for the event would lead to, as far as the catalogue knows."""

    SEATS = "seats"
    WAITLIST = "waitlist"
    FULL = "full"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_FOR_REGISTRATION = frozenset({Availability.SEATS, Availability.WAITLIST})


@dataclass(frozen=True)
class Listing:
    """One event as the public sees it: the newest snapshot and why it was closed, if it was."""

    snapshot: EventSnapshot
    close_reason: CloseReason | None = None

    @property
    def event_id(self) -> UUID:
        return self.snapshot.event_id

    @property
    def revision(self) -> int:
        return self.snapshot.revision

    def is_upcoming(self, now: datetime) -> bool:
        return self.snapshot.status is not EventStatus.CANCELLED and self.snapshot.ends_at > now

    def availability(self, now: datetime) -> Availability:
        event = self.snapshot
        if event.status is EventStatus.CANCELLED:
            return Availability.CANCELLED
        if event.starts_at <= now:
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


class Catalogue:
    """Every event the catalogue topic told about, newest revision per event."""

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
        reason = message.reason if isinstance(message, EventClosed) else None
        self._listings[snapshot.event_id] = Listing(snapshot, reason)
        return True

    def get(self, event_id: UUID) -> Listing | None:
        return self._listings.get(event_id)

    def upcoming(self, now: datetime) -> list[Listing]:
        """Events not cancelled and not over yet, soonest first."""
        return sorted(
            (listing for listing in self._listings.values() if listing.is_upcoming(now)),
            key=lambda listing: (listing.snapshot.starts_at, listing.snapshot.title),
        )
