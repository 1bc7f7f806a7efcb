"""asyncpg implementations of the capacity ports."""

from __future__ import annotations

import copy
import json
from collections.abc import Collection
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from capacity.adapters import metrics
from capacity.domain.model import (
    CloseReason,
    Details,
    Event,
    Outcome,
    Rejection,
    ReleaseReason,
    Seat,
    Stand,
    StandCall,
    Status,
)
from capacity.domain.programme import SlotAllocation
from capacity.domain.sessions import EventSessions, Session, Slot
from capacity.service_layer.unit_of_work import (
    EventRepository,
    SeatRepository,
    SessionRepository,
    StandRepository,
    UnitOfWork,
)
from servicekit import outbox

EVENT_FIELDS = (
    "event_id",
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "address",
    "city",
    "organiser_contact",
    "capacity",
    "waitlist_enabled",
    "registration_deadline",
    "programme",
    "choice_deadline",
    "stand_call",
    "status",
    "close_reason",
    "seats_taken",
    "waitlist_length",
    "next_seq",
    "revision",
    "session_counts",
    "stands_taken",
)
EVENT_COLUMNS = ", ".join(EVENT_FIELDS)
INSERT_EVENT = (
    f"INSERT INTO events ({EVENT_COLUMNS}) VALUES "
    f"({', '.join(f'${i}' for i in range(1, len(EVENT_FIELDS) + 1))})"
)
UPDATE_EVENT = (
    "UPDATE events SET "
    + ", ".join(f"{name}=${i}" for i, name in enumerate(EVENT_FIELDS, start=1) if i > 1)
    + ", updated_at=now() WHERE event_id=$1"
)
SEAT_COLUMNS = (
    "registration_id, event_id, outcome, seq, rejection_reason, from_waitlist, release_reason, "
    "choices, stand_application_id"
)


DETAILS_FIELDS = frozenset(f.name for f in fields(Details))
"""The columns that hold the event's ``Details``; the rest are ``Event`` attributes."""


def _programme(stored: str) -> tuple[Slot, ...]:
    slots = []
    for slot in json.loads(stored):
        sessions = tuple(
            Session(**{**session, "session_id": UUID(session["session_id"])})
            for session in slot.pop("sessions")
        )
        slots.append(
            Slot(
                **{
                    **slot,
                    "slot_id": UUID(slot["slot_id"]),
                    "starts_at": datetime.fromisoformat(slot["starts_at"]),
                    "ends_at": datetime.fromisoformat(slot["ends_at"]),
                },
                sessions=sessions,
            )
        )
    return tuple(slots)


def _stored(value: object) -> str:
    return json.dumps(value, default=str)


def _event(row: asyncpg.Record) -> Event:
    data: dict[str, Any] = dict(row)
    data["programme"] = _programme(data["programme"])
    if data["stand_call"] is not None:
        data["stand_call"] = StandCall.model_validate_json(data["stand_call"])
    details = Details(**{name: data.pop(name) for name in DETAILS_FIELDS})
    data["status"] = Status(data["status"])
    data["close_reason"] = CloseReason(data["close_reason"]) if data["close_reason"] else None
    data["session_counts"] = {
        UUID(session): (taken, waiting)
        for session, (taken, waiting) in json.loads(data["session_counts"]).items()
    }
    return Event(details=details, **data)


def _values(event: Event) -> list[object]:
    """The event's column values in ``EVENT_FIELDS`` order (``$1`` is the event id)."""
    values = {
        name: getattr(event.details if name in DETAILS_FIELDS else event, name)
        for name in EVENT_FIELDS
    }
    values["programme"] = _stored([asdict(slot) for slot in event.details.programme])
    call = event.details.stand_call
    values["stand_call"] = call.model_dump_json() if call else None
    values["session_counts"] = _stored(
        {str(session): list(counts) for session, counts in event.session_counts.items()}
    )
    return list(values.values())


def _seat(row: asyncpg.Record) -> Seat:
    return Seat(
        registration_id=row["registration_id"],
        event_id=row["event_id"],
        outcome=Outcome(row["outcome"]),
        seq=row["seq"],
        rejection=Rejection(row["rejection_reason"]) if row["rejection_reason"] else None,
        from_waitlist=row["from_waitlist"],
        release_reason=ReleaseReason(row["release_reason"]) if row["release_reason"] else None,
        choices={
            UUID(slot): tuple(UUID(s) for s in ranking)
            for slot, ranking in json.loads(row["choices"]).items()
        },
        stand_application_id=row["stand_application_id"],
    )


def _choices(seat: Seat) -> str:
    return _stored({str(slot): [str(s) for s in ranking] for slot, ranking in seat.choices.items()})


class PostgresEvents(EventRepository):
    """Locked events are kept for the rest of the transaction and written once at commit:
    a batch of 500 decisions for one event reads and updates its row once, not 500 times."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._locked: dict[UUID, Event] = {}
        self._dirty: set[UUID] = set()

    async def add(self, event: Event) -> None:
        await self.conn.execute(INSERT_EVENT, *_values(event))

    async def get(self, event_id: UUID, *, lock: bool = False) -> Event | None:
        if event_id in self._locked:
            return self._locked[event_id]
        row = await self.conn.fetchrow(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1"
            + (" FOR UPDATE" if lock else ""),
            event_id,
        )
        event = _event(row) if row else None
        if lock and event is not None:
            self._locked[event_id] = event
        return event

    async def save(self, event: Event) -> None:
        if self._locked.get(event.event_id) is event:
            self._dirty.add(event.event_id)
        else:
            await self._update(event)

    async def flush(self) -> None:
        """Write the locked events that changed (called at commit)."""
        for event_id in self._dirty:
            await self._update(self._locked[event_id])
        self._dirty.clear()

    async def _update(self, event: Event) -> None:
        await self.conn.execute(UPDATE_EVENT, *_values(event))

    async def all(self) -> list[Event]:
        rows = await self.conn.fetch(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at")
        return [_event(r) for r in rows]

    async def past_deadline(self, now: datetime) -> list[UUID]:
        rows = await self.conn.fetch(
            "SELECT event_id FROM events WHERE status = 'open' AND registration_deadline < $1",
            now,
        )
        return [r["event_id"] for r in rows]


class PostgresSeats(SeatRepository):
    """Seats added are written together, at commit or before the next query that reads or
    changes seats in the table; ``prefetch`` learns in one round trip which registrations
    have no seat yet.  A batch of 500 requests costs two round trips for its seats, not
    1,000."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._added: dict[UUID, tuple[Seat, tuple[Any, ...]]] = {}
        self._absent: set[UUID] = set()

    async def prefetch(self, registration_ids: Collection[UUID]) -> None:
        unknown = [i for i in registration_ids if i not in self._added]
        rows = await self.conn.fetch(
            "SELECT registration_id FROM seats WHERE registration_id = ANY($1::uuid[])", unknown
        )
        self._absent.update(set(unknown) - {row["registration_id"] for row in rows})

    async def get(self, registration_id: UUID) -> Seat | None:
        if registration_id in self._added:  # as a read of its row would give it
            return copy.deepcopy(self._added[registration_id][0])
        if registration_id in self._absent:
            return None
        row = await self.conn.fetchrow(
            f"SELECT {SEAT_COLUMNS} FROM seats WHERE registration_id = $1", registration_id
        )
        return _seat(row) if row else None

    async def add(
        self, seat: Seat, *, decision_id: UUID, requested_at: datetime, decided_at: datetime
    ) -> None:
        s = seat
        row = (
            s.registration_id,
            s.event_id,
            s.outcome.value,
            s.seq,
            s.rejection,
            s.from_waitlist,
            s.release_reason,
            _choices(s),
            s.stand_application_id,
            decision_id,
            requested_at,
            decided_at,
        )
        self._absent.discard(s.registration_id)
        self._added[s.registration_id] = (copy.deepcopy(s), row)

    async def flush(self) -> None:
        """Write the seats added (called at commit and before every other query)."""
        if not self._added:
            return
        added, self._added = self._added, {}
        await self.conn.executemany(
            f"INSERT INTO seats ({SEAT_COLUMNS}, decision_id, requested_at, decided_at) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
            [row for _, row in added.values()],
        )

    async def save(self, seat: Seat, *, decision_id: UUID, decided_at: datetime) -> None:
        await self.flush()
        await self.conn.execute(
            "UPDATE seats SET outcome=$2, from_waitlist=$3, release_reason=$4, decision_id=$5, "
            "decided_at=$6, choices=$7 WHERE registration_id=$1",
            seat.registration_id,
            seat.outcome.value,
            seat.from_waitlist,
            seat.release_reason,
            decision_id,
            decided_at,
            _choices(seat),
        )

    async def save_choices(self, seat: Seat) -> None:
        await self.flush()
        await self.conn.execute(
            "UPDATE seats SET choices=$2 WHERE registration_id=$1",
            seat.registration_id,
            _choices(seat),
        )

    async def waiting(self, event_id: UUID, limit: int) -> list[Seat]:
        if limit <= 0:
            return []
        await self.flush()
        rows = await self.conn.fetch(
            f"SELECT {SEAT_COLUMNS} FROM seats WHERE event_id = $1 AND outcome = 'waitlisted' "
            "ORDER BY seq LIMIT $2",
            event_id,
            limit,
        )
        return [_seat(r) for r in rows]

    async def of_stand(self, application_id: UUID) -> list[Seat]:
        await self.flush()
        rows = await self.conn.fetch(
            f"SELECT {SEAT_COLUMNS} FROM seats WHERE stand_application_id = $1 "
            "AND outcome = 'confirmed' ORDER BY seq",
            application_id,
        )
        return [_seat(r) for r in rows]

    async def holding(self, event_id: UUID) -> list[Seat]:
        await self.flush()
        rows = await self.conn.fetch(
            f"SELECT {SEAT_COLUMNS} FROM seats WHERE event_id = $1 "
            "AND outcome IN ('confirmed', 'waitlisted') ORDER BY seq",
            event_id,
        )
        return [_seat(r) for r in rows]


class PostgresStands(StandRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def get(self, application_id: UUID) -> Stand | None:
        row = await self.conn.fetchrow(
            "SELECT application_id, event_id, staff, revision, released FROM stands "
            "WHERE application_id = $1",
            application_id,
        )
        return Stand(**row) if row else None

    async def save(self, stand: Stand) -> None:
        await self.conn.execute(
            "INSERT INTO stands (application_id, event_id, staff, revision, released) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO UPDATE "
            "SET staff = $3, revision = $4, released = $5",
            stand.application_id,
            stand.event_id,
            stand.staff,
            stand.revision,
            stand.released,
        )


State = tuple[tuple[UUID, ...], dict[UUID, int], UUID | None]
"""A person's ranking, claims and session held in one slot, as ``session_choices`` keeps it."""


def _states(sessions: EventSessions) -> dict[tuple[UUID, UUID], State]:
    return {
        (person, slot_id): allocation.state(person)
        for slot_id, allocation in sessions.slots.items()
        for person in allocation.people()
    }


class PostgresSessions(SessionRepository):
    """Loaded once per event and transaction; at commit only the rows that changed are
    written."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._loaded: dict[UUID, tuple[EventSessions, dict[tuple[UUID, UUID], State]]] = {}

    async def get(self, event: Event) -> EventSessions:
        if event.event_id in self._loaded:
            return self._loaded[event.event_id][0]
        choice_slots = [slot for slot in event.details.programme if slot.is_choice]
        rows = (
            []
            if not choice_slots
            else await self.conn.fetch(
                "SELECT registration_id, slot_id, ranking, claims, holds FROM session_choices "
                "WHERE event_id = $1 ORDER BY registration_id",
                event.event_id,
            )
        )
        by_slot: dict[UUID, list[tuple[UUID, list[UUID], dict[UUID, int], UUID | None]]] = {}
        for row in rows:
            claims = {UUID(s): claim for s, claim in json.loads(row["claims"]).items()}
            by_slot.setdefault(row["slot_id"], []).append(
                (row["registration_id"], row["ranking"], claims, row["holds"])
            )
        sessions = EventSessions(
            {
                slot.slot_id: SlotAllocation.restored(
                    {s.session_id: s.capacity for s in slot.sessions},
                    slot.fallback,
                    by_slot.get(slot.slot_id, []),
                )
                for slot in choice_slots
            }
        )
        self._loaded[event.event_id] = (sessions, _states(sessions))
        return sessions

    async def flush(self) -> None:
        for event_id, (sessions, before) in self._loaded.items():
            now = _states(sessions)
            gone = [key for key in before if key not in now]
            changed = [(key, state) for key, state in now.items() if before.get(key) != state]
            if gone:
                await self.conn.executemany(
                    "DELETE FROM session_choices WHERE registration_id = $1 AND slot_id = $2",
                    gone,
                )
            if changed:
                await self.conn.executemany(
                    "INSERT INTO session_choices (registration_id, event_id, slot_id, ranking, "
                    "claims, holds) VALUES ($1, $2, $3, $4, $5, $6) "
                    "ON CONFLICT (registration_id, slot_id) DO UPDATE SET ranking = $4, "
                    "claims = $5, holds = $6",
                    [
                        (person, event_id, slot_id, list(ranking), _claims(claims), holds)
                        for (person, slot_id), (ranking, claims, holds) in changed
                    ],
                )
            self._loaded[event_id] = (sessions, now)


def _claims(claims: dict[UUID, int]) -> str:
    return _stored({str(session): claim for session, claim in claims.items()})


class PostgresUnitOfWork(outbox.PostgresUnitOfWork, UnitOfWork):
    def bind(self, conn: asyncpg.Connection) -> None:
        self._events = PostgresEvents(conn)
        self.events = self._events
        self._seats = PostgresSeats(conn)
        self.seats = self._seats
        self._sessions = PostgresSessions(conn)
        self.sessions = self._sessions
        self.stands = PostgresStands(conn)

    async def commit(self) -> None:
        await self._seats.flush()
        await self._sessions.flush()
        await self._events.flush()
        await super().commit()
        metrics.count(payload for payload, _ in self.messages)
