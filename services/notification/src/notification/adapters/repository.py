"""The ledger, the event catalogue and the outbox in Postgres (asyncpg)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from pydantic import TypeAdapter

from contracts.messages import NotificationKind, SlotSnapshot
from notification.adapters import metrics
from notification.domain.model import Delivery, DeliveryStatus, EventInfo
from notification.service_layer.unit_of_work import UnitOfWork
from servicekit import outbox

_PROGRAMME = TypeAdapter(tuple[SlotSnapshot, ...])
"""The programme as JSON (``events.programme``, jsonb)."""


class PostgresDeliveries:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim(self, delivery: Delivery) -> Delivery:
        inserted = await self._conn.execute(
            """
            INSERT INTO deliveries
                (decision_id, notification_id, registration_id, event_id, kind,
                 application_id, revision)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (decision_id) DO NOTHING
            """,
            delivery.decision_id,
            delivery.notification_id,
            delivery.registration_id,
            delivery.event_id,
            delivery.kind.value,
            delivery.application_id,
            delivery.revision,
        )
        if inserted == "INSERT 0 1":
            metrics.queued(delivery.kind)
        row = await self._conn.fetchrow(
            "SELECT * FROM deliveries WHERE decision_id = $1", delivery.decision_id
        )
        if row is None:
            raise LookupError(f"delivery {delivery.decision_id} vanished")
        return Delivery(
            decision_id=row["decision_id"],
            notification_id=row["notification_id"],
            registration_id=row["registration_id"],
            event_id=row["event_id"],
            kind=NotificationKind(row["kind"]),
            application_id=row["application_id"],
            revision=row["revision"],
            status=DeliveryStatus(row["status"]),
            attempts=row["attempts"],
            last_error=row["last_error"],
            sent_at=row["sent_at"],
        )

    async def save(self, delivery: Delivery) -> None:
        await self._conn.execute(
            """
            UPDATE deliveries SET status = $2, attempts = $3, last_error = $4, sent_at = $5
            WHERE decision_id = $1
            """,
            delivery.decision_id,
            delivery.status.value,
            delivery.attempts,
            delivery.last_error,
            delivery.sent_at,
        )

    async def count_sent(self, registration_id: UUID, kind: NotificationKind) -> int:
        count: int = await self._conn.fetchval(
            """
            SELECT count(*) FROM deliveries
            WHERE registration_id = $1 AND kind = $2 AND status = 'sent'
            """,
            registration_id,
            kind.value,
        )
        return count


class PostgresEvents:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, event_id: UUID) -> EventInfo | None:
        row = await self._conn.fetchrow(
            """
            SELECT event_id, title, starts_at, ends_at, venue, city, description, revision,
                   organiser_contact, address, programme
            FROM events WHERE event_id = $1
            """,
            event_id,
        )
        if row is None:
            return None
        return EventInfo(**{**dict(row), "programme": _PROGRAMME.validate_json(row["programme"])})

    async def upsert(self, event: EventInfo) -> bool:
        stored = await self._conn.fetchval(
            """
            INSERT INTO events
                (event_id, title, starts_at, ends_at, venue, city, description, revision,
                 organiser_contact, address, programme)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
            ON CONFLICT (event_id) DO UPDATE SET
                title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,
                ends_at = EXCLUDED.ends_at, venue = EXCLUDED.venue, city = EXCLUDED.city,
                description = EXCLUDED.description, revision = EXCLUDED.revision,
                organiser_contact = EXCLUDED.organiser_contact, address = EXCLUDED.address,
                programme = EXCLUDED.programme, updated_at = now()
            WHERE events.revision < EXCLUDED.revision
            RETURNING event_id
            """,
            event.event_id,
            event.title,
            event.starts_at,
            event.ends_at,
            event.venue,
            event.city,
            event.description,
            event.revision,
            event.organiser_contact,
            event.address,
            _PROGRAMME.dump_json(event.programme).decode(),
        )
        return stored is not None


class PostgresUnitOfWork(outbox.PostgresUnitOfWork, UnitOfWork):
    def bind(self, conn: asyncpg.Connection) -> None:
        self.deliveries = PostgresDeliveries(conn)
        self.events = PostgresEvents(conn)

    async def commit(self) -> None:
        await super().commit()
        metrics.count(payload for payload, _ in self.messages)
