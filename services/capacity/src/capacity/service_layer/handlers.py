"""Use cases of the capacity service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import structlog

from capacity.domain.model import CloseReason, Event, Outcome, Rejection, SeatDecision, Status
from capacity.service_layer.messages import decision_message, snapshot
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts import messages as m
from contracts.envelope import Envelope

log = structlog.get_logger(__name__)
SOURCE = "capacity"


@dataclass(frozen=True)
class PublishEvent:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    city: str
    capacity: int
    waitlist_enabled: bool
    description: str = ""
    correlation_id: str | None = None


async def publish_event(uow: UnitOfWork, cmd: PublishEvent) -> Event:
    """Create an event and announce it on the catalog."""
    event = Event(
        event_id=uuid4(),
        title=cmd.title.strip(),
        kind=cmd.kind,
        starts_at=cmd.starts_at,
        ends_at=cmd.ends_at,
        venue=cmd.venue,
        city=cmd.city,
        capacity=cmd.capacity,
        waitlist_enabled=cmd.waitlist_enabled,
        description=cmd.description,
    )
    async with uow:
        await uow.events.add(event)
        payload = m.EventPublished(event=snapshot(event), occurred_at=datetime.now(UTC))
        uow.publish(
            payload, Envelope.new(payload, source=SOURCE, correlation_id=cmd.correlation_id)
        )
        await uow.commit()
    log.info("event published", event_id=str(event.event_id), capacity=event.capacity)
    return event


async def decide_registration(
    uow: UnitOfWork, request: m.RegistrationRequested, cause: Envelope
) -> SeatDecision | None:
    """Decide one registration while the event's inventory row is locked.

    Returns ``None`` when the registration was decided before (a redelivery).
    """
    async with uow:
        event = await uow.events.get(request.event_id, lock=True)
        if await uow.decisions.exists(request.registration_id):
            log.info("registration already decided", registration_id=str(request.registration_id))
            return None
        if event is None:
            decision = SeatDecision(
                request.registration_id,
                request.event_id,
                Outcome.REJECTED,
                rejection=Rejection.UNKNOWN_EVENT,
            )
        else:
            was_open = event.status is Status.OPEN
            decision = event.decide(request.registration_id)
            await uow.events.save(event)
        decision_id = uuid4()
        payload = decision_message(decision, decision_id, datetime.now(UTC))
        envelope = Envelope.new(payload, source=SOURCE, causation=cause)
        await uow.decisions.add(
            decision,
            decision_id=decision_id,
            requested_at=request.requested_at,
            decided_at=payload.decided_at,
        )
        uow.publish(payload, envelope)
        if event is not None and was_open and event.status is Status.CLOSED:
            closed = m.EventClosed(
                event=snapshot(event),
                occurred_at=envelope.time,
                reason=m.CloseReason(CloseReason.FULL),
            )
            uow.publish(closed, Envelope.new(closed, source=SOURCE, causation=cause))
        await uow.commit()
    log.info(
        "registration decided",
        registration_id=str(request.registration_id),
        event_id=str(request.event_id),
        outcome=decision.outcome,
    )
    return decision


async def list_events(uow: UnitOfWork) -> list[Event]:
    async with uow:
        return await uow.events.list()


async def get_event(uow: UnitOfWork, event_id: UUID) -> Event | None:
    async with uow:
        return await uow.events.get(event_id)
