"""The organiser desk's use cases: every change goes to the service that owns the record
(capacity for events, registration for registrations); the gateway only notes who did it
(by organiser id, never a name or an address)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from contracts.messages import EventSnapshot
from gateway.desk.domain.model import EventDetails, Participant
from gateway.desk.domain.organisers import Organiser
from gateway.desk.service_layer.ports import Capacity, EventAction, RegistrationDesk
from gateway.domain.registration import Cancellation
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class EventOverview:
    """An event and its registrations; ``participants`` is None while the registration
    service cannot be asked (the event is still shown)."""

    event: EventSnapshot
    participants: list[Participant] | None


async def event_overview(
    event_id: UUID, correlation_id: str, capacity: Capacity, registrations: RegistrationDesk
) -> EventOverview:
    event = await capacity.event(event_id, correlation_id)
    try:
        participants: list[Participant] | None = await registrations.participants(
            event_id, correlation_id
        )
    except (RegistrationUnavailable, RegistrationRefused):
        participants = None
    return EventOverview(event, participants)


async def create_event(
    details: EventDetails,
    seats: int,
    publish: bool,
    organiser: Organiser,
    correlation_id: str,
    capacity: Capacity,
) -> EventSnapshot:
    event = await capacity.create(details, seats, publish, correlation_id)
    log.info(
        "event created",
        event_id=str(event.event_id),
        published=publish,
        organiser_id=str(organiser.organiser_id),
    )
    return event


async def update_event(
    event_id: UUID,
    details: EventDetails,
    organiser: Organiser,
    correlation_id: str,
    capacity: Capacity,
) -> EventSnapshot:
    event = await capacity.update(event_id, details, correlation_id)
    log.info("event revised", event_id=str(event_id), organiser_id=str(organiser.organiser_id))
    return event


async def change_event(
    event_id: UUID,
    action: EventAction,
    organiser: Organiser,
    correlation_id: str,
    capacity: Capacity,
) -> EventSnapshot:
    """Publish, close, reopen or cancel; ``CapacityRefused`` when the state forbids it."""
    event = await capacity.act(event_id, action, correlation_id)
    log.info(
        "event changed",
        event_id=str(event_id),
        action=action.value,
        organiser_id=str(organiser.organiser_id),
    )
    return event


async def change_capacity(
    event_id: UUID, seats: int, organiser: Organiser, correlation_id: str, capacity: Capacity
) -> EventSnapshot:
    """``CapacityRefused`` (409) when fewer seats than are taken."""
    event = await capacity.change_capacity(event_id, seats, correlation_id)
    log.info(
        "capacity changed",
        event_id=str(event_id),
        capacity=seats,
        organiser_id=str(organiser.organiser_id),
    )
    return event


async def cancel_registration(
    registration_id: UUID,
    organiser: Organiser,
    correlation_id: str,
    registrations: RegistrationDesk,
) -> Cancellation:
    """Cancel for the attendee; the registration service tells capacity and the attendee.
    A second time changes nothing (``already_cancelled``)."""
    cancellation = await registrations.cancel_for_organiser(registration_id, correlation_id)
    log.info(
        "registration cancelled by organiser",
        event_id=str(cancellation.event_id),
        registration_id=str(registration_id),
        already_cancelled=cancellation.already_cancelled,
        organiser_id=str(organiser.organiser_id),
    )
    return cancellation
