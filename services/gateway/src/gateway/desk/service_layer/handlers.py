"""The organiser desk's use cases, each ``use_case(command, apis)``: every change goes to the
service that owns the record (capacity for events, registration for registrations); the desk
only notes who did it (by organiser id, never a name or an address)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from contracts.http.registration import Cancellation, Participant
from contracts.messages import EventSnapshot
from gateway.desk.domain.commands import (
    AssignSession,
    ByOrganiser,
    CancelForAttendee,
    ChangeCapacity,
    ChangeEvent,
    ChangeSessionCapacity,
    CreateEvent,
    ReviseEvent,
    ShowEvent,
    ShowSessions,
)
from gateway.desk.domain.programme import SessionRoster, rosters, with_session_capacity
from gateway.desk.service_layer.ports import OrganiserApis
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class EventOverview:
    """An event and its registrations; ``participants`` is None while the registration
    service cannot be asked (the event is still shown)."""

    event: EventSnapshot
    participants: list[Participant] | None


def _note(what: str, command: ByOrganiser, **fields: object) -> None:
    """Log what an organiser did: who by id only, ids as text."""
    values = {
        name: str(value) if isinstance(value, UUID) else value for name, value in fields.items()
    }
    log.info(what, organiser_id=str(command.organiser.organiser_id), **values)


async def event_overview(query: ShowEvent, apis: OrganiserApis) -> EventOverview:
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    try:
        participants: list[Participant] | None = await apis.registrations.participants(
            query.event_id, query.correlation_id
        )
    except (RegistrationUnavailable, RegistrationRefused):
        participants = None
    return EventOverview(event, participants)


async def create_event(command: CreateEvent, apis: OrganiserApis) -> EventSnapshot:
    event = await apis.capacity.create(
        command.details, command.seats, command.publish, command.correlation_id
    )
    _note("event created", command, event_id=event.event_id, published=command.publish)
    return event


async def revise_event(command: ReviseEvent, apis: OrganiserApis) -> EventSnapshot:
    event = await apis.capacity.update(command.event_id, command.details, command.correlation_id)
    _note("event revised", command, event_id=command.event_id)
    return event


async def change_event(command: ChangeEvent, apis: OrganiserApis) -> EventSnapshot:
    """Publish, close, reopen or cancel; ``CapacityRefused`` when the state forbids it."""
    event = await apis.capacity.act(command.event_id, command.action, command.correlation_id)
    _note("event changed", command, event_id=command.event_id, action=command.action.value)
    return event


async def change_capacity(command: ChangeCapacity, apis: OrganiserApis) -> EventSnapshot:
    """``CapacityRefused`` (409) when fewer seats than are taken."""
    event = await apis.capacity.change_capacity(
        command.event_id, command.seats, command.correlation_id
    )
    _note("capacity changed", command, event_id=command.event_id, capacity=command.seats)
    return event


@dataclass(frozen=True)
class ProgrammeOverview:
    """An event and, per session of its programme, who holds a seat and who waits."""

    event: EventSnapshot
    rosters: list[SessionRoster]


async def programme_overview(query: ShowSessions, apis: OrganiserApis) -> ProgrammeOverview:
    """Capacity's lists joined with the registration service's participants; raises
    ``RegistrationUnavailable``/``RegistrationRefused`` when the names cannot be had."""
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    lists = await apis.capacity.session_lists(query.event_id, query.correlation_id)
    participants = await apis.registrations.participants(query.event_id, query.correlation_id)
    return ProgrammeOverview(event, rosters(event, lists, participants))


async def assign_session(command: AssignSession, apis: OrganiserApis) -> EventSnapshot:
    """``CapacityRefused`` (409) when the session is full, unknown, or the registration has
    no confirmed seat: nothing changed."""
    event = await apis.capacity.assign_session(
        command.event_id, command.session_id, command.registration_id, command.correlation_id
    )
    _note(
        "session assigned by organiser",
        command,
        event_id=command.event_id,
        session_id=command.session_id,
        registration_id=command.registration_id,
    )
    return event


async def change_session_capacity(
    command: ChangeSessionCapacity, apis: OrganiserApis
) -> EventSnapshot:
    """The event's details as capacity has them, the session with its new capacity;
    ``SessionNotFound`` when the programme has no such session, ``CapacityRefused`` (422)
    when fewer seats than are taken."""
    current = await apis.capacity.event(command.event_id, command.correlation_id)
    details = with_session_capacity(current, command.session_id, command.seats)
    event = await apis.capacity.update(command.event_id, details, command.correlation_id)
    _note(
        "session capacity changed",
        command,
        event_id=command.event_id,
        session_id=command.session_id,
        capacity=command.seats,
    )
    return event


async def cancel_for_attendee(command: CancelForAttendee, apis: OrganiserApis) -> Cancellation:
    """Cancel for the attendee; the registration service tells capacity and the attendee.
    A second time changes nothing (``already_cancelled``)."""
    cancellation = await apis.registrations.cancel_for_organiser(
        command.registration_id, command.correlation_id
    )
    _note(
        "registration cancelled by organiser",
        command,
        event_id=cancellation.event_id,
        registration_id=command.registration_id,
        already_cancelled=cancellation.already_cancelled,
    )
    return cancellation
