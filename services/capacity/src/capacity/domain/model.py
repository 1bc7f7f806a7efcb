"""The seat inventory of one event: seats, a first-come-first-served waiting list, and the
rules for deciding, releasing, promoting, publishing drafts, revising, closing and reopening.

Pure Python: no IO, no frameworks; the enums are the contract's own, shared with subscribers.
The service layer locks the event while it changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from capacity.domain.sessions import Slot, programme_problems
from contracts.http.capacity import CapacityErrorCode, call_problems
from contracts.http.errors import Problem
from contracts.messages import CloseReason, ReleaseReason, StandCall
from contracts.messages import EventStatus as Status
from contracts.messages import RejectionReason as Rejection

__all__ = [
    "CloseReason",
    "Details",
    "Event",
    "InvalidEvent",
    "Outcome",
    "Refused",
    "Rejection",
    "ReleaseReason",
    "Seat",
    "Stand",
    "StandCall",
    "Status",
]


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    RELEASED = "released"


class InvalidEvent(ValueError):
    """Event data an organiser must correct: ``problems`` name the fields and say why, in
    German and English (shown to them)."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(f"{p.message_de} / {p.message_en}" for p in problems))
        self.problems = problems


class Refused(ValueError):
    """An organiser action the event's state does not allow: ``code`` and a message in German
    and English say why."""

    def __init__(self, code: CapacityErrorCode, message_de: str, message_en: str) -> None:
        super().__init__(f"{message_de} / {message_en}")
        self.code = code
        self.message_de = message_de
        self.message_en = message_en


TITLE_MISSING = Problem(
    field="title", code="missing", message_de="Der Titel fehlt.", message_en="The title is missing."
)
ENDS_BEFORE_START = Problem(
    field="ends_at",
    code="before_start",
    message_de="Das Ende liegt vor dem Beginn.",
    message_en="The end must not be before the start.",
)
NEGATIVE_CAPACITY = Problem(
    field="capacity",
    code="invalid",
    message_de="Die Kapazität muss 0 oder mehr sein.",
    message_en="The capacity must be zero or more.",
)


@dataclass(frozen=True)
class Details:
    """What the organisers say about an event: everything but its seats and its state."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    city: str
    waitlist_enabled: bool
    description: str = ""
    address: str = ""
    organiser_contact: str = ""
    registration_deadline: datetime | None = None
    programme: tuple[Slot, ...] = ()
    choice_deadline: datetime | None = None
    """Until then attendees may change their ranking of the sessions."""
    stand_call: StandCall | None = None
    """The Markt der guten Ideen's call for stands (the contract's value, as the enums)."""

    def check(self) -> None:
        """Raise ``InvalidEvent`` for details an organiser must correct."""
        call = self.stand_call
        problems = [
            *([TITLE_MISSING] if not self.title.strip() else []),
            *([ENDS_BEFORE_START] if self.ends_at < self.starts_at else []),
            *programme_problems(self.programme),
            *(call_problems(call.opens_at, call.closes_at, self.starts_at) if call else []),
        ]
        if problems:
            raise InvalidEvent(*problems)


@dataclass
class Seat:
    """One registration's place at an event; ``seq`` orders the waiting list."""

    registration_id: UUID
    event_id: UUID
    outcome: Outcome
    seq: int
    rejection: Rejection | None = None
    from_waitlist: bool = False
    release_reason: ReleaseReason | None = None
    choices: dict[UUID, tuple[UUID, ...]] = field(default_factory=dict)
    """The sessions asked for per choice slot, best first (kept while on the waiting list)."""
    stand_application_id: UUID | None = None
    """A stand's staff member: the seat is that stand's, never one of the public capacity."""

    @property
    def holds_place(self) -> bool:
        return self.outcome in (Outcome.CONFIRMED, Outcome.WAITLISTED)


@dataclass
class Stand:
    """A stand at the Markt der guten Ideen, taken for an accepted application, and the day
    seats kept for its ``staff``.  ``revision``: the application's change that last touched
    it (an older one changes nothing)."""

    application_id: UUID
    event_id: UUID
    staff: int
    revision: int
    released: bool = False


@dataclass
class Event:
    event_id: UUID
    details: Details
    capacity: int
    status: Status = Status.OPEN
    close_reason: CloseReason | None = None
    seats_taken: int = 0
    waitlist_length: int = 0
    next_seq: int = 1
    revision: int = 1
    session_counts: dict[UUID, tuple[int, int]] = field(default_factory=dict)
    """Per session of the programme: seats taken, people waiting."""
    stands_taken: int = 0
    """Stands of the call held by accepted applications (their staff's seats are theirs)."""

    def __post_init__(self) -> None:
        self.details.check()
        if self.capacity < 0:
            raise InvalidEvent(NEGATIVE_CAPACITY)

    @classmethod
    def create(cls, event_id: UUID, details: Details, capacity: int, *, draft: bool) -> Event:
        """A new event: a draft only the organisers see, or open for registration."""
        status = Status.DRAFT if draft else Status.OPEN
        return cls(event_id=event_id, details=details, capacity=capacity, status=status)

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    def choices_open(self, now: datetime) -> bool:
        """Attendees may still change their ranking of the sessions."""
        deadline = self.details.choice_deadline
        return self.status is not Status.CANCELLED and (deadline is None or now <= deadline)

    def count_sessions(self, counts: dict[UUID, tuple[int, int]]) -> None:
        """The allocations' new counts (a new revision when they moved)."""
        if counts != self.session_counts:
            self.session_counts = counts
            self._changed()

    def deadline_passed(self, now: datetime) -> bool:
        deadline = self.details.registration_deadline
        return deadline is not None and now > deadline

    # --- registrations ---------------------------------------------------------------
    def decide(self, registration_id: UUID, now: datetime) -> Seat:
        """First come, first served: a seat, else the waiting list, else a rejection."""
        if self.status is Status.OPEN and self.deadline_passed(now):
            self.close(CloseReason.DEADLINE)
        seat = Seat(registration_id, self.event_id, Outcome.REJECTED, self.next_seq)
        self.next_seq += 1
        if self.status is Status.CANCELLED:
            seat.rejection = Rejection.EVENT_CANCELLED
        elif self.status is Status.DRAFT or (
            self.status is Status.CLOSED and self.close_reason is not CloseReason.FULL
        ):
            seat.rejection = Rejection.EVENT_CLOSED
        elif self.seats_left > 0 and self.status is Status.OPEN:
            seat.outcome = Outcome.CONFIRMED
            self.seats_taken += 1
        elif self.details.waitlist_enabled:
            seat.outcome = Outcome.WAITLISTED
            self.waitlist_length += 1
        else:
            seat.rejection = Rejection.EVENT_FULL
        self._changed()
        self.settle()
        return seat

    def release(self, seat: Seat, reason: ReleaseReason) -> None:
        """The registration gives up its seat or waiting-list place (a stand's staff seat
        frees nothing of the public capacity)."""
        if seat.outcome is Outcome.CONFIRMED:
            if seat.stand_application_id is None:
                self.seats_taken -= 1
        elif seat.outcome is Outcome.WAITLISTED:
            self.waitlist_length -= 1
        else:
            raise ValueError(f"a {seat.outcome} registration holds no place")
        seat.outcome = Outcome.RELEASED
        seat.release_reason = reason
        self._changed()

    def promotable(self) -> int:
        """How many from the head of the waiting list get a seat now."""
        if self.status is Status.CANCELLED:
            return 0
        return max(0, min(self.seats_left, self.waitlist_length))

    def promote(self, seat: Seat) -> None:
        """Give a free seat to the waiting registration ``seat`` (the head of the list)."""
        if seat.outcome is not Outcome.WAITLISTED or self.promotable() == 0:
            raise ValueError("nothing to promote")
        seat.outcome = Outcome.CONFIRMED
        seat.from_waitlist = True
        self.waitlist_length -= 1
        self.seats_taken += 1
        self._changed()

    # --- the Markt der guten Ideen ----------------------------------------------------
    def take_stand(
        self, stand: Stand | None, application_id: UUID, staff: int, revision: int
    ) -> Stand:
        """A stand for an accepted application, while the call has one free; taken again
        (the same or a later revision) it keeps its stand with the staff given.  Refused:
        no call (``no_stand_call``), every stand taken (``stands_full``), cancelled."""
        self._refuse_if_cancelled()
        if stand is not None and revision <= stand.revision:
            return stand  # a repeat, or older than the change that freed it
        if stand is not None and not stand.released:
            stand.staff, stand.revision = staff, revision
            return stand
        call = self.details.stand_call
        if call is None:
            raise Refused(
                CapacityErrorCode.NO_STAND_CALL,
                "Für diese Veranstaltung gibt es keinen Aufruf für Stände.",
                "This event has no call for stands.",
            )
        if self.stands_taken >= call.stands:
            raise Refused(
                CapacityErrorCode.STANDS_FULL,
                f"Alle {call.stands} Stände sind vergeben.",
                f"All {call.stands} stands are taken.",
            )
        self.stands_taken += 1
        self._changed()
        return Stand(application_id, self.event_id, staff, revision)

    def free_stand(self, stand: Stand | None, revision: int) -> bool:
        """The application's acceptance ended (declined, withdrawn) at ``revision``; False
        when there is nothing to free (never taken, freed before, or a later revision holds
        it).  The caller releases its staff's seats."""
        if stand is None or stand.released or revision <= stand.revision:
            return False
        stand.released, stand.revision = True, revision
        self.stands_taken -= 1
        self._changed()
        return True

    def seat_exhibitor(self, registration_id: UUID, stand: Stand | None, seated: int) -> Seat:
        """A stand's staff member (``seated`` of its staff have a seat): a seat of the stand
        while one is free — even when the event is full or closed, never counted in its
        capacity — else rejected (``contingent_full``)."""
        seat = Seat(
            registration_id,
            self.event_id,
            Outcome.REJECTED,
            self.next_seq,
            stand_application_id=stand.application_id if stand else None,
        )
        self.next_seq += 1
        if self.status is Status.CANCELLED:
            seat.rejection = Rejection.EVENT_CANCELLED
        elif self.status is Status.DRAFT:
            seat.rejection = Rejection.EVENT_CLOSED
        elif stand is None or stand.released or seated >= stand.staff:
            seat.rejection = Rejection.CONTINGENT_FULL
        else:
            seat.outcome = Outcome.CONFIRMED
        self._changed()
        return seat

    # --- organiser actions -----------------------------------------------------------
    def publish(self) -> None:
        """A draft opens for registration."""
        if self.status is not Status.DRAFT:
            raise Refused(
                CapacityErrorCode.ALREADY_PUBLISHED,
                "Die Veranstaltung ist bereits veröffentlicht.",
                "The event is already published.",
            )
        self.status = Status.OPEN
        self._changed()

    def revise(self, details: Details) -> None:
        """New details from the organisers; refused once cancelled.  Turning the waiting
        list off keeps those already waiting; a deadline moved into the past closes an open
        event at the next deadline check (or the next registration)."""
        self._refuse_if_cancelled()
        details.check()
        if details == self.details:
            return
        self.details = details
        self._changed()

    def change_capacity(self, capacity: int) -> None:
        """More seats (the waiting list moves up) or fewer, never fewer than are taken."""
        if capacity < self.seats_taken:
            raise Refused(
                CapacityErrorCode.SEATS_TAKEN,
                f"{self.seats_taken} Plätze sind bereits vergeben; die Kapazität kann nicht "
                f"unter {self.seats_taken} sinken.",
                f"{self.seats_taken} seats are taken: the capacity cannot go below that.",
            )
        self._refuse_if_cancelled()
        self.capacity = capacity
        self._changed()

    def close(self, reason: CloseReason) -> None:
        self._refuse_if_cancelled()
        self._refuse_if_draft()
        if self.status is Status.CLOSED and self.close_reason is reason:
            return
        self.status = Status.CLOSED
        self.close_reason = reason
        self._changed()

    def reopen(self, now: datetime) -> None:
        """Open again by hand; refused after the deadline or once cancelled."""
        self._refuse_if_cancelled()
        self._refuse_if_draft()
        if self.deadline_passed(now):
            raise Refused(
                CapacityErrorCode.DEADLINE_PASSED,
                "Der Anmeldeschluss ist vorbei.",
                "The registration deadline has passed.",
            )
        if self.status is Status.OPEN:
            return
        self.status = Status.OPEN
        self.close_reason = None
        self._changed()

    def cancel(self) -> None:
        self._refuse_if_draft()
        self.status = Status.CANCELLED
        self.close_reason = None
        self._changed()

    def settle(self) -> None:
        """Close when the last seat is gone; reopen a full event when a seat is free and
        nobody waits."""
        if self.status is Status.OPEN and self.seats_left <= 0:
            self.close(CloseReason.FULL)
        elif (
            self.status is Status.CLOSED
            and self.close_reason is CloseReason.FULL
            and self.seats_left > 0
            and self.waitlist_length == 0
        ):
            self.status = Status.OPEN
            self.close_reason = None
            self._changed()

    def _refuse_if_cancelled(self) -> None:
        if self.status is Status.CANCELLED:
            raise Refused(
                CapacityErrorCode.EVENT_CANCELLED,
                "Die Veranstaltung ist abgesagt.",
                "The event is cancelled.",
            )

    def _refuse_if_draft(self) -> None:
        if self.status is Status.DRAFT:
            raise Refused(
                CapacityErrorCode.EVENT_IS_DRAFT,
                "Die Veranstaltung ist ein Entwurf; veröffentlichen Sie sie zuerst.",
                "The event is a draft: publish it first.",
            )

    def _changed(self) -> None:
        self.revision += 1
