"""Ranked choice between parallel sessions (the Praxisforen of a Fachtag): who holds which
session of one choice slot, and who waits for which.

Pure Python, like the rest of the domain; one ``SlotAllocation`` per choice slot of an
event, for the people who hold a day seat (a person on the day's waiting list takes part
once promoted).

The rules
---------
* A person ranks some of the slot's sessions (best first). On arrival they get the
  best-ranked session with a free seat and wait for every session they ranked higher.
* Waiting is first come, first served per session: each person has a *claim* on every
  session they rank, the moment they asked for it, and a freed seat goes to the earliest
  claim among those waiting for it. Their old seat frees in turn, so the move-ups cascade;
  the cascade ends because every move is to a better rank.
* Changing one's choice: a session the person waited for that keeps its rank or moves
  down keeps its claim; a session that is new, moves up, or was ranked below the seat
  they held claims anew (it queues behind everyone who asked for it
  earlier, so ranking everything and reordering later gains nothing). The seat held is
  kept while it is still ranked (a change never loses a seat); otherwise it is given up.
* When all ranked sessions are full, ``fallback`` decides: ``False`` leaves the person
  without a session, waiting on all of them; ``True`` gives them any session with a free
  seat (unranked, so they wait for all the ranked ones), and nobody is left without a
  session while one has a free seat.
* A capacity never goes below the seats taken (``SessionsRefused``); raising it moves
  waiting people up.
* The organisers may move a person to a session with a free seat by hand: that session
  becomes their one choice (they wait for no other), so the move sticks.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Person = TypeVar("Person", bound=Hashable)
Session = TypeVar("Session", bound=Hashable)


class SessionsRefused(ValueError):
    """A change the allocation does not allow (the message says why, for organisers)."""


@dataclass(frozen=True)
class Move(Generic[Person, Session]):
    """``person`` now holds ``to`` (None: no session) instead of ``previous``; ``rank`` is
    the place of ``to`` in their ranking (1 = first choice; None: unranked or no session)."""

    person: Person
    previous: Session | None
    to: Session | None
    rank: int | None


@dataclass
class _Choice(Generic[Session]):
    ranking: tuple[Session, ...]
    claims: dict[Session, int]
    holds: Session | None = None


@dataclass
class SlotAllocation(Generic[Person, Session]):
    """The sessions of one choice slot with their capacities, and everyone's choice."""

    capacities: dict[Session, int]
    fallback: bool = False
    _choices: dict[Person, _Choice[Session]] = field(default_factory=dict)
    _clock: int = 0

    # --- what it shows -----------------------------------------------------------------

    def holders(self, session: Session) -> list[Person]:
        return [person for person, choice in self._choices.items() if choice.holds == session]

    def holder_count(self, session: Session) -> int:
        return sum(1 for choice in self._choices.values() if choice.holds == session)

    def seats_left(self, session: Session) -> int:
        return self.capacities[session] - self.holder_count(session)

    def holding(self, person: Person) -> Session | None:
        return self._choices[person].holds

    def ranking(self, person: Person) -> tuple[Session, ...]:
        return self._choices[person].ranking

    def rank_of(self, person: Person, session: Session | None) -> int | None:
        ranking = self._choices[person].ranking
        return ranking.index(session) + 1 if session in ranking else None

    def claim(self, person: Person, session: Session) -> int | None:
        """When ``person`` asked for ``session`` (or was given it as a fallback seat)."""
        return self._choices[person].claims.get(session)

    def people(self) -> Iterator[Person]:
        return iter(self._choices)

    def takes_part(self, person: Person) -> bool:
        return person in self._choices

    def state(
        self, person: Person
    ) -> tuple[tuple[Session, ...], dict[Session, int], Session | None]:
        """What storage keeps of ``person``: ranking, claims, the session held."""
        choice = self._choices[person]
        return choice.ranking, dict(choice.claims), choice.holds

    @classmethod
    def restored(
        cls,
        capacities: dict[Session, int],
        fallback: bool,
        choices: Iterable[tuple[Person, Sequence[Session], Mapping[Session, int], Session | None]],
    ) -> SlotAllocation[Person, Session]:
        """The allocation as storage kept it (``state`` of every person)."""
        allocation = cls(dict(capacities), fallback)
        for person, ranking, claims, holds in choices:
            allocation._choices[person] = _Choice(tuple(ranking), dict(claims), holds)
            allocation._clock = max(allocation._clock, *claims.values(), 0)
        return allocation

    def waiting_list(self, session: Session) -> list[Person]:
        """Everyone who ranks ``session`` above what they hold, earliest claim first."""
        waiting = [person for person in self._choices if self._wants(person, session)]
        return sorted(waiting, key=lambda person: self._choices[person].claims[session])

    def place(self, person: Person, session: Session) -> int | None:
        """``person``'s place (1 = next) on ``session``'s waiting list, if on it."""
        waiting = self.waiting_list(session)
        return waiting.index(person) + 1 if person in waiting else None

    # --- what changes it ---------------------------------------------------------------

    def admit(self, person: Person, ranking: Sequence[Session]) -> list[Move[Person, Session]]:
        """A person with a day seat takes part with ``ranking`` (best first)."""
        if person in self._choices:
            raise SessionsRefused(f"{person!r} takes part already")
        ranked = self._checked(ranking)
        claims = {session: self._tick() for session in ranked}
        self._choices[person] = _Choice(ranked, claims)
        return self._seat(person)

    def change(self, person: Person, ranking: Sequence[Session]) -> list[Move[Person, Session]]:
        """A new ranking; the claims as the module says, the seat kept while still ranked
        (or when it was a fallback seat)."""
        choice = self._choices[person]
        ranked = self._checked(ranking)
        now = self._tick()
        waited_for = {session for session in choice.ranking if self._wants(person, session)}
        choice.claims = {
            session: choice.claims[session]
            if self._keeps_claim(choice, ranked, session, waited_for)
            else now
            for session in ranked
        }
        held = choice.holds
        gives_up = held is not None and held in choice.ranking and held not in ranked
        choice.ranking = ranked
        moves: list[Move[Person, Session]] = []
        if gives_up:
            choice.holds = None
            moves.append(Move(person, held, None, None))
        moves += self._seat(person)
        if gives_up and held is not None:
            moves += self._freed(held)
        return moves

    @staticmethod
    def _keeps_claim(
        choice: _Choice[Session],
        ranked: tuple[Session, ...],
        session: Session,
        waited_for: set[Session],
    ) -> bool:
        """The session held (also a fallback seat, claimed when it was given) keeps its
        claim, and so does one the person waited for that keeps its rank or moves down."""
        if session == choice.holds:
            return session in choice.claims
        if session not in waited_for:
            return False
        return ranked.index(session) >= choice.ranking.index(session)

    def release(self, person: Person) -> list[Move[Person, Session]]:
        """The person leaves (cancelled the day): their seat goes to the next in line."""
        choice = self._choices.pop(person)
        moves = [Move(person, choice.holds, None, None)] if choice.holds is not None else []
        if choice.holds is not None:
            moves += self._freed(choice.holds)
        return moves

    def assign(self, person: Person, session: Session) -> list[Move[Person, Session]]:
        """The organisers move ``person`` to ``session``, which must have a free seat; it
        becomes their one choice."""
        if self.holding(person) != session and self.seats_left(session) <= 0:
            raise SessionsRefused(f"{session!r} has no free seat")
        return self.change(person, (session,))

    def add_session(self, session: Session, capacity: int) -> None:
        self.capacities[session] = capacity

    def remove_session(self, session: Session) -> None:
        """Drop a session nobody holds; it leaves everyone's ranking."""
        if self.holder_count(session):
            raise SessionsRefused(f"{session!r} is held by {self.holder_count(session)}")
        del self.capacities[session]
        for choice in self._choices.values():
            choice.ranking = tuple(s for s in choice.ranking if s != session)
            choice.claims.pop(session, None)

    def set_capacity(self, session: Session, capacity: int) -> list[Move[Person, Session]]:
        """A new capacity, never below the seats taken; more seats move people up."""
        if capacity < self.holder_count(session):
            raise SessionsRefused(
                f"{self.holder_count(session)} seats of {session!r} are taken; "
                f"the capacity cannot be {capacity}"
            )
        added = capacity - self.capacities[session]
        self.capacities[session] = capacity
        moves: list[Move[Person, Session]] = []
        for _ in range(max(0, added)):
            moves += self._freed(session)
        return moves

    # --- the rules ---------------------------------------------------------------------

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def _checked(self, ranking: Sequence[Session]) -> tuple[Session, ...]:
        ranked = tuple(ranking)
        unknown = [session for session in ranked if session not in self.capacities]
        if unknown or len(set(ranked)) != len(ranked):
            raise SessionsRefused(f"not a ranking of this slot's sessions: {ranked!r}")
        return ranked

    def _wants(self, person: Person, session: Session) -> bool:
        """``person`` ranks ``session`` better than what they hold."""
        choice = self._choices[person]
        if session not in choice.ranking:
            return False
        if choice.holds is None or choice.holds not in choice.ranking:
            return True
        return choice.ranking.index(session) < choice.ranking.index(choice.holds)

    def _seat(self, person: Person) -> list[Move[Person, Session]]:
        """Move ``person`` to the best session they want that has a free seat (or, with
        ``fallback`` and nothing held, any session with one)."""
        choice = self._choices[person]
        for session in choice.ranking:
            if not self._wants(person, session):
                break
            if self.seats_left(session) > 0:  # at rest a free seat has nobody else waiting
                return self._move(person, session)
        if choice.holds is None and self.fallback:
            free = [
                session
                for session in self.capacities
                if self.seats_left(session) > 0 and not self.waiting_list(session)
            ]
            if free:
                return self._move(person, free[0])
        return []

    def _move(self, person: Person, session: Session) -> list[Move[Person, Session]]:
        choice = self._choices[person]
        previous, choice.holds = choice.holds, session
        choice.claims.setdefault(session, self._tick())  # a fallback seat: claimed now
        moves = [Move(person, previous, session, self.rank_of(person, session))]
        if previous is not None:
            moves += self._freed(previous)
        return moves

    def _freed(self, session: Session) -> list[Move[Person, Session]]:
        """A seat of ``session`` is free: the earliest claim waiting for it moves in (their
        old seat frees in turn); with ``fallback``, else someone without a session."""
        if self.seats_left(session) <= 0:
            return []
        waiting = self.waiting_list(session)
        if waiting:
            return self._move(waiting[0], session)
        if self.fallback:
            unseated = [person for person, c in self._choices.items() if c.holds is None]
            if unseated:
                return self._move(unseated[0], session)
        return []


def violations(allocation: SlotAllocation[Any, Any]) -> list[str]:
    """What breaks the rules, checked from the outside (the property tests use it on any
    allocator): capacities, a free seat someone better-ranked waits for, a later claim
    holding a seat an earlier claim waits for, and (with ``fallback``) someone without a
    session while a seat is free."""
    found: list[str] = []
    people = list(allocation.people())
    holders: Mapping[Any, list[Any]] = {
        session: allocation.holders(session) for session in allocation.capacities
    }
    for session, capacity in allocation.capacities.items():
        if len(holders[session]) > capacity:
            found.append(f"{session!r}: {len(holders[session])} seats of {capacity}")
    for person in people:
        held = allocation.holding(person)
        held_rank = allocation.rank_of(person, held)
        for rank, session in enumerate(allocation.ranking(person), start=1):
            if held_rank is not None and rank >= held_rank:
                break
            if len(holders[session]) < allocation.capacities[session]:
                found.append(f"{person!r} holds {held!r} while {session!r} has a free seat")
            earlier = allocation.claim(person, session)
            later = [o for o in holders[session] if _claims_later(allocation, o, session, earlier)]
            found += [f"{o!r} holds {session!r} on a later claim than {person!r}" for o in later]
        seat_free = any(len(holders[s]) < c for s, c in allocation.capacities.items())
        if held is None and allocation.fallback and seat_free:
            found.append(f"{person!r} has no session while one has a free seat")
    return found


def _claims_later(
    allocation: SlotAllocation[Any, Any], holder: Any, session: Any, than: int | None
) -> bool:
    """``holder`` got or asked for ``session`` after ``than``."""
    claim = allocation.claim(holder, session)
    return than is not None and claim is not None and claim > than
