"""Use cases of the capacity service.

Message use cases (``decide_registration``, ``release_registration``) run inside a unit of
work the caller opened and commits, so that a batch of messages shares one transaction.
Organiser use cases open and commit their own.  Every change to an event goes through
``_apply``: promotions from the waiting list, closing/reopening, the catalog message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import structlog

from capacity.domain.model import (
    CloseReason,
    Details,
    Event,
    Outcome,
    ReleaseReason,
    Seat,
)
from capacity.service_layer.messages import catalog_change, decision_message, snapshot
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts import messages as m
from contracts.envelope import Envelope

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
) -> None:
    """Store the seat's new outcome and announce it; ``new`` = requested_at of a new seat,
    ``position`` = its place when it joins the waiting list."""
    decision_id, at = uuid4(), _now()
    if new is not None:
        await uow.seats.add(seat, decision_id=decision_id, requested_at=new, decided_at=at)
    else:
        await uow.seats.save(seat, decision_id=decision_id, decided_at=at)
    _publish(
        uow,
        decision_message(seat, decision_id, at, position=position, was_waitlisted=was_waitlisted),
        cause,
    )


async def _apply(
    uow: UnitOfWork,
    event: Event,
    before: m.EventSnapshot,
    cause: Envelope | None,
    correlation_id: str | None = None,
) -> None:
    """Promote from the waiting list while seats are free, settle open/closed, save, and
    tell the catalog what changed."""
    for seat in await uow.seats.waiting(event.event_id, event.promotable()):
        event.promote(seat)
        await _decided(uow, seat, cause)
    event.settle()
    await uow.events.save(event)
    change = catalog_change(before, snapshot(event), _now())
    if change is not None:
        _publish(uow, change, cause, correlation_id)


async def _locked(uow: UnitOfWork, event_id: UUID) -> tuple[Event, m.EventSnapshot]:
    event = await uow.events.get(event_id, lock=True)
    if event is None:
        raise EventNotFound(event_id)
    return event, snapshot(event)


# --- messages ------------------------------------------------------------------------


async def decide_registration(
    uow: UnitOfWork, request: m.RegistrationRequested, cause: Envelope
) -> Seat | None:
    """Decide one registration; ``None`` if it was decided before (a redelivery)."""
    event = await uow.events.get(request.event_id, lock=True)
    if await uow.seats.get(request.registration_id) is not None:
        log.info("registration already decided", registration_id=str(request.registration_id))
        return None
    if event is None:
        seat = Seat(
            request.registration_id,
            request.event_id,
            Outcome.REJECTED,
            0,
            rejection=m.RejectionReason.UNKNOWN_EVENT,
        )
        await _decided(uow, seat, cause, new=request.requested_at)
        return seat
    before = snapshot(event)
    seat = event.decide(request.registration_id, _now())
    waiting = seat.outcome is Outcome.WAITLISTED
    await _decided(
        uow,
        seat,
        cause,
        new=request.requested_at,
        position=event.waitlist_length if waiting else None,
    )
    await _apply(uow, event, before, cause)
    log.info(
        "registration decided",
        registration_id=str(request.registration_id),
        event_id=str(request.event_id),
        outcome=seat.outcome.value,
    )
    return seat


RELEASED_BECAUSE = {
    m.CancelledBy.ATTENDEE: ReleaseReason.CANCELLED_BY_ATTENDEE,
    m.CancelledBy.ORGANISER: ReleaseReason.CANCELLED_BY_ORGANISER,
}


async def release_registration(
    uow: UnitOfWork, cancelled: m.RegistrationCancelled, cause: Envelope
) -> Seat | None:
    """Free the seat or waiting place of a registration the attendee or the organisers
    cancelled; the head of the waiting list moves up, or a full event reopens.  ``None``
    if there was nothing to release."""
    event = await uow.events.get(cancelled.event_id, lock=True)
    seat = await uow.seats.get(cancelled.registration_id)
    if event is None or seat is None or not seat.holds_place:
        log.info("nothing to release", registration_id=str(cancelled.registration_id))
        return None
    before = snapshot(event)
    was_waitlisted = seat.outcome is Outcome.WAITLISTED
    event.release(seat, RELEASED_BECAUSE[cancelled.cancelled_by])
    await _decided(uow, seat, cause, was_waitlisted=was_waitlisted)
    await _apply(uow, event, before, cause)
    log.info(
        "registration released",
        registration_id=str(cancelled.registration_id),
        cancelled_by=cancelled.cancelled_by.value,
    )
    return seat


# --- organiser actions ---------------------------------------------------------------


@dataclass(frozen=True)
class CreateEvent:
    details: Details
    capacity: int
    publish: bool = True
    """False: a draft, announced on the catalog only once it is published."""
    correlation_id: str | None = None


async def create_event(uow: UnitOfWork, cmd: CreateEvent) -> Event:
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
        await _apply(uow, event, before, None, correlation_id)
        await uow.commit()
    log.info("event changed by organiser", event_id=str(event_id), status=event.status.value)
    return event


async def change_capacity(
    uow: UnitOfWork, event_id: UUID, capacity: int, correlation_id: str | None = None
) -> Event:
    """More seats promote waiting people; fewer than are taken is ``Refused``."""
    return await _organise(uow, event_id, lambda e: e.change_capacity(capacity), correlation_id)


async def publish_event(
    uow: UnitOfWork, event_id: UUID, correlation_id: str | None = None
) -> Event:
    """Open a draft for registration (``EventPublished``); ``Refused`` for any other event."""
    return await _organise(uow, event_id, lambda e: e.publish(), correlation_id)


async def revise_event(
    uow: UnitOfWork, event_id: UUID, details: Details, correlation_id: str | None = None
) -> Event:
    """New details (``EventUpdated`` unless a draft); ``Refused`` once cancelled."""
    return await _organise(uow, event_id, lambda e: e.revise(details), correlation_id)


async def close_event(uow: UnitOfWork, event_id: UUID, correlation_id: str | None = None) -> Event:
    return await _organise(uow, event_id, lambda e: e.close(CloseReason.MANUAL), correlation_id)


async def reopen_event(uow: UnitOfWork, event_id: UUID, correlation_id: str | None = None) -> Event:
    return await _organise(uow, event_id, lambda e: e.reopen(_now()), correlation_id)


async def cancel_event(uow: UnitOfWork, event_id: UUID, correlation_id: str | None = None) -> Event:
    """Cancel the event; every confirmed and waiting registration is released (and told)."""
    async with uow:
        event, before = await _locked(uow, event_id)
        event.cancel()
        for seat in await uow.seats.holding(event_id):
            was_waitlisted = seat.outcome is Outcome.WAITLISTED
            event.release(seat, ReleaseReason.EVENT_CANCELLED)
            await _decided(uow, seat, None, was_waitlisted=was_waitlisted)
        await _apply(uow, event, before, None, correlation_id)
        await uow.commit()
    log.info("event cancelled", event_id=str(event_id))
    return event


async def close_past_deadline(make_uow: Callable[[], UnitOfWork], now: datetime) -> int:
    """Close every open event whose registration deadline has passed; returns how many."""
    async with make_uow() as uow:
        due = await uow.events.past_deadline(now)
    for event_id in due:
        await _organise(make_uow(), event_id, _close_if_due(now), None)
    return len(due)


def _close_if_due(now: datetime) -> Callable[[Event], None]:
    def close(event: Event) -> None:
        if event.status is m.EventStatus.OPEN and event.deadline_passed(now):
            event.close(CloseReason.DEADLINE)

    return close


async def list_events(uow: UnitOfWork) -> list[Event]:
    async with uow:
        return await uow.events.all()


async def get_event(uow: UnitOfWork, event_id: UUID) -> Event | None:
    async with uow:
        return await uow.events.get(event_id)
