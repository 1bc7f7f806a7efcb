"""Use cases of the capacity service.

A use case is ``handler(command, uow)`` and owns its transaction (``async with uow: …
await uow.commit()``); a batch of messages is one command, decided in one transaction.
Every change to an event goes through ``_settle`` (promotions from the waiting list,
closing/reopening) and then ``_announce`` (the catalog message; once per event and batch).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import structlog

from capacity.domain import commands
from capacity.domain.model import (
    CloseReason,
    Event,
    InvalidEvent,
    Outcome,
    Refused,
    ReleaseReason,
    Seat,
)
from capacity.domain.programme import SessionsRefused
from capacity.domain.sessions import EventSessions, Place, SessionChange
from capacity.service_layer.messages import (
    catalog_change,
    decision_message,
    session_message,
    snapshot,
)
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts import messages as m
from contracts.envelope import Envelope
from contracts.http.capacity import CapacityErrorCode
from contracts.http.errors import Problem
from servicekit.context import Batch, bind_message

log = structlog.get_logger(__name__)
SOURCE = "capacity"


class EventNotFound(LookupError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _publish(
    uow: UnitOfWork,
    payload: m.IntegrationEvent,
    cause: Envelope | None,
    correlation_id: str | None = None,
) -> None:
    uow.publish(
        payload,
        Envelope.new(payload, source=SOURCE, causation=cause, correlation_id=correlation_id),
    )


async def _decided(
    uow: UnitOfWork,
    seat: Seat,
    cause: Envelope | None,
    *,
    new: datetime | None = None,
    position: int | None = None,
    was_waitlisted: bool = False,
    sessions: list[Place] | None = None,
) -> None:
    """Store the seat's new outcome and announce it; ``new`` = requested_at of a new seat,
    ``position`` = its place when it joins the waiting list, ``sessions`` = what a confirmed
    seat holds in the programme."""
    decision_id, at = uuid4(), _now()
    if new is not None:
        await uow.seats.add(seat, decision_id=decision_id, requested_at=new, decided_at=at)
    else:
        await uow.seats.save(seat, decision_id=decision_id, decided_at=at)
    _publish(
        uow,
        decision_message(
            seat,
            decision_id,
            at,
            position=position,
            was_waitlisted=was_waitlisted,
            sessions=sessions,
        ),
        cause,
    )


def _sessions_changed(
    uow: UnitOfWork,
    event: Event,
    sessions: EventSessions,
    changes: list[SessionChange],
    cause: Envelope | None,
) -> None:
    """Announce the changes on ``capacity.sessions.v1`` and count the sessions anew (also
    without a move: a changed ranking can shorten a waiting list)."""
    at = _now()
    for change in changes:
        _publish(uow, session_message(change, event.event_id, uuid4(), at), cause)
    event.count_sessions(sessions.counts())


async def _admit(
    uow: UnitOfWork, event: Event, seat: Seat, cause: Envelope | None
) -> list[Place] | None:
    """A seat was confirmed: the sessions it asked for (or a fallback), announced; the
    places it now has."""
    if not event.details.programme:
        return None
    sessions = await uow.sessions.get(event)
    changes = sessions.admit(seat.registration_id, seat.choices, event.details.programme)
    _sessions_changed(uow, event, sessions, changes, cause)
    return sessions.places(seat.registration_id)


async def _leave_sessions(
    uow: UnitOfWork, event: Event, seat: Seat, cause: Envelope | None
) -> None:
    """A confirmed seat ended: its session seats go to those waiting."""
    if event.details.programme:
        sessions = await uow.sessions.get(event)
        _sessions_changed(uow, event, sessions, sessions.release(seat.registration_id), cause)


async def _settle(uow: UnitOfWork, event: Event, cause: Envelope | None) -> None:
    """Promote from the waiting list while seats are free, settle open/closed, save."""
    for seat in await uow.seats.waiting(event.event_id, event.promotable()):
        event.promote(seat)
        await _decided(uow, seat, cause, sessions=await _admit(uow, event, seat, cause))
    event.settle()
    await uow.events.save(event)


def _announce(
    uow: UnitOfWork,
    event: Event,
    before: m.EventSnapshot,
    cause: Envelope | None,
    correlation_id: str | None = None,
) -> None:
    """Tell the catalog what changed since ``before``, if anything it shows did."""
    change = catalog_change(before, snapshot(event), _now())
    if change is not None:
        _publish(uow, change, cause, correlation_id)


async def _locked(uow: UnitOfWork, event_id: UUID) -> tuple[Event, m.EventSnapshot]:
    event = await uow.events.get(event_id, lock=True)
    if event is None:
        raise EventNotFound(event_id)
    return event, snapshot(event)


# --- messages ------------------------------------------------------------------------


async def decide_registrations(batch: Batch, uow: UnitOfWork) -> None:
    """Decide the registrations and release the cancellations of a batch from the
    registrations topic, in order, in one transaction (each event's inventory row stays
    locked until it commits); other messages are skipped.  The catalog hears once per
    event and batch what the batch changed (caused by the event's last message in it)."""
    handled = [
        (envelope, payload)
        for envelope, payload in batch
        if isinstance(
            payload, m.RegistrationRequested | m.RegistrationCancelled | m.SessionChoicesChanged
        )
    ]
    requested: dict[UUID, list[UUID]] = {}
    for _, payload in handled:
        if isinstance(payload, m.RegistrationRequested):
            requested.setdefault(payload.event_id, []).append(payload.registration_id)
    async with uow:
        found: dict[UUID, tuple[Event, m.EventSnapshot]] = {}
        last: dict[UUID, Envelope] = {}
        for envelope, payload in handled:
            bind_message(envelope)
            event = await uow.events.get(payload.event_id, lock=True)
            if event is not None:
                if event.event_id not in found:
                    found[event.event_id] = (event, snapshot(event))
                    # only under the event's lock: its seats are written under it
                    await uow.seats.prefetch(requested.get(event.event_id, []))
                last[event.event_id] = envelope
            if isinstance(payload, m.RegistrationRequested):
                await _decide(uow, event, payload, envelope)
            elif isinstance(payload, m.RegistrationCancelled):
                await _release(uow, event, payload, envelope)
            else:
                await _change_choices(uow, event, payload, envelope)
        for event_id, (event, before) in found.items():
            _announce(uow, event, before, last[event_id])
        await uow.commit()


async def _decide(
    uow: UnitOfWork, event: Event | None, request: m.RegistrationRequested, cause: Envelope
) -> None:
    """Decide one registration, unless it was decided before (a redelivery)."""
    if await uow.seats.get(request.registration_id) is not None:
        log.info("registration already decided", registration_id=str(request.registration_id))
        return
    if event is None:
        seat = Seat(
            request.registration_id,
            request.event_id,
            Outcome.REJECTED,
            0,
            rejection=m.RejectionReason.UNKNOWN_EVENT,
        )
        await _decided(uow, seat, cause, new=request.requested_at)
        return
    if request.stand_application_id is not None:
        stand = await uow.stands.get(request.stand_application_id)
        if stand is not None and stand.event_id != event.event_id:
            stand = None
        seated = len(await uow.seats.of_stand(stand.application_id)) if stand else 0
        seat = event.seat_exhibitor(request.registration_id, stand, seated)
    else:
        seat = event.decide(request.registration_id, _now())
    seat.choices = {slot: tuple(ranking) for slot, ranking in request.choices.items()}
    waiting = seat.outcome is Outcome.WAITLISTED
    places = await _admit(uow, event, seat, cause) if seat.outcome is Outcome.CONFIRMED else None
    await _decided(
        uow,
        seat,
        cause,
        new=request.requested_at,
        position=event.waitlist_length if waiting else None,
        sessions=places,
    )
    await _settle(uow, event, cause)
    log.info(
        "registration decided",
        registration_id=str(request.registration_id),
        event_id=str(request.event_id),
        outcome=seat.outcome.value,
        exhibitor=seat.stand_application_id is not None,
    )


RELEASED_BECAUSE = {
    m.CancelledBy.ATTENDEE: ReleaseReason.CANCELLED_BY_ATTENDEE,
    m.CancelledBy.ORGANISER: ReleaseReason.CANCELLED_BY_ORGANISER,
}


async def _release(
    uow: UnitOfWork, event: Event | None, cancelled: m.RegistrationCancelled, cause: Envelope
) -> None:
    """Free the seat or waiting place of a registration the attendee or the organisers
    cancelled; the head of the waiting list moves up, or a full event reopens.  Nothing
    happens if there is nothing to release."""
    seat = await uow.seats.get(cancelled.registration_id)
    if event is None or seat is None or not seat.holds_place:
        log.info("nothing to release", registration_id=str(cancelled.registration_id))
        return
    was_waitlisted = seat.outcome is Outcome.WAITLISTED
    event.release(seat, RELEASED_BECAUSE[cancelled.cancelled_by])
    await _decided(uow, seat, cause, was_waitlisted=was_waitlisted)
    if not was_waitlisted:
        await _leave_sessions(uow, event, seat, cause)
    await _settle(uow, event, cause)
    log.info(
        "registration released",
        registration_id=str(cancelled.registration_id),
        cancelled_by=cancelled.cancelled_by.value,
    )


async def _free_seats_of(
    uow: UnitOfWork, event: Event, application_id: UUID, cause: Envelope | None
) -> None:
    """The stand ended: its staff's seats are released (their sessions go to those
    waiting); the public capacity is not touched."""
    for seat in await uow.seats.of_stand(application_id):
        event.release(seat, ReleaseReason.STAND_RELEASED)
        await _decided(uow, seat, cause)
        await _leave_sessions(uow, event, seat, cause)


async def reserve_stand(cmd: commands.ReserveStand, uow: UnitOfWork) -> Event:
    """Take a stand for an accepted application (the registration service, before it
    commits the acceptance); again: only ``staff`` changes.  Raises ``Refused``
    (``stands_full``, ``no_stand_call``, ``event_cancelled``) or ``EventNotFound``."""
    async with uow:
        event, before = await _locked(uow, cmd.event_id)
        stand = await uow.stands.get(cmd.application_id)
        if stand is not None and stand.event_id != event.event_id:
            raise EventNotFound(cmd.event_id)
        stand = event.take_stand(stand, cmd.application_id, cmd.staff, cmd.revision)
        await uow.stands.save(stand)
        await _settle(uow, event, None)
        _announce(uow, event, before, None, cmd.correlation_id)
        await uow.commit()
    log.info("stand taken", application_id=str(cmd.application_id), taken=event.stands_taken)
    return event


async def follow_stand_applications(batch: Batch, uow: UnitOfWork) -> None:
    """Free the stands of applications declined or withdrawn after they were accepted (a
    change older than the stand's revision, or a repeat, frees nothing), their staff's
    seats with them, in one transaction for the batch; other messages are skipped."""
    ended = [
        (envelope, payload)
        for envelope, payload in batch
        if isinstance(payload, m.StandApplicationDeclined | m.StandApplicationWithdrawn)
        and payload.was_accepted
    ]
    if not ended:
        return
    async with uow:
        found: dict[UUID, tuple[Event, m.EventSnapshot, Envelope]] = {}
        for envelope, payload in ended:
            bind_message(envelope)
            event = await uow.events.get(payload.event_id, lock=True)
            stand = await uow.stands.get(payload.application_id)
            if event is None or not event.free_stand(stand, payload.revision):
                log.info("no stand to free", application_id=str(payload.application_id))
                continue
            assert stand is not None
            before = found[event.event_id][1] if event.event_id in found else snapshot(event)
            found[event.event_id] = (event, before, envelope)
            await uow.stands.save(stand)
            await _free_seats_of(uow, event, stand.application_id, envelope)
            log.info("stand freed", application_id=str(stand.application_id))
        for event, before, envelope in found.values():
            await _settle(uow, event, envelope)
            _announce(uow, event, before, envelope)
        await uow.commit()


async def _change_choices(
    uow: UnitOfWork, event: Event | None, changed: m.SessionChoicesChanged, cause: Envelope
) -> None:
    """New rankings: kept with the seat; a confirmed seat's sessions change by the rule in
    ``capacity.domain.programme``.  Ignored after the change deadline (the gateway says so
    before it sends) and for a registration that holds no place."""
    seat = await uow.seats.get(changed.registration_id)
    if event is None or seat is None or not seat.holds_place:
        log.info("no choices to change", registration_id=str(changed.registration_id))
        return
    if not event.choices_open(_now()):
        log.warning("choice change after the deadline ignored")
        return
    new = {slot: tuple(ranking) for slot, ranking in changed.choices.items()}
    seat.choices = {**seat.choices, **new}
    await uow.seats.save_choices(seat)
    if seat.outcome is Outcome.CONFIRMED and event.details.programme:
        sessions = await uow.sessions.get(event)
        changes = sessions.change(seat.registration_id, new, event.details.programme)
        _sessions_changed(uow, event, sessions, changes, cause)
        await _settle(uow, event, cause)
    log.info("session choices changed", registration_id=str(changed.registration_id))


# --- organiser actions ---------------------------------------------------------------


async def create_event(cmd: commands.CreateEvent, uow: UnitOfWork) -> Event:
    """Create an event; a published one is announced on the catalog."""
    event = Event.create(uuid4(), cmd.details, cmd.capacity, draft=not cmd.publish)
    async with uow:
        await uow.events.add(event)
        if cmd.publish:
            _publish(
                uow,
                m.EventPublished(event=snapshot(event), occurred_at=_now()),
                None,
                cmd.correlation_id,
            )
        await uow.commit()
    log.info(
        "event created",
        event_id=str(event.event_id),
        capacity=event.capacity,
        status=event.status.value,
    )
    return event


async def _organise(
    uow: UnitOfWork, event_id: UUID, change: Callable[[Event], object], correlation_id: str | None
) -> Event:
    async with uow:
        event, before = await _locked(uow, event_id)
        change(event)
        await _settle(uow, event, None)
        _announce(uow, event, before, None, correlation_id)
        await uow.commit()
    log.info("event changed by organiser", event_id=str(event_id), status=event.status.value)
    return event


async def change_capacity(cmd: commands.ChangeCapacity, uow: UnitOfWork) -> Event:
    """More seats promote waiting people; fewer than are taken is ``Refused``."""
    return await _organise(
        uow, cmd.event_id, lambda e: e.change_capacity(cmd.capacity), cmd.correlation_id
    )


async def publish_event(cmd: commands.PublishEvent, uow: UnitOfWork) -> Event:
    """Open a draft for registration (``EventPublished``); ``Refused`` for any other event."""
    return await _organise(uow, cmd.event_id, lambda e: e.publish(), cmd.correlation_id)


async def _rearrange(
    uow: UnitOfWork,
    event_id: UUID,
    change: Callable[[Event, EventSessions], Awaitable[list[SessionChange]]],
    correlation_id: str | None,
) -> Event:
    """An organiser's change that may move people between sessions: ``change`` gets the
    locked event and its sessions and returns the moves, which are announced."""
    async with uow:
        event, before = await _locked(uow, event_id)
        sessions = await uow.sessions.get(event)
        _sessions_changed(uow, event, sessions, await change(event, sessions), None)
        await _settle(uow, event, None)
        _announce(uow, event, before, None, correlation_id)
        await uow.commit()
    return event


async def revise_event(cmd: commands.ReviseEvent, uow: UnitOfWork) -> Event:
    """New details (``EventUpdated`` unless a draft); ``Refused`` once cancelled.  A new
    programme keeps everyone's sessions: more seats in a session move people up; a
    capacity below the seats taken, or removing a session someone holds, is
    ``InvalidEvent``."""

    async def revise(event: Event, sessions: EventSessions) -> list[SessionChange]:
        event.revise(cmd.details)
        try:
            return sessions.reprogramme(cmd.details.programme)
        except SessionsRefused as exc:
            raise InvalidEvent(PROGRAMME_SEATS_TAKEN) from exc

    event = await _rearrange(uow, cmd.event_id, revise, cmd.correlation_id)
    log.info("event revised", event_id=str(cmd.event_id))
    return event


PROGRAMME_SEATS_TAKEN = Problem(
    field="programme",
    code="seats_taken",
    message_de="Ein Forum hat mehr Teilnehmende als die neue Kapazität "
    "(oder wird entfernt, obwohl Personen es belegen).",
    message_en="A session has more participants than its new capacity (or "
    "is removed while people hold it).",
)


async def assign_session(cmd: commands.AssignSession, uow: UnitOfWork) -> Event:
    """The organisers move a confirmed registration to a session by hand; ``Refused`` when
    the session is full, unknown, or the registration holds no day seat."""

    async def assign(event: Event, sessions: EventSessions) -> list[SessionChange]:
        seat = await uow.seats.get(cmd.registration_id)
        if seat is None or seat.event_id != event.event_id or seat.outcome is not Outcome.CONFIRMED:
            raise Refused(
                CapacityErrorCode.NOT_CONFIRMED,
                "Die Anmeldung hat keinen bestätigten Platz.",
                "The registration holds no confirmed seat.",
            )
        slot = next(
            (s for s in event.details.programme if s.session(cmd.session_id) is not None), None
        )
        session = slot.session(cmd.session_id) if slot else None
        if slot is None or session is None:
            raise Refused(
                CapacityErrorCode.UNKNOWN_SESSION,
                "Dieses Forum gibt es im Programm nicht.",
                "The programme has no such session.",
            )
        try:
            return sessions.assign(cmd.registration_id, slot.slot_id, cmd.session_id)
        except SessionsRefused:
            raise Refused(
                CapacityErrorCode.SESSION_FULL,
                f"„{session.title}“ ist voll ({session.capacity} Plätze). Erhöhen Sie die "
                "Kapazität oder wählen Sie ein anderes Forum.",
                f"“{session.title}” is full ({session.capacity} seats). Raise its capacity "
                "or choose another session.",
            ) from None

    event = await _rearrange(uow, cmd.event_id, assign, cmd.correlation_id)
    log.info("session assigned by organiser", registration_id=str(cmd.registration_id))
    return event


async def close_event(cmd: commands.CloseEvent, uow: UnitOfWork) -> Event:
    return await _organise(
        uow, cmd.event_id, lambda e: e.close(CloseReason.MANUAL), cmd.correlation_id
    )


async def reopen_event(cmd: commands.ReopenEvent, uow: UnitOfWork) -> Event:
    return await _organise(uow, cmd.event_id, lambda e: e.reopen(_now()), cmd.correlation_id)


async def cancel_event(cmd: commands.CancelEvent, uow: UnitOfWork) -> Event:
    """Cancel the event; every confirmed and waiting registration is released (and told)."""
    async with uow:
        event, before = await _locked(uow, cmd.event_id)
        event.cancel()
        for seat in await uow.seats.holding(cmd.event_id):
            was_waitlisted = seat.outcome is Outcome.WAITLISTED
            event.release(seat, ReleaseReason.EVENT_CANCELLED)
            await _decided(uow, seat, None, was_waitlisted=was_waitlisted)
            if not was_waitlisted:
                await _leave_sessions(uow, event, seat, None)
        await _settle(uow, event, None)
        _announce(uow, event, before, None, cmd.correlation_id)
        await uow.commit()
    log.info("event cancelled", event_id=str(cmd.event_id))
    return event


async def close_past_deadline(cmd: commands.CloseEventsPastDeadline, uow: UnitOfWork) -> int:
    """Close every open event whose registration deadline has passed; returns how many.

    One transaction per event: ``uow`` is entered once to find them and once for each (a
    unit of work may be entered again after it ended)."""
    async with uow:
        due = await uow.events.past_deadline(cmd.now)
    for event_id in due:
        await _organise(uow, event_id, _close_if_due(cmd.now), None)
    return len(due)


def _close_if_due(now: datetime) -> Callable[[Event], None]:
    def close(event: Event) -> None:
        if event.status is m.EventStatus.OPEN and event.deadline_passed(now):
            event.close(CloseReason.DEADLINE)

    return close


async def list_events(uow: UnitOfWork) -> list[Event]:
    async with uow:
        return await uow.events.all()


async def get_event(event_id: UUID, uow: UnitOfWork) -> Event | None:
    async with uow:
        return await uow.events.get(event_id)


async def session_lists(event_id: UUID, uow: UnitOfWork) -> tuple[Event, EventSessions]:
    """Who holds and waits for which session of the event (the desk's lists)."""
    async with uow:
        event = await uow.events.get(event_id)
        if event is None:
            raise EventNotFound(event_id)
        return event, await uow.sessions.get(event)


async def places(event_id: UUID, registration_id: UUID, uow: UnitOfWork) -> list[Place]:
    """A registration's places in the programme (the status page)."""
    _, sessions = await session_lists(event_id, uow)
    return sessions.places(registration_id)
