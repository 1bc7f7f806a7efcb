"""Organiser accounts, sessions and failed logins in the gateway's own Postgres database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from gateway.desk.domain.organisers import Account, Organiser, RecentFailures
from gateway.desk.service_layer.ports import OrganiserStoreUnavailable
from servicekit.database import TRANSIENT_DB


class PostgresOrganisers:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[PoolConnectionProxy]:
        """A pooled connection; an unreachable database is ``OrganiserStoreUnavailable``."""
        try:
            async with self._pool.acquire() as conn:
                yield conn
        except TRANSIENT_DB as exc:
            raise OrganiserStoreUnavailable(type(exc).__name__) from exc

    async def account(self, email: str) -> Account | None:
        async with self._connection() as conn:
            row = await conn.fetchrow(
                "SELECT organiser_id, email, name, password_hash FROM organisers WHERE email = $1",
                email,
            )
        if row is None:
            return None
        organiser = Organiser(row["organiser_id"], row["email"], row["name"])
        return Account(organiser, row["password_hash"])

    async def save_account(self, email: str, name: str, password_hash: str, now: datetime) -> bool:
        async with self._connection() as conn, conn.transaction():
            created: bool = await conn.fetchval(
                """
                INSERT INTO organisers (organiser_id, email, name, password_hash, created_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (email) DO UPDATE
                    SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash
                RETURNING xmax = 0
                """,
                uuid.uuid4(),
                email,
                name,
                password_hash,
                now,
            )
            if not created:
                await conn.execute(
                    "DELETE FROM sessions WHERE organiser_id = "
                    "(SELECT organiser_id FROM organisers WHERE email = $1)",
                    email,
                )
        return created

    async def record_login(
        self, organiser_id: UUID, now: datetime, new_password_hash: str | None
    ) -> None:
        async with self._connection() as conn:
            await conn.execute(
                "UPDATE organisers SET last_login_at = $2, "
                "password_hash = coalesce($3, password_hash) WHERE organiser_id = $1",
                organiser_id,
                now,
                new_password_hash,
            )

    async def recent_failures(self, email: str, client_ip: str, since: datetime) -> RecentFailures:
        async with self._connection() as conn:
            row = await conn.fetchrow(
                """
                SELECT count(*) FILTER (WHERE email = $1) AS for_email,
                       count(*) FILTER (WHERE client_ip = $2) AS from_client
                FROM login_failures
                WHERE failed_at > $3 AND (email = $1 OR client_ip = $2)
                """,
                email,
                client_ip,
                since,
            )
        assert row is not None
        return RecentFailures(row["for_email"], row["from_client"])

    async def record_failure(self, email: str, client_ip: str, now: datetime) -> None:
        """Note the failure and forget failures older than a day (no use for throttling)."""
        async with self._connection() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM login_failures WHERE failed_at < $1::timestamptz - interval '1 day'",
                now,
            )
            await conn.execute(
                "INSERT INTO login_failures (email, client_ip, failed_at) VALUES ($1, $2, $3)",
                email,
                client_ip,
                now,
            )

    async def clear_failures(self, email: str) -> None:
        async with self._connection() as conn:
            await conn.execute("DELETE FROM login_failures WHERE email = $1", email)

    async def open_session(
        self, token_hash: bytes, organiser_id: UUID, now: datetime, expires_at: datetime
    ) -> None:
        """Store the session and drop sessions that have expired."""
        async with self._connection() as conn, conn.transaction():
            await conn.execute("DELETE FROM sessions WHERE expires_at <= $1", now)
            await conn.execute(
                "INSERT INTO sessions (token_hash, organiser_id, created_at, expires_at) "
                "VALUES ($1, $2, $3, $4)",
                token_hash,
                organiser_id,
                now,
                expires_at,
            )

    async def session_organiser(self, token_hash: bytes, now: datetime) -> Organiser | None:
        async with self._connection() as conn:
            row = await conn.fetchrow(
                """
                SELECT o.organiser_id, o.email, o.name
                FROM sessions s JOIN organisers o USING (organiser_id)
                WHERE s.token_hash = $1 AND s.expires_at > $2
                """,
                token_hash,
                now,
            )
        return Organiser(row["organiser_id"], row["email"], row["name"]) if row else None

    async def close_session(self, token_hash: bytes) -> None:
        async with self._connection() as conn:
            await conn.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)

    async def check(self) -> None:
        async with self._connection() as conn:
            await conn.fetchval("SELECT 1 FROM organisers LIMIT 1")
