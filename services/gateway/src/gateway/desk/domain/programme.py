"""A Fachtag's programme at the desk: time slots, some a choice between parallel sessions
(Praxisforen). How the event form holds it without JavaScript (numbered rows, empty rows
for new slots and sessions, "more rows" by sending the form), how what was typed becomes
capacity's ``ProgrammeSlot`` (ids kept, so nobody loses a seat), and who holds and waits
for a session, joined from capacity's lists and the registration service's participants.

Form fields: ``slot_rows`` (how many slot rows the form shows), per slot ``n``
``slot-n-id``, ``-title``, ``-date``, ``-start_time``, ``-end_time``, ``-ranks``,
``-choice_required``, ``-fallback``, ``-session_rows``, and per session ``m``
``slot-n-session-m-id``, ``-title``, ``-description``, ``-room``, ``-moderation``,
``-capacity``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from contracts.http.capacity import (
    MAX_SESSIONS,
    MAX_SLOTS,
    SESSION_DESCRIPTION_MAX_LENGTH,
    SESSION_TEXT_MAX_LENGTH,
    EventDetails,
    ProgrammeSession,
    ProgrammeSlot,
    SessionList,
)
from contracts.http.errors import Problem
from contracts.http.registration import Participant
from contracts.messages import EventSnapshot, SessionSnapshot, SlotSnapshot
from gateway.desk.domain.fields import (
    Where,
    check_text,
    date_problem,
    form_moment,
    parse_capacity,
    parse_date,
    parse_time,
    time_problem,
)
from gateway.domain.labels import BERLIN

SLOT_ROWS = "slot_rows"
EMPTY_SLOTS = 1
"""Empty slot rows below the programme, for new slots."""
EMPTY_SESSIONS = 2
"""Empty session rows below a slot's sessions, for new ones."""
NEW_SLOT_SESSIONS = 3
"""Session rows of a slot row that has none yet."""
MORE = "mehr"
MORE_SLOTS = "programmpunkt"
MORE_SESSIONS_PREFIX = "foren-"
DEFAULT_RANKS = 3
SESSION_TEXTS = {
    "title": SESSION_TEXT_MAX_LENGTH,
    "description": SESSION_DESCRIPTION_MAX_LENGTH,
    "room": SESSION_TEXT_MAX_LENGTH,
    "moderation": SESSION_TEXT_MAX_LENGTH,
}


class SessionNotFound(Exception):
    """The event's programme has no session with this id."""


def slot_field(slot: int, name: str) -> str:
    return f"slot-{slot}-{name}"


def session_field(slot: int, session: int, name: str) -> str:
    return f"slot-{slot}-session-{session}-{name}"


def _count(value: str | None, default: int, most: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        number = default
    return max(0, min(number, most))


@dataclass(frozen=True)
class SlotRows:
    """One slot row of the form and the numbers of its session rows."""

    number: int
    sessions: tuple[int, ...]

    @property
    def can_grow(self) -> bool:
        return len(self.sessions) < MAX_SESSIONS


def row_layout(form: Mapping[str, str]) -> list[SlotRows]:
    """The rows the form shows: as many as it was sent with (``slot_rows``,
    ``slot-n-session_rows``), more where ``mehr`` asked for them."""
    more = form.get(MORE, "")
    slots = _count(form.get(SLOT_ROWS), EMPTY_SLOTS, MAX_SLOTS)
    if more == MORE_SLOTS:
        slots = min(slots + 1, MAX_SLOTS)
    layout = []
    for number in range(1, slots + 1):
        sessions = _count(
            form.get(slot_field(number, "session_rows")), NEW_SLOT_SESSIONS, MAX_SESSIONS
        )
        if more == f"{MORE_SESSIONS_PREFIX}{number}":
            sessions = min(sessions + EMPTY_SESSIONS, MAX_SESSIONS)
        layout.append(SlotRows(number, tuple(range(1, sessions + 1))))
    return layout


def wants_more_rows(form: Mapping[str, str]) -> bool:
    """The form was sent for more empty rows, not to be saved."""
    return bool(form.get(MORE))


def _id(value: str) -> UUID | None:
    """A kept id (a hidden field); anything else is a new slot or session."""
    try:
        return UUID(value.strip())
    except ValueError:
        return None


def _blank(form: Mapping[str, str], names: Sequence[str]) -> bool:
    return not any(form.get(name, "").strip() for name in names)


def _session_names(slot: int, number: int) -> dict[str, str]:
    return {name: session_field(slot, number, name) for name in (*SESSION_TEXTS, "capacity")}


def _session(
    form: Mapping[str, str], slot: int, number: int, problems: list[Problem]
) -> ProgrammeSession | None:
    """Session row ``number`` of slot row ``slot`` (not left empty); None when it has a
    problem (added to ``problems``)."""
    names = _session_names(slot, number)
    where = Where(
        f"Programmpunkt {slot}, Forum {number}", f"Programme item {slot}, session {number}"
    )
    found: list[Problem] = []
    texts = {
        name: check_text(
            form.get(names[name], ""),
            names[name],
            limit,
            found,
            required=name == "title",
            multiline=name == "description",
            where=where,
        )
        for name, limit in SESSION_TEXTS.items()
    }
    capacity = parse_capacity(form.get(names["capacity"], ""), found, names["capacity"], where)
    problems.extend(found)
    if capacity is None or found:
        return None
    return ProgrammeSession(
        session_id=_id(form.get(session_field(slot, number, "id"), "")), capacity=capacity, **texts
    )


def _ranks(value: str, sessions: int, field: str, where: Where, problems: list[Problem]) -> int:
    if not sessions:
        return 0
    if not value.strip():
        return min(DEFAULT_RANKS, sessions)
    try:
        ranks = int(value.strip())
    except ValueError:
        ranks = 0
    if not 1 <= ranks <= sessions:
        problems.append(
            where.problem(
                field,
                "invalid",
                f"Es können 1 bis {sessions} Wünsche abgefragt werden.",
                f"Ask for 1 to {sessions} choices.",
            )
        )
    return ranks


@dataclass(frozen=True)
class EventPeriod:
    """When the event is, as far as it could be read (the slots must lie within it)."""

    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def first_day(self) -> date | None:
        return self.starts_at.astimezone(BERLIN).date() if self.starts_at else None

    def holds(self, starts_at: datetime, ends_at: datetime) -> bool:
        if self.starts_at is None or self.ends_at is None:
            return True
        return self.starts_at <= starts_at and ends_at <= self.ends_at


def _times(
    form: Mapping[str, str], slot: int, period: EventPeriod, where: Where, problems: list[Problem]
) -> tuple[datetime, datetime] | None:
    """A slot's start and end: one day (the event's first when none is typed), two times."""
    day_text = form.get(slot_field(slot, "date"), "")
    day = parse_date(day_text) if day_text.strip() else period.first_day
    starts, ends = (
        parse_time(form.get(slot_field(slot, name), "")) for name in ("start_time", "end_time")
    )
    if day is None and day_text.strip():
        problems.append(date_problem(slot_field(slot, "date"), where))
    if starts is None:
        problems.append(time_problem(slot_field(slot, "start_time"), where))
    if ends is None:
        problems.append(time_problem(slot_field(slot, "end_time"), where))
    if day is None or starts is None or ends is None:
        return None
    starts_at = datetime.combine(day, starts, tzinfo=BERLIN)
    ends_at = datetime.combine(day, ends, tzinfo=BERLIN)
    if ends_at <= starts_at:
        problems.append(
            where.problem(
                slot_field(slot, "end_time"),
                "before_start",
                "Das Ende muss nach dem Beginn liegen.",
                "The end must be after the start.",
            )
        )
    elif not period.holds(starts_at, ends_at):
        problems.append(
            where.problem(
                slot_field(slot, "start_time"),
                "outside_event",
                "Der Programmpunkt muss zwischen Beginn und Ende der Veranstaltung liegen.",
                "The programme item must lie between the start and the end of the event.",
            )
        )
    return starts_at, ends_at


def _slot(
    form: Mapping[str, str], rows: SlotRows, period: EventPeriod, problems: list[Problem]
) -> ProgrammeSlot | None:
    """Slot row ``rows.number``; None when it and its sessions are left empty, or when it
    has a problem (added to ``problems``)."""
    number = rows.number
    own = [slot_field(number, name) for name in ("title", "date", "start_time", "end_time")]
    typed = [m for m in rows.sessions if not _blank(form, list(_session_names(number, m).values()))]
    if _blank(form, own) and not typed:
        return None
    found: list[Problem] = []
    sessions = [s for m in typed if (s := _session(form, number, m, found)) is not None]
    where = Where(f"Programmpunkt {number}", f"Programme item {number}")
    title = check_text(
        form.get(own[0], ""), own[0], SESSION_TEXT_MAX_LENGTH, found, required=True, where=where
    )
    times = _times(form, number, period, where, found)
    ranks_field = slot_field(number, "ranks")
    ranks = _ranks(form.get(ranks_field, ""), len(typed), ranks_field, where, found)
    problems.extend(found)
    if times is None or found:
        return None
    return ProgrammeSlot(
        slot_id=_id(form.get(slot_field(number, "id"), "")),
        title=title,
        starts_at=times[0],
        ends_at=times[1],
        sessions=sessions,
        ranks=ranks,
        choice_required=bool(sessions) and bool(form.get(slot_field(number, "choice_required"))),
        fallback=bool(sessions) and bool(form.get(slot_field(number, "fallback"))),
    )


def programme_from_form(
    form: Mapping[str, str],
    starts_at: datetime | None,
    ends_at: datetime | None,
    problems: list[Problem],
) -> list[ProgrammeSlot]:
    """The programme as typed, in the order of the rows; empty rows are left out. Adds a
    problem per field to ``problems`` (then the list is not to be sent)."""
    period = EventPeriod(starts_at, ends_at)
    slots = [_slot(form, rows, period, problems) for rows in row_layout(form)]
    return [slot for slot in slots if slot is not None]


# --- from capacity's snapshot -----------------------------------------------------------


def programme_values(event: EventSnapshot) -> dict[str, str]:
    """The programme as the form shows it for editing, with an empty row for a new slot and
    empty rows for new sessions; ids in the hidden fields."""
    values = {SLOT_ROWS: str(len(event.programme) + EMPTY_SLOTS)}
    for number, slot in enumerate(event.programme, start=1):
        day, starts = form_moment(slot.starts_at)
        values |= {
            slot_field(number, "id"): str(slot.slot_id),
            slot_field(number, "title"): slot.title,
            slot_field(number, "date"): day,
            slot_field(number, "start_time"): starts,
            slot_field(number, "end_time"): form_moment(slot.ends_at)[1],
            slot_field(number, "ranks"): str(slot.ranks) if slot.sessions else "",
            slot_field(number, "choice_required"): "ja" if slot.choice_required else "",
            slot_field(number, "fallback"): "ja" if slot.fallback else "",
            slot_field(number, "session_rows"): str(
                min(len(slot.sessions) + EMPTY_SESSIONS, MAX_SESSIONS)
            ),
        }
        for index, session in enumerate(slot.sessions, start=1):
            values |= {
                session_field(number, index, "id"): str(session.session_id),
                session_field(number, index, "title"): session.title,
                session_field(number, index, "description"): session.description,
                session_field(number, index, "room"): session.room,
                session_field(number, index, "moderation"): session.moderation,
                session_field(number, index, "capacity"): str(session.capacity),
            }
    if event.choice_deadline is not None:
        values["choice_deadline_date"], values["choice_deadline_time"] = form_moment(
            event.choice_deadline
        )
    return values


def _programme_slot(slot: SlotSnapshot, capacities: Mapping[UUID, int]) -> ProgrammeSlot:
    """A slot as capacity reported it, as what it is sent (the seat counts left out)."""
    sessions = [
        ProgrammeSession(
            **s.model_dump(exclude={"capacity"}), capacity=capacities.get(s.session_id, s.capacity)
        )
        for s in slot.sessions
    ]
    return ProgrammeSlot(**slot.model_dump(exclude={"sessions"}), sessions=sessions)


def find_session(event: EventSnapshot, session_id: UUID) -> tuple[SlotSnapshot, SessionSnapshot]:
    """The slot and the session; ``SessionNotFound`` when the programme has none such."""
    for slot in event.programme:
        for session in slot.sessions:
            if session.session_id == session_id:
                return slot, session
    raise SessionNotFound(str(session_id))


def with_session_capacity(event: EventSnapshot, session_id: UUID, capacity: int) -> EventDetails:
    """The event's details as they are, one session with a new capacity: what ``PUT
    /events/{id}`` is sent to change it (every other id and setting kept)."""
    find_session(event, session_id)
    fields = set(EventDetails.model_fields) - {"programme"}
    return EventDetails(
        **event.model_dump(include=fields),
        programme=[_programme_slot(slot, {session_id: capacity}) for slot in event.programme],
    )


# --- who holds and waits ----------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """A registration on a session's list; ``participant`` None when the registration
    service did not list it; ``place`` the place on the waiting list (from 1)."""

    registration_id: UUID
    participant: Participant | None
    place: int | None = None


@dataclass(frozen=True)
class SessionRoster:
    slot: SlotSnapshot
    session: SessionSnapshot
    holders: tuple[RosterEntry, ...]
    waiting: tuple[RosterEntry, ...]


def rosters(
    event: EventSnapshot, lists: Sequence[SessionList], participants: Sequence[Participant]
) -> list[SessionRoster]:
    """Every session of the programme in its order, with the people capacity lists for it
    (holders as listed, the waiting list first in line first)."""
    people = {p.registration_id: p for p in participants}
    by_session = {entry.session_id: entry for entry in lists}
    found = []
    for slot in event.programme:
        for session in slot.sessions:
            listed = by_session.get(session.session_id)
            holders = listed.holders if listed else []
            waiting = listed.waiting if listed else []
            found.append(
                SessionRoster(
                    slot,
                    session,
                    tuple(RosterEntry(r, people.get(r)) for r in holders),
                    tuple(
                        RosterEntry(r, people.get(r), place) for place, r in enumerate(waiting, 1)
                    ),
                )
            )
    return found


def roster_of(rosters: Sequence[SessionRoster], session_id: UUID) -> SessionRoster:
    for roster in rosters:
        if roster.session.session_id == session_id:
            return roster
    raise SessionNotFound(str(session_id))
