"""An event's programme (time slots, some with parallel sessions) and who holds and waits
for which session: one ``SlotAllocation`` per choice slot, for the people with a day seat.

Pure Python.  ``EventSessions`` turns the allocations' moves into ``SessionChange``s the
service layer announces, each with the reason the person moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from capacity.domain.programme import Move, SessionsRefused, SlotAllocation
from contracts.http.errors import Problem
from contracts.messages import SessionMoveReason, SessionReleaseReason

Choices = Mapping[UUID, Sequence[UUID]]
"""Per choice slot, the sessions a person asks for, best first."""


@dataclass(frozen=True)
class Session:
    session_id: UUID
    title: str
    capacity: int
    description: str = ""
    room: str = ""
    moderation: str = ""


@dataclass(frozen=True)
class Slot:
    """A time slot: a plenary (no sessions) or a choice between parallel sessions."""

    slot_id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    sessions: tuple[Session, ...] = ()
    ranks: int = 0
    """How many choices are asked (1st, 2nd, …), at most as many as there are sessions."""
    choice_required: bool = False
    fallback: bool = False
    """All ranked sessions full: give any session with a free seat."""

    @property
    def is_choice(self) -> bool:
        return bool(self.sessions)

    def session(self, session_id: UUID) -> Session | None:
        return next((s for s in self.sessions if s.session_id == session_id), None)

    def ranking(self, asked: Sequence[UUID]) -> tuple[UUID, ...]:
        """``asked`` as a ranking of this slot: its own sessions, each once, at most
        ``ranks`` of them (the gateway refuses worse; a message is never lost for it)."""
        known = {s.session_id for s in self.sessions}
        ranked: list[UUID] = []
        for session_id in asked:
            if session_id in known and session_id not in ranked:
                ranked.append(session_id)
        return tuple(ranked[: max(self.ranks, 1)])

    def problems(self, position: int) -> list[Problem]:
        """What an organiser must correct in this slot (``position`` counts from 1)."""
        where_de, where_en = f"Programmpunkt {position}", f"Programme item {position}"
        found: list[tuple[str, str]] = []
        if not self.title.strip():
            found.append((f"{where_de}: Der Titel fehlt.", f"{where_en}: the title is missing."))
        if self.ends_at < self.starts_at:
            found.append(
                (
                    f"{where_de}: Das Ende liegt vor dem Beginn.",
                    f"{where_en}: the end is before the start.",
                )
            )
        for number, session in enumerate(self.sessions, start=1):
            if not session.title.strip():
                found.append(
                    (
                        f"{where_de}, Forum {number}: Der Titel fehlt.",
                        f"{where_en}, session {number}: the title is missing.",
                    )
                )
            if session.capacity < 0:
                found.append(
                    (
                        f"{where_de}, Forum {number}: Die Kapazität muss 0 oder mehr sein.",
                        f"{where_en}, session {number}: the capacity must be zero or more.",
                    )
                )
        if self.sessions and not 1 <= self.ranks <= len(self.sessions):
            found.append(
                (
                    f"{where_de}: Es können 1 bis {len(self.sessions)} Wünsche abgefragt werden.",
                    f"{where_en}: ask for 1 to {len(self.sessions)} choices.",
                )
            )
        return [
            Problem(field="programme", code="invalid", message_de=de, message_en=en)
            for de, en in found
        ]


def programme_problems(programme: Sequence[Slot]) -> list[Problem]:
    found = [p for position, slot in enumerate(programme, 1) for p in slot.problems(position)]
    ids = [slot.slot_id for slot in programme] + [
        session.session_id for slot in programme for session in slot.sessions
    ]
    if len(ids) != len(set(ids)):
        found.append(
            Problem(
                field="programme",
                code="duplicate",
                message_de="Zwei Programmpunkte oder Foren haben dieselbe Kennung.",
                message_en="Two programme items or sessions have the same id.",
            )
        )
    return found


@dataclass(frozen=True)
class SessionChange:
    """One person's move in one slot, or their joining a session's waiting list."""

    slot_id: UUID
    registration_id: UUID
    session_id: UUID | None
    """Held now (a move) or waited for (``position`` set); None: released."""
    previous: UUID | None = None
    rank: int | None = None
    reason: SessionMoveReason | SessionReleaseReason | None = None
    position: int | None = None


@dataclass(frozen=True)
class Place:
    """A person's place in one slot: the session held, its rank, waiting-list places."""

    slot_id: UUID
    session_id: UUID | None
    rank: int | None
    waiting: tuple[tuple[UUID, int], ...]


@dataclass
class EventSessions:
    """The allocations of an event's choice slots (by ``slot_id``)."""

    slots: dict[UUID, SlotAllocation[UUID, UUID]] = field(default_factory=dict)

    @classmethod
    def empty(cls, programme: Iterable[Slot]) -> EventSessions:
        return cls({slot.slot_id: _allocation(slot) for slot in programme if slot.is_choice})

    # --- what it shows -----------------------------------------------------------------

    def counts(self) -> dict[UUID, tuple[int, int]]:
        """Per session: seats taken, people waiting."""
        return {
            session: (allocation.holder_count(session), len(allocation.waiting_list(session)))
            for allocation in self.slots.values()
            for session in allocation.capacities
        }

    def lists(
        self, programme: Iterable[Slot]
    ) -> Iterator[tuple[UUID, Session, list[UUID], list[UUID]]]:
        """Per session of ``programme``'s choice slots: slot id, session, who holds a seat,
        who waits (first in line first)."""
        for slot in programme:
            allocation = self.slots.get(slot.slot_id)
            if allocation is None:
                continue
            for session in slot.sessions:
                yield (
                    slot.slot_id,
                    session,
                    allocation.holders(session.session_id),
                    allocation.waiting_list(session.session_id),
                )

    def places(self, person: UUID) -> list[Place]:
        return [
            _place(slot_id, allocation, person)
            for slot_id, allocation in self.slots.items()
            if allocation.takes_part(person)
        ]

    # --- what changes it ---------------------------------------------------------------

    def admit(
        self, person: UUID, choices: Choices, programme: Sequence[Slot]
    ) -> list[SessionChange]:
        """A person got a day seat: allocate each slot they ranked sessions in."""
        changes: list[SessionChange] = []
        for slot in programme:
            allocation = self.slots.get(slot.slot_id)
            if allocation is None or allocation.takes_part(person):
                continue
            ranking = slot.ranking(choices.get(slot.slot_id, ()))
            if not ranking and not slot.fallback:
                continue
            moves = allocation.admit(person, ranking)
            changes += self._changes(slot.slot_id, moves, person, SessionMoveReason.ALLOCATED)
            changes += _waits(slot.slot_id, allocation, person, set())
        return changes

    def release(self, person: UUID) -> list[SessionChange]:
        """The day seat ended: every session seat frees (and the waiting move up)."""
        changes: list[SessionChange] = []
        for slot_id, allocation in self.slots.items():
            if allocation.takes_part(person):
                moves = allocation.release(person)
                changes += self._changes(slot_id, moves, person, SessionReleaseReason.DAY_RELEASED)
        return changes

    def change(
        self, person: UUID, choices: Choices, programme: Sequence[Slot]
    ) -> list[SessionChange]:
        """New rankings for the slots named in ``choices``."""
        changes: list[SessionChange] = []
        for slot in programme:
            allocation = self.slots.get(slot.slot_id)
            if allocation is None or slot.slot_id not in choices:
                continue
            ranking = slot.ranking(choices[slot.slot_id])
            if not allocation.takes_part(person):
                changes += self.admit(person, {slot.slot_id: ranking}, [slot])
                continue
            before = set(_waiting_for(allocation, person))
            moves = allocation.change(person, ranking)
            changes += self._changes(slot.slot_id, moves, person, SessionMoveReason.CHOICE_CHANGED)
            changes += _waits(slot.slot_id, allocation, person, before)
        return changes

    def assign(self, person: UUID, slot_id: UUID, session_id: UUID) -> list[SessionChange]:
        """The organisers' move; ``SessionsRefused`` when the session is full."""
        allocation = self.slots[slot_id]
        if allocation.takes_part(person):
            moves = allocation.assign(person, session_id)
        elif allocation.seats_left(session_id) > 0:
            moves = allocation.admit(person, (session_id,))
        else:
            raise SessionsRefused(f"{session_id} has no free seat")
        return self._changes(slot_id, moves, person, SessionMoveReason.ORGANISER)

    def reprogramme(self, programme: Sequence[Slot]) -> list[SessionChange]:
        """A new programme: new slots and sessions, removed ones (refused while someone
        holds them), new capacities (never below the seats taken; more seats move people
        up)."""
        changes: list[SessionChange] = []
        wanted = {slot.slot_id: slot for slot in programme if slot.is_choice}
        for slot_id in [s for s in self.slots if s not in wanted]:
            if any(self.slots[slot_id].holding(p) for p in self.slots[slot_id].people()):
                raise SessionsRefused("a slot with people in its sessions cannot be removed")
            del self.slots[slot_id]
        for slot in wanted.values():
            allocation = self.slots.setdefault(slot.slot_id, _allocation(slot))
            allocation.fallback = slot.fallback
            capacities = {s.session_id: s.capacity for s in slot.sessions}
            for session_id in [s for s in allocation.capacities if s not in capacities]:
                allocation.remove_session(session_id)
            for session_id, capacity in capacities.items():
                if session_id not in allocation.capacities:
                    allocation.add_session(session_id, 0)
                moves = allocation.set_capacity(session_id, capacity)
                changes += self._changes(slot.slot_id, moves, None, SessionMoveReason.MOVED_UP)
        return changes

    def _changes(
        self,
        slot_id: UUID,
        moves: Sequence[Move[UUID, UUID]],
        person: UUID | None,
        reason: SessionMoveReason | SessionReleaseReason,
    ) -> list[SessionChange]:
        """The moves as changes: the acting person's with ``reason``, the cascade's as
        moves up (or fallback seats)."""
        changes = []
        for move in moves:
            mover_reason = reason if move.person == person else SessionMoveReason.MOVED_UP
            if move.to is None:
                released = (
                    mover_reason
                    if isinstance(mover_reason, SessionReleaseReason)
                    else SessionReleaseReason.CHOICE_CHANGED
                )
                changes.append(
                    SessionChange(slot_id, move.person, None, move.previous, reason=released)
                )
                continue
            if isinstance(mover_reason, SessionReleaseReason):
                mover_reason = SessionMoveReason.MOVED_UP
            if move.rank is None and mover_reason is SessionMoveReason.MOVED_UP:
                mover_reason = SessionMoveReason.FALLBACK  # a freed seat for someone without
            changes.append(
                SessionChange(
                    slot_id,
                    move.person,
                    move.to,
                    move.previous,
                    rank=move.rank,
                    reason=mover_reason,
                )
            )
        return changes


def _allocation(slot: Slot) -> SlotAllocation[UUID, UUID]:
    return SlotAllocation({s.session_id: s.capacity for s in slot.sessions}, slot.fallback)


def _waiting_for(allocation: SlotAllocation[UUID, UUID], person: UUID) -> list[UUID]:
    held_rank = allocation.rank_of(person, allocation.holding(person))
    ranking = allocation.ranking(person)
    better = ranking if held_rank is None else ranking[: held_rank - 1]
    return list(better)


def _waits(
    slot_id: UUID, allocation: SlotAllocation[UUID, UUID], person: UUID, before: set[UUID]
) -> list[SessionChange]:
    """``person``'s new places on waiting lists (those not in ``before``)."""
    return [
        SessionChange(slot_id, person, session, position=allocation.place(person, session))
        for session in _waiting_for(allocation, person)
        if session not in before
    ]


def _place(slot_id: UUID, allocation: SlotAllocation[UUID, UUID], person: UUID) -> Place:
    held = allocation.holding(person)
    waiting = tuple(
        (session, position)
        for session in _waiting_for(allocation, person)
        if (position := allocation.place(person, session)) is not None
    )
    return Place(slot_id, held, allocation.rank_of(person, held), waiting)
