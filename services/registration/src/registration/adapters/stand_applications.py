"""asyncpg implementation of the applications for stands (``StandApplicationRepository``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from contracts.http.stands import StandNeed
from contracts.messages import ApplicationState
from registration.adapters.sql import Where, page
from registration.domain.commands import ListApplications
from registration.domain.stands import ApplicationCounts, Change, StandApplication
from registration.service_layer.unit_of_work import StandApplicationRepository

FIELDS = (
    "application_id",
    "event_id",
    "project_title",
    "organisation",
    "description",
    "contact_name",
    "email",
    "staff",
    "needs",
    "needs_other",
    "publish_consent_at",
    "privacy_consent_at",
    "locale",
    "idempotency_key",
    "received_at",
)
COLUMNS = ", ".join(FIELDS)
SELECT = f"SELECT {COLUMNS} FROM stand_applications "
HISTORY = (
    "SELECT application_id, revision, state, at, note FROM stand_application_history "
    "WHERE application_id = ANY($1::uuid[]) ORDER BY application_id, revision"
)
COUNTS = (
    "SELECT (SELECT coalesce(jsonb_object_agg(state, n), '{}') FROM (SELECT state, count(*) "
    "AS n FROM stand_applications WHERE event_id = $1 GROUP BY state) s)::text AS states, "
    "(SELECT coalesce(jsonb_object_agg(need, n), '{}') FROM (SELECT need, count(*) AS n "
    "FROM stand_applications, unnest(needs) AS need WHERE event_id = $1 AND state = "
    "'accepted' GROUP BY need) s)::text AS needs, "
    "(SELECT coalesce(sum(staff), 0) FROM stand_applications WHERE event_id = $1 "
    "AND state = 'accepted') AS staff, "
    "(SELECT coalesce(array_agg(DISTINCT organisation ORDER BY organisation), '{}') "
    "FROM stand_applications WHERE event_id = $1) AS organisations"
)


def _application(row: asyncpg.Record, history: list[Change]) -> StandApplication:
    return StandApplication(
        **{f: row[f] for f in FIELDS if f != "needs"},
        needs=tuple(StandNeed(n) for n in row["needs"]),
        history=history,
    )


def _filter(query: ListApplications) -> Where:
    where = Where(query.event_id)
    where.text_in(query.text, ("project_title", "organisation", "contact_name", "email"))
    where.any_of("state", [s.value for s in query.states])
    where.any_of("needs", [n.value for n in query.needs], overlap=True)
    if query.organisation:
        where.conditions.append(f"organisation = {where.param(query.organisation)}")
    return where


class PostgresStandApplications(StandApplicationRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def _with_history(self, rows: Sequence[asyncpg.Record]) -> list[StandApplication]:
        """The applications of ``rows``, each with its history (one query for all)."""
        history: dict[UUID, list[Change]] = {row["application_id"]: [] for row in rows}
        for h in await self.conn.fetch(HISTORY, list(history)):
            history[h["application_id"]].append(
                Change(h["revision"], ApplicationState(h["state"]), h["at"], h["note"])
            )
        return [_application(row, history[row["application_id"]]) for row in rows]

    async def add(self, application: StandApplication) -> StandApplication:
        a = application
        values = [getattr(a, f) for f in FIELDS]
        values[FIELDS.index("needs")] = [n.value for n in a.needs]
        placeholders = ", ".join(f"${i}" for i in range(1, len(FIELDS) + 1))
        inserted = await self.conn.fetchval(
            f"INSERT INTO stand_applications ({COLUMNS}) VALUES ({placeholders}) "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING application_id",
            *values,
        )
        if inserted is not None:
            await self._history(a.application_id, a.history)
            return application
        rows = await self.conn.fetch(f"{SELECT}WHERE idempotency_key = $1", a.idempotency_key)
        assert rows, "a conflicting application must exist"
        return (await self._with_history(rows))[0]

    async def _history(self, application_id: UUID, changes: Sequence[Change]) -> None:
        await self.conn.execute(
            "INSERT INTO stand_application_history (application_id, revision, state, at, note) "
            "SELECT $1, * FROM unnest($2::int[], $3::text[], $4::timestamptz[], $5::text[]) "
            "ON CONFLICT DO NOTHING",
            application_id,
            [c.revision for c in changes],
            [c.state.value for c in changes],
            [c.at for c in changes],
            [c.note for c in changes],
        )

    async def get(self, application_id: UUID, *, lock: bool = False) -> StandApplication | None:
        rows = await self.conn.fetch(
            f"{SELECT}WHERE application_id = $1" + (" FOR UPDATE" if lock else ""), application_id
        )
        found = await self._with_history(rows)
        return found[0] if found else None

    async def save(self, application: StandApplication) -> None:
        stored: int = await self.conn.fetchval(
            "UPDATE stand_applications SET state = $2, revision = $3 WHERE application_id = $1 "
            "RETURNING revision",
            application.application_id,
            application.state.value,
            application.revision,
        )
        assert stored == application.revision
        await self._history(application.application_id, application.history)

    async def page(self, query: ListApplications) -> tuple[list[StandApplication], int]:
        direction = " DESC" if query.newest_first else ""
        order = f"received_at{direction}, application_id{direction}"
        rows, total = await page(
            self.conn,
            SELECT,
            "stand_applications",
            _filter(query),
            order,
            query.limit,
            query.offset,
        )
        return await self._with_history(rows), total

    async def counts(self, event_id: UUID) -> ApplicationCounts:
        row = await self.conn.fetchrow(COUNTS, event_id)
        assert row is not None, "an aggregate always has a row"
        states: dict[str, int] = json.loads(row["states"])
        needs: dict[str, int] = json.loads(row["needs"])
        return ApplicationCounts(
            states={s: states.get(s.value, 0) for s in ApplicationState},
            accepted_needs={n: needs.get(n.value, 0) for n in StandNeed},
            accepted_staff=row["staff"],
            organisations=list(row["organisations"]),
        )

    async def published(self, event_id: UUID) -> list[StandApplication]:
        rows = await self.conn.fetch(
            f"{SELECT}WHERE event_id = $1 AND state = 'accepted' "
            "AND publish_consent_at IS NOT NULL ORDER BY received_at, application_id",
            event_id,
        )
        return await self._with_history(rows)
