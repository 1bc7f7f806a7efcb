"""An event's programme as the public side sees it: the choice slots (parallel sessions an
attendee ranks 1st, 2nd, … choice), the checks on a ranking typed into a form, and the places
capacity reports.  Pure Python; the snapshot models are the catalog's
(``contracts.messages.SlotSnapshot``), the places capacity's (``SessionPlace``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from contracts.http.errors import Problem
from contracts.messages import EventSnapshot, EventStatus, SessionPlace, SlotSnapshot
from gateway.domain.validation import InvalidInput

Ranking = dict[UUID, list[UUID]]
"""Per choice slot (``slot_id``), the sessions ranked, best first (``NewRegistration.choices``)."""


def choice_slots(event: EventSnapshot) -> list[SlotSnapshot]:
    """The slots whose parallel sessions attendees rank, in the programme's order."""
    return [slot for slot in event.programme if slot.sessions and slot.ranks > 0]


def rank_count(slot: SlotSnapshot) -> int:
    """How many choices the form asks for: the slot's ``ranks``, at most one per session."""
    return min(slot.ranks, len(slot.sessions))


def choice_field(slot_id: UUID, rank: int) -> str:
    """The form field (and element id) of one choice: ``choice-<slot_id>-<rank>``."""
    return f"choice-{slot_id}-{rank}"


def choice_fields(slots: Sequence[SlotSnapshot]) -> list[str]:
    return [
        choice_field(slot.slot_id, rank)
        for slot in slots
        for rank in range(1, rank_count(slot) + 1)
    ]


def choices_open(event: EventSnapshot, now: datetime) -> bool:
    """Attendees may still change their ranking (until the ``choice_deadline``)."""
    deadline = event.choice_deadline
    return event.status is not EventStatus.CANCELLED and (deadline is None or now <= deadline)


ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal_de(rank: int) -> str:
    return f"{rank}."


def ordinal_en(rank: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th`` … ``11th`` … ``21st``."""
    suffix = "th" if 10 <= rank % 100 <= 20 else ORDINAL_SUFFIXES.get(rank % 10, "th")
    return f"{rank}{suffix}"


def prefilled(
    slots: Sequence[SlotSnapshot], ranking: Mapping[UUID, Sequence[UUID]]
) -> dict[str, str]:
    """The choice fields filled with a stored ranking (sessions no longer offered left out)."""
    values: dict[str, str] = {}
    for slot in slots:
        offered = {session.session_id for session in slot.sessions}
        sessions = [s for s in ranking.get(slot.slot_id, ()) if s in offered]
        for rank, session_id in enumerate(sessions[: rank_count(slot)], start=1):
            values[choice_field(slot.slot_id, rank)] = str(session_id)
    return values


def _problem(slot: SlotSnapshot, rank: int, code: str, de: str, en: str) -> Problem:
    """A problem at one choice field, named with its slot (the error summary lists all)."""
    return Problem(
        field=choice_field(slot.slot_id, rank),
        code=code,
        message_de=f"{slot.title}: {de}",
        message_en=f"{slot.title}: {en}",
    )


def _slot_ranking(
    slot: SlotSnapshot, typed: Mapping[str, str], problems: list[Problem]
) -> list[UUID]:
    offered = {str(session.session_id): session.session_id for session in slot.sessions}
    values = [
        typed.get(choice_field(slot.slot_id, r), "").strip() for r in range(1, rank_count(slot) + 1)
    ]
    chosen: dict[UUID, int] = {}
    gap: int | None = None  # the first choice left empty
    gap_told = gap_covered = False  # a missing first choice of a required slot says it
    for rank, value in enumerate(values, start=1):
        if not value:
            gap = gap or rank
            gap_covered = gap == 1 and slot.choice_required
            continue
        if gap is not None and not (gap_told or gap_covered):
            de, en = ordinal_de, ordinal_en
            problems.append(
                _problem(
                    slot,
                    gap,
                    "missing_earlier",
                    f"Bitte wählen Sie Ihren {de(gap)} Wunsch, bevor Sie einen {de(rank)} "
                    "Wunsch angeben.",
                    f"Please choose your {en(gap)} choice before a {en(rank)} choice.",
                )
            )
            gap_told = True  # one problem per slot for the gaps
        session_id = offered.get(value)
        if session_id is None:
            problems.append(
                _problem(
                    slot,
                    rank,
                    "invalid",
                    "Bitte wählen Sie ein Forum aus der Liste.",
                    "Please choose a session from the list.",
                )
            )
        elif session_id in chosen:
            earlier = chosen[session_id]
            problems.append(
                _problem(
                    slot,
                    rank,
                    "repeated",
                    f"Dieses Forum ist schon Ihr {ordinal_de(earlier)} Wunsch. Bitte wählen "
                    "Sie ein anderes oder keines.",
                    f"This session is already your {ordinal_en(earlier)} choice. Please "
                    "choose another one or none.",
                )
            )
        else:
            chosen[session_id] = rank
    if slot.choice_required and not values[0]:
        problems.append(
            _problem(
                slot,
                1,
                "missing",
                "Bitte wählen Sie Ihren Erstwunsch.",
                "Please choose your first choice.",
            )
        )
    return list(chosen)


def validate_ranking(slots: Sequence[SlotSnapshot], typed: Mapping[str, str]) -> Ranking:
    """The ranking per choice slot (every slot named, an empty list where nothing was chosen:
    a change then clears it); ``InvalidInput`` lists every problem at once: a first choice
    missing where one is required, a session chosen twice, a later choice without an earlier
    one, a session not offered."""
    problems: list[Problem] = []
    ranking = {slot.slot_id: _slot_ranking(slot, typed, problems) for slot in slots}
    if problems:
        raise InvalidInput(problems)
    return ranking


def places_key(places: Sequence[SessionPlace] | None) -> str:
    """A short fingerprint of the places, so the status page's script notices a change
    (empty when they are not known)."""
    if places is None:
        return ""
    return ";".join(
        f"{p.slot_id}:{p.session_id or '-'}:{p.rank or '-'}:"
        + ",".join(f"{w.session_id}@{w.position}" for w in p.waiting)
        for p in sorted(places, key=lambda p: str(p.slot_id))
    )


def still_moving(places: Sequence[SessionPlace] | None) -> bool:
    """Whether the places can still change without the attendee doing anything: waiting for
    a better-ranked session, or not known yet."""
    return places is None or any(place.waiting for place in places)
