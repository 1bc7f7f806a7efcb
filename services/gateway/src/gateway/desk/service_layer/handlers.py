"""The organiser desk's use cases, each ``use_case(command, apis)``: every change goes to the
service that owns the record (capacity for events, registration for registrations); the desk
only notes who did it (by organiser id, never a name or an address)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from uuid import UUID

import structlog

from contracts.http.registration import (
    Cancellation,
    Participant,
    ParticipantPage,
    RegistrationChanges,
    RegistrationStatus,
)
from contracts.http.stands import NewDecision, StandApplication, StandApplicationPage
from contracts.messages import EventSnapshot
from gateway.desk.domain.commands import (
    AssignSession,
    ByOrganiser,
    CancelForAttendee,
    ChangeCapacity,
    ChangeEvent,
    ChangeSessionCapacity,
    CreateEvent,
    DecideStandApplication,
    ReviseEvent,
    ShowChanges,
    ShowEvent,
    ShowSessions,
    ShowStandApplication,
    ShowStands,
)
from gateway.desk.domain.model import EXPORT_BATCH, PAGE_SIZE, ParticipantFilter
from gateway.desk.domain.programme import SessionRoster, rosters, with_session_capacity
from gateway.desk.domain.stands import ApplicationFilter, ApplicationNotFound
from gateway.desk.service_layer.ports import OrganiserApis
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

log = structlog.get_logger(__name__)


class Batch(Protocol):
    """A page of a list the services send a batch at a time."""

    @property
    def items(self) -> Sequence[object]: ...


BatchT = TypeVar("BatchT", bound=Batch)


@dataclass(frozen=True)
class EventOverview:
    """An event and the page of its registrations ``selection`` asked for; ``page`` is None
    while the registration service cannot be asked (the event is still shown)."""

    event: EventSnapshot
    page: ParticipantPage | None
    selection: ParticipantFilter = field(default_factory=ParticipantFilter)


@dataclass(frozen=True)
class EventChanges:
    """What changed for an open event page: the counts (``changes`` None while the
    registration service cannot be asked) and, when the page shows the newest
    registrations unfiltered and something changed, that page again."""

    event: EventSnapshot
    changes: RegistrationChanges | None
    page: ParticipantPage | None

    @property
    def new(self) -> int:
        return self.changes.new_since if self.changes else 0


def counts_seen(counts: Mapping[RegistrationStatus, int]) -> str:
    """The counts per status as one short text: an open page sends back what it showed."""
    return ",".join(f"{status.value}:{counts.get(status, 0)}" for status in RegistrationStatus)


def _note(what: str, command: ByOrganiser, **fields: object) -> None:
    """Log what an organiser did: who by id only, ids as text."""
    values = {
        name: str(value) if isinstance(value, UUID) else value for name, value in fields.items()
    }
    log.info(what, organiser_id=str(command.organiser.organiser_id), **values)


async def event_overview(query: ShowEvent, apis: OrganiserApis) -> EventOverview:
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    selection = query.selection
    try:
        page: ParticipantPage | None = await apis.registrations.participant_page(
            query.event_id,
            selection,
            query.correlation_id,
            limit=PAGE_SIZE,
            offset=selection.offset,
        )
    except (RegistrationUnavailable, RegistrationRefused):
        page = None
    return EventOverview(event, page, selection)


async def event_changes(query: ShowChanges, apis: OrganiserApis) -> EventChanges:
    """One aggregate query at the registration service; the page of names only when the
    open page shows the newest registrations unfiltered and they changed."""
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    selection = query.selection
    try:
        changes = await apis.registrations.registration_changes(
            query.event_id, query.since, query.correlation_id
        )
    except (RegistrationUnavailable, RegistrationRefused):
        return EventChanges(event, None, None)
    changed = changes.new_since > 0 or counts_seen(changes.counts) != query.seen
    page = None
    if changed and selection.page == 1 and not selection.filtered:
        try:
            page = await apis.registrations.participant_page(
                query.event_id, selection, query.correlation_id, limit=PAGE_SIZE, offset=0
            )
        except (RegistrationUnavailable, RegistrationRefused):
            page = None
    return EventChanges(event, changes, page)


async def all_participants(
    event_id: UUID, correlation_id: str, apis: OrganiserApis
) -> AsyncIterator[list[Participant]]:
    """Every registration of the event, oldest first, ``EXPORT_BATCH`` at a time (for the
    exports: one batch in memory, not the whole list).  Registrations that arrive while it
    runs come at the end; none is left out or comes twice, since none is ever deleted."""

    def batch(offset: int) -> Awaitable[ParticipantPage]:
        return apis.registrations.participant_page(
            event_id,
            ParticipantFilter(),
            correlation_id,
            limit=EXPORT_BATCH,
            offset=offset,
            oldest_first=True,
        )

    async for page in in_batches(batch):
        if page.items:
            yield page.items


async def in_batches(batch: Callable[[int], Awaitable[BatchT]]) -> AsyncIterator[BatchT]:
    """Every page ``batch(offset)`` gives, ``EXPORT_BATCH`` items at a time, until one
    brings fewer."""
    offset = 0
    while True:
        page = await batch(offset)
        yield page
        if len(page.items) < EXPORT_BATCH:
            return
        offset += len(page.items)


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


# --- the Markt der guten Ideen ---------------------------------------------------------


@dataclass(frozen=True)
class StandsOverview:
    """An event, its call for stands and the page of applications ``selection`` asked for."""

    event: EventSnapshot
    page: StandApplicationPage
    selection: ApplicationFilter


async def stands_overview(query: ShowStands, apis: OrganiserApis) -> StandsOverview:
    """Raises ``RegistrationUnavailable``/``RegistrationRefused`` when the applications cannot
    be had."""
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    selection = query.selection
    page = await apis.registrations.stand_applications(
        query.event_id, selection, query.correlation_id, limit=PAGE_SIZE, offset=selection.offset
    )
    return StandsOverview(event, page, selection)


@dataclass(frozen=True)
class StandReview:
    """An application for a stand with the event it is for (and its call)."""

    event: EventSnapshot
    application: StandApplication


async def stand_review(query: ShowStandApplication, apis: OrganiserApis) -> StandReview:
    """``ApplicationNotFound`` when the event has no application with this id."""
    event = await apis.capacity.event(query.event_id, query.correlation_id)
    application = await apis.registrations.stand_application(
        query.event_id, query.application_id, query.correlation_id
    )
    if application is None:
        raise ApplicationNotFound(str(query.application_id))
    return StandReview(event, application)


async def all_stand_applications(
    event_id: UUID, correlation_id: str, apis: OrganiserApis
) -> list[StandApplicationPage]:
    """Every application of the event, oldest first, in pages of ``EXPORT_BATCH`` (the last
    page's counts are the newest)."""

    def batch(offset: int) -> Awaitable[StandApplicationPage]:
        return apis.registrations.stand_applications(
            event_id, ApplicationFilter(), correlation_id, limit=EXPORT_BATCH, offset=offset
        )

    return [page async for page in in_batches(batch)]


async def decide_stand_application(
    command: DecideStandApplication, apis: OrganiserApis
) -> StandApplication:
    """The registration service decides (capacity counts the stands) and tells the
    applicant; raises what ``RegistrationDesk.decide_stand_application`` raises."""
    application = await apis.registrations.decide_stand_application(
        command.event_id,
        command.application_id,
        NewDecision(decision=command.decision, note=command.note),
        command.correlation_id,
    )
    _note(
        "stand application decided",
        command,
        event_id=command.event_id,
        application_id=command.application_id,
        decision=command.decision.value,
        revision=application.revision,
    )
    return application
