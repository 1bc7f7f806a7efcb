"""asyncpg implementations of the registration ports."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from contracts.attendees import AccessibilityNeed, AttendeeRole
from registration.adapters.sql import Where, page
from registration.adapters.stand_applications import PostgresStandApplications
from registration.adapters.status_changes import CHANNEL
from registration.domain.commands import ListParticipants
from registration.domain.model import (
    ACTIVE,
    LIST_ORDER,
    Accessibility,
    AccessibilityReport,
    CancelReason,
    Feedback,
    Ranking,
    Registration,
    RegistrationStatus,
)
from registration.service_layer.unit_of_work import (
    FeedbackRepository,
    RegistrationRepository,
    UnitOfWork,
)
from servicekit import outbox

FIELDS = (
    "registration_id",
    "event_id",
    "name",
    "email",
    "organisation",
    "locale",
    "idempotency_key",
    "privacy_consent_at",
    "created_at",
    "status",
    "waitlisted_at",
    "rejection_reason",
    "cancelled_at",
    "cancel_reason",
    "role",
    "accessibility_needs",
    "accessibility_other",
    "health_consent_at",
    "choices",
    "email_normalized",
    "stand_application_id",
)
COLUMNS = ", ".join(FIELDS)
CASTS = {"choices": "::jsonb"}
PLACEHOLDERS = ", ".join(f"${i}{CASTS.get(f, '')}" for i, f in enumerate(FIELDS, start=1))
# one pass over the event's rows (index registrations_event); the place is counted among
# the waiting in the order of position() below
OF_EVENT = (
    f"SELECT {COLUMNS}, CASE WHEN status = 'waitlisted' THEN row_number() OVER "
    "(PARTITION BY status ORDER BY waitlisted_at, registration_id) END AS place "
    "FROM registrations WHERE event_id = $1 "
    "ORDER BY array_position($2::text[], status), place, created_at, registration_id"
)
# one page of the list: the waiting-list place counted for the page's waiting rows only
# (index registrations_waiting); the filters in ``_page_filter``
PAGE = (
    f"SELECT {COLUMNS}, CASE WHEN status = 'waitlisted' THEN (SELECT count(*) "
    "FROM registrations AS ahead WHERE ahead.event_id = r.event_id "
    "AND ahead.status = 'waitlisted' AND (ahead.waitlisted_at, ahead.registration_id) "
    "<= (r.waitlisted_at, r.registration_id)) END AS place FROM registrations AS r "
)
COUNTS = (
    "SELECT status, count(*) AS n, "
    "count(*) FILTER (WHERE created_at > coalesce($2::timestamptz, '-infinity')) AS new, "
    "max(created_at) AS latest FROM registrations WHERE event_id = $1 GROUP BY status"
)
ACCESSIBILITY_REPORT = (
    "WITH active AS (SELECT accessibility_needs AS needs FROM registrations "
    "WHERE event_id = $1 AND status = ANY($2::text[])) "
    "SELECT count(*) AS active, count(*) FILTER (WHERE cardinality(needs) > 0) AS with_needs, "
    "(SELECT coalesce(jsonb_object_agg(need, n), '{}') FROM (SELECT need, count(*) AS n "
    "FROM active, unnest(needs) AS need GROUP BY need) AS counted)::text AS per_need "
    "FROM active"
)


def _page_filter(query: ListParticipants) -> Where:
    where = Where(query.event_id)
    where.text_in(query.text, ("name", "email", "organisation"))
    where.any_of("status", list(query.statuses))
    where.any_of("role", [r.value for r in query.roles])
    where.any_of("accessibility_needs", [n.value for n in query.needs], overlap=True)
    return where


def _values(r: Registration) -> tuple[Any, ...]:
    """The registration as parameters in the order of ``FIELDS``."""
    a = r.accessibility
    return (
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
        r.role.value,
        [need.value for need in a.needs],
        a.other,
        a.consent_at,
        _choices_json(r.choices),
        r.email_normalized,
        r.stand_application_id,
    )


def _choices_json(choices: Ranking) -> str:
    return json.dumps({str(slot): [str(s) for s in sessions] for slot, sessions in choices.items()})


def _choices(stored: str) -> Ranking:
    ranked: dict[str, list[str]] = json.loads(stored)
    return {UUID(slot): [UUID(s) for s in sessions] for slot, sessions in ranked.items()}


def _registration(row: asyncpg.Record) -> Registration:
    return Registration(
        registration_id=row["registration_id"],
        event_id=row["event_id"],
        name=row["name"],
        email=row["email"],
        organisation=row["organisation"],
        locale=row["locale"],
        idempotency_key=row["idempotency_key"],
        privacy_consent_at=row["privacy_consent_at"],
        created_at=row["created_at"],
        status=RegistrationStatus(row["status"]),
        waitlisted_at=row["waitlisted_at"],
        rejection_reason=row["rejection_reason"],
        cancelled_at=row["cancelled_at"],
        cancel_reason=CancelReason(row["cancel_reason"]) if row["cancel_reason"] else None,
        role=AttendeeRole(row["role"]),
        accessibility=Accessibility(
            needs=tuple(AccessibilityNeed(need) for need in row["accessibility_needs"]),
            other=row["accessibility_other"],
            consent_at=row["health_consent_at"],
        ),
        choices=_choices(row["choices"]),
        stand_application_id=row["stand_application_id"],
    )


class PostgresRegistrations(RegistrationRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, registration: Registration) -> Registration:
        r = registration
        inserted = await self.conn.fetchval(
            f"INSERT INTO registrations ({COLUMNS}) VALUES ({PLACEHOLDERS}) "
            "ON CONFLICT DO NOTHING RETURNING registration_id",
            *_values(r),
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

    async def get_many(
        self, registration_ids: Collection[UUID], *, lock: bool = False
    ) -> dict[UUID, Registration]:
        rows = await self.conn.fetch(
            f"SELECT {COLUMNS} FROM registrations WHERE registration_id = ANY($1::uuid[]) "
            "ORDER BY registration_id" + (" FOR UPDATE" if lock else ""),
            list(registration_ids),
        )
        return {row["registration_id"]: _registration(row) for row in rows}

    async def save_many(self, registrations: Collection[Registration]) -> None:
        if not registrations:
            return
        # the notifications are delivered at commit: they wake requests waiting for a status
        await self.conn.execute(
            "WITH saved AS ("
            " UPDATE registrations r SET status = u.status, waitlisted_at = u.waitlisted_at,"
            " rejection_reason = u.rejection_reason, cancelled_at = u.cancelled_at,"
            " cancel_reason = u.cancel_reason, choices = u.choices::jsonb, updated_at = now()"
            " FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[],"
            " $6::timestamptz[], $7::text[], $8::text[])"
            " AS u(registration_id, status, waitlisted_at, rejection_reason, cancelled_at,"
            " cancel_reason, choices)"
            " WHERE r.registration_id = u.registration_id RETURNING r.registration_id"
            ") SELECT pg_notify($1, registration_id::text) FROM saved",
            CHANNEL,
            [r.registration_id for r in registrations],
            [r.status.value for r in registrations],
            [r.waitlisted_at for r in registrations],
            [r.rejection_reason for r in registrations],
            [r.cancelled_at for r in registrations],
            [r.cancel_reason for r in registrations],
            [_choices_json(r.choices) for r in registrations],
        )

    async def position(self, registration: Registration) -> int | None:
        if (
            registration.status is not RegistrationStatus.WAITLISTED
            or registration.waitlisted_at is None
        ):
            return None
        ahead: int = await self.conn.fetchval(
            "SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'waitlisted' "
            "AND (waitlisted_at, registration_id) < ($2, $3)",
            registration.event_id,
            registration.waitlisted_at,
            registration.registration_id,
        )
        return ahead + 1

    async def of_event(self, event_id: UUID) -> list[tuple[Registration, int | None]]:
        rows = await self.conn.fetch(OF_EVENT, event_id, [s.value for s in LIST_ORDER])
        return [(_registration(row), row["place"]) for row in rows]

    async def page_of_event(
        self, query: ListParticipants
    ) -> tuple[list[tuple[Registration, int | None]], int]:
        direction = "" if query.oldest_first else " DESC"
        order = f"created_at{direction}, registration_id{direction}"
        rows, total = await page(
            self.conn, PAGE, "registrations", _page_filter(query), order, query.limit, query.offset
        )
        return [(_registration(row), row["place"]) for row in rows], total

    async def counts_of_event(
        self, event_id: UUID, since: datetime | None
    ) -> tuple[dict[str, int], int, datetime | None]:
        rows = await self.conn.fetch(COUNTS, event_id, since)
        latest = max((row["latest"] for row in rows), default=None)
        return {row["status"]: row["n"] for row in rows}, sum(row["new"] for row in rows), latest

    async def accessibility_report(self, event_id: UUID) -> AccessibilityReport:
        row = await self.conn.fetchrow(ACCESSIBILITY_REPORT, event_id, [s.value for s in ACTIVE])
        assert row is not None, "an aggregate always has a row"
        return AccessibilityReport.count(
            event_id, row["active"], row["with_needs"], json.loads(row["per_need"])
        )


class PostgresFeedback(FeedbackRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, feedback: Feedback) -> None:
        f = feedback
        await self.conn.execute(
            "INSERT INTO feedback (feedback_id, message, name, email, page, locale, received_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            f.feedback_id,
            f.message,
            f.name,
            f.email,
            f.page,
            f.locale,
            f.received_at,
        )

    async def latest(self, limit: int) -> list[Feedback]:
        rows = await self.conn.fetch(
            "SELECT feedback_id, message, name, email, page, locale, received_at FROM feedback "
            "ORDER BY received_at DESC, feedback_id LIMIT $1",
            limit,
        )
        return [Feedback(**row) for row in rows]


class PostgresUnitOfWork(outbox.PostgresUnitOfWork, UnitOfWork):
    def bind(self, conn: asyncpg.Connection) -> None:
        self.registrations = PostgresRegistrations(conn)
        self.feedback = PostgresFeedback(conn)
        self.applications = PostgresStandApplications(conn)

    async def first_times(self, consumer: str, message_ids: Collection[UUID]) -> set[UUID]:
        rows = await self._conn.fetch(
            "INSERT INTO processed_messages (consumer, message_id) "
            "SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id",
            consumer,
            list(message_ids),
        )
        return {row["message_id"] for row in rows}
