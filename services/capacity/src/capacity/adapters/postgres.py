"""asyncpg implementations of the capacity ports."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from capacity.domain.model import CloseReason, Event, SeatDecision, Status
from capacity.service_layer.unit_of_work import DecisionRepository, EventRepository, UnitOfWork
from contracts.runtime import outbox

EVENT_COLUMNS = (
    "event_id, title, kind, description, starts_at, ends_at, venue, city, capacity, "
    "waitlist_enabled, status, close_reason, seats_taken, waitlist_length, revision"
)


def _event(row: asyncpg.Record) -> Event:
    data: dict[str, Any] = dict(row)
    data["status"] = Status(data["status"])
    data["close_reason"] = CloseReason(data["close_reason"]) if data["close_reason"] else None
    return Event(**data)


class PostgresEvents(EventRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, event: Event) -> None:
        await self.conn.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
            event.event_id,
            event.title,
            event.kind,
            event.description,
            event.starts_at,
            event.ends_at,
            event.venue,
            event.city,
            event.capacity,
            event.waitlist_enabled,
            event.status.value,
            event.close_reason,
            event.seats_taken,
            event.waitlist_length,
            event.revision,
        )

    async def get(self, event_id: UUID, *, lock: bool = False) -> Event | None:
        row = await self.conn.fetchrow(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1"
            + (" FOR UPDATE" if lock else ""),
            event_id,
        )
        return _event(row) if row else None

    async def save(self, event: Event) -> None:
        await self.conn.execute(
            "UPDATE events SET status=$2, close_reason=$3, seats_taken=$4, waitlist_length=$5, "
            "revision=$6, capacity=$7, updated_at=now() WHERE event_id=$1",
            event.event_id,
            event.status.value,
            event.close_reason,
            event.seats_taken,
            event.waitlist_length,
            event.revision,
            event.capacity,
        )

    async def list(self) -> list[Event]:
        rows = await self.conn.fetch(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at")
        return [_event(r) for r in rows]


class PostgresDecisions(DecisionRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def exists(self, registration_id: UUID) -> bool:
        found = await self.conn.fetchval(
            "SELECT 1 FROM seat_decisions WHERE registration_id = $1", registration_id
        )
        return found is not None

    async def add(
        self,
        decision: SeatDecision,
        *,
        decision_id: UUID,
        requested_at: datetime,
        decided_at: datetime,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO seat_decisions (registration_id, event_id, decision_id, outcome, "
            "waitlist_position, rejection_reason, requested_at, decided_at) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
            decision.registration_id,
            decision.event_id,
            decision_id,
            decision.outcome.value,
            decision.waitlist_position,
            decision.rejection,
            requested_at,
            decided_at,
        )


class PostgresUnitOfWork(outbox.PostgresUnitOfWork, UnitOfWork):
    def bind(self, conn: asyncpg.Connection) -> None:
        self.events = PostgresEvents(conn)
        self.decisions = PostgresDecisions(conn)
