"""asyncpg implementations of the registration ports."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from contracts.runtime import outbox
from registration.adapters.status_changes import CHANNEL
from registration.domain.model import CancelReason, Registration, Status
from registration.service_layer.unit_of_work import RegistrationRepository, UnitOfWork

COLUMNS = (
    "registration_id, event_id, name, email, organisation, locale, idempotency_key, "
    "privacy_consent_at, created_at, status, waitlisted_at, rejection_reason, cancelled_at, "
    "cancel_reason"
)


def _registration(row: asyncpg.Record) -> Registration:
    data = dict(row)
    data["status"] = Status(data["status"])
    data["cancel_reason"] = CancelReason(data["cancel_reason"]) if data["cancel_reason"] else None
    return Registration(**data)


class PostgresRegistrations(RegistrationRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, registration: Registration) -> Registration:
        r = registration
        inserted = await self.conn.fetchval(
            f"INSERT INTO registrations ({COLUMNS}, email_normalized) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
            "ON CONFLICT DO NOTHING RETURNING registration_id",
            r.registration_id,
            r.event_id,
            r.name,
            r.email,
            r.organisation,
            r.locale,
            r.idempotency_key,
            r.privacy_consent_at,
            r.created_at,
            r.status.value,
            r.waitlisted_at,
            r.rejection_reason,
            r.cancelled_at,
            r.cancel_reason,
            r.email_normalized,
        )
        if inserted is not None:
            return registration
        row = await self.conn.fetchrow(
            f"SELECT {COLUMNS} FROM registrations WHERE idempotency_key = $1 "
            "OR (event_id = $2 AND email_normalized = $3 AND status <> 'cancelled') LIMIT 1",
            r.idempotency_key,
            r.event_id,
            r.email_normalized,
        )
        assert row is not None, "a conflicting registration must exist"
        return _registration(row)

    async def get(self, registration_id: UUID, *, lock: bool = False) -> Registration | None:
        row = await self.conn.fetchrow(
            f"SELECT {COLUMNS} FROM registrations WHERE registration_id = $1"
            + (" FOR UPDATE" if lock else ""),
            registration_id,
        )
        return _registration(row) if row else None

    async def save(self, registration: Registration) -> None:
        r = registration
        await self.conn.execute(
            "UPDATE registrations SET status=$2, waitlisted_at=$3, rejection_reason=$4, "
            "cancelled_at=$5, cancel_reason=$6, updated_at=now() WHERE registration_id=$1",
            r.registration_id,
            r.status.value,
            r.waitlisted_at,
            r.rejection_reason,
            r.cancelled_at,
            r.cancel_reason,
        )
        # delivered at commit: wakes requests waiting for this registration's status
        await self.conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(r.registration_id))

    async def position(self, registration: Registration) -> int | None:
        if registration.status is not Status.WAITLISTED or registration.waitlisted_at is None:
            return None
        ahead: int = await self.conn.fetchval(
            "SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'waitlisted' "
            "AND (waitlisted_at, registration_id) < ($2, $3)",
            registration.event_id,
            registration.waitlisted_at,
            registration.registration_id,
        )
        return ahead + 1


class PostgresUnitOfWork(outbox.PostgresUnitOfWork, UnitOfWork):
    def bind(self, conn: asyncpg.Connection) -> None:
        self.registrations = PostgresRegistrations(conn)

    async def first_time(self, consumer: str, message_id: UUID) -> bool:
        inserted = await self._conn.fetchval(
            "INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            consumer,
            message_id,
        )
        return inserted is not None
