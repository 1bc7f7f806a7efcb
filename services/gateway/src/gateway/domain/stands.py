"""The Markt der guten Ideen as the public side sees it: whether an event's call for stands
takes applications now, and the accepted stands its page lists (kept a little while, so a
rush on the event page does not ask the registration service on every view)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from contracts.http.stands import PublicStand
from contracts.messages import StandCall

STANDS_FRESH_FOR = timedelta(seconds=30)
"""How long the event page shows a list of stands before asking again (an organiser's
acceptance shows within that time)."""


class CallState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def call_state(call: StandCall, now: datetime) -> CallState:
    if now < call.opens_at:
        return CallState.UPCOMING
    return CallState.OPEN if now < call.closes_at else CallState.CLOSED


@dataclass
class StandLists:
    """The latest list of public stands per event and when it was fetched; in memory."""

    fresh_for: timedelta = STANDS_FRESH_FOR
    _lists: dict[UUID, tuple[datetime, list[PublicStand]]] = field(default_factory=dict)

    def fresh(self, event_id: UUID, now: datetime) -> list[PublicStand] | None:
        kept = self._lists.get(event_id)
        if kept is None or now - kept[0] >= self.fresh_for:
            return None
        return kept[1]

    def stale(self, event_id: UUID) -> list[PublicStand] | None:
        """The last list however old (while the registration service does not answer)."""
        kept = self._lists.get(event_id)
        return kept[1] if kept else None

    def keep(self, event_id: UUID, stands: list[PublicStand], now: datetime) -> None:
        self._lists[event_id] = (now, stands)
