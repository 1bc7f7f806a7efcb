"""The organiser API: create (as a draft or published), list, publish, revise and change
events (capacity, close, reopen, cancel).  Reading is open; every change wants the internal
token (``X-Internal-Token``), which the organiser desk sends.

Run: ``uvicorn capacity.entrypoints.http:create_app --factory --host 127.0.0.1 --port 8002``
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, FastAPI, Request, status

from capacity import bootstrap
from capacity.config import Settings
from capacity.domain import commands
from capacity.domain.model import Details, Event, InvalidEvent, Refused
from capacity.domain.sessions import Session, Slot
from capacity.service_layer import handlers
from capacity.service_layer.messages import session_places, snapshot
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts.http.capacity import (
    CapacityErrorCode,
    EventDetails,
    NewAssignment,
    NewCapacity,
    NewEvent,
    ProgrammeSlot,
    SessionList,
    StandReservation,
)
from contracts.http.errors import ApiError
from contracts.messages import EventSnapshot, SessionPlace
from servicekit.http import (
    INTERNAL_TOKEN_RESPONSES,
    ApiException,
    internal_token_guard,
    refusal,
    service_app,
    unit_of_work,
)

Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
OrganiserAction = Callable[..., Awaitable[Event]]
NOT_FOUND = ApiError(
    code=CapacityErrorCode.NOT_FOUND,
    message_de="Veranstaltung nicht gefunden.",
    message_en="Event not found.",
)
INVALID_EVENT = (
    CapacityErrorCode.INVALID_EVENT,
    "Bitte prüfen Sie die Angaben zur Veranstaltung.",
    "Please check the event's details.",
)


@dataclass(frozen=True)
class Transition:
    """A change of an event's status without a body: ``POST /events/{event_id}/<name>``."""

    name: str
    command: type[commands.OrganiseEvent]
    handler: OrganiserAction
    conflict: str
    """When it is refused (409)."""
    description: str


TRANSITIONS = (
    Transition(
        "publish",
        commands.PublishEvent,
        handlers.publish_event,
        "not a draft (already_published)",
        "Open a draft for registration (``EventPublished``).",
    ),
    Transition(
        "close",
        commands.CloseEvent,
        handlers.close_event,
        "event_cancelled or event_is_draft",
        "Close registration by hand (``EventClosed(manual)``).",
    ),
    Transition(
        "reopen",
        commands.ReopenEvent,
        handlers.reopen_event,
        "event_cancelled, event_is_draft or deadline_passed",
        "Open registration again (``EventReopened``).",
    ),
    Transition(
        "cancel",
        commands.CancelEvent,
        handlers.cancel_event,
        "a draft (event_is_draft)",
        "Cancel the event: every confirmed and waiting registration is released and told.",
    ),
)


def conflict(description: str) -> dict[int | str, dict[str, Any]]:
    """The documented 409: the change is not allowed now (``description``: the codes)."""
    return {409: {"model": ApiError, "description": description}}


def details(body: EventDetails) -> Details:
    """The body as domain details; new slots and sessions get their ids here."""
    data = body.model_dump(include=set(EventDetails.model_fields) - {"programme", "stand_call"})
    return Details(
        **data,
        programme=tuple(_slot(slot) for slot in body.programme),
        stand_call=body.stand_call,
    )


def _slot(slot: ProgrammeSlot) -> Slot:
    sessions = tuple(
        Session(
            session_id=session.session_id or uuid4(),
            title=session.title,
            capacity=session.capacity,
            description=session.description,
            room=session.room,
            moderation=session.moderation,
        )
        for session in slot.sessions
    )
    return Slot(
        slot_id=slot.slot_id or uuid4(),
        title=slot.title,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sessions=sessions,
        ranks=min(slot.ranks, len(sessions)) if sessions else 0,
        choice_required=slot.choice_required and bool(sessions),
        fallback=slot.fallback and bool(sessions),
    )


@contextmanager
def answers() -> Iterator[None]:
    """Domain errors as ``ApiError`` answers: unknown 404 ``not_found``, not allowed now 409
    (the refusal's code), invalid 422 ``invalid_event`` (the fields in ``errors``)."""
    try:
        yield
    except handlers.EventNotFound:
        raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from None
    except Refused as exc:
        raise refusal(status.HTTP_409_CONFLICT, exc.code, exc.message_de, exc.message_en) from exc
    except InvalidEvent as exc:
        raise refusal(status.HTTP_422_UNPROCESSABLE_CONTENT, *INVALID_EVENT, exc.problems) from exc


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = service_app(
        title="Quartier capacity – organiser API",
        service="capacity-http",
        settings=settings,
        bootstrap=lambda pool: bootstrap.bootstrap(settings, pool=pool),
    )
    # Every change: only the organiser desk (and tooling) with the shared internal token.
    organiser = APIRouter(
        dependencies=[Depends(internal_token_guard(settings.internal_token))],
        responses=INTERNAL_TOKEN_RESPONSES,
    )

    @organiser.post("/events", status_code=status.HTTP_201_CREATED, response_model=EventSnapshot)
    async def create(body: NewEvent, request: Request, unit: Uow) -> EventSnapshot:
        """Create an event.  Published (the default), it is announced as ``EventPublished``
        on ``capacity.catalog.v1``; with ``publish: false`` it is a draft (status
        ``draft``) that only this API shows until ``POST /events/{id}/publish``."""
        cmd = commands.CreateEvent(
            details(body),
            body.capacity,
            publish=body.publish,
            correlation_id=request.state.correlation_id,
        )
        with answers():
            event = await handlers.create_event(cmd, unit)
        return snapshot(event)

    @app.get("/events", response_model=list[EventSnapshot])
    async def list_events(unit: Uow) -> list[EventSnapshot]:
        """Every event, drafts included, by start."""
        return [snapshot(e) for e in await handlers.list_events(unit)]

    @app.get("/events/{event_id}", response_model=EventSnapshot)
    async def get_event(event_id: UUID, unit: Uow) -> EventSnapshot:
        event: Event | None = await handlers.get_event(event_id, unit)
        if event is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return snapshot(event)

    async def organise(action: OrganiserAction, cmd: object, unit: UnitOfWork) -> EventSnapshot:
        with answers():
            event = await action(cmd, unit)
        return snapshot(event)

    @organiser.put(
        "/events/{event_id}",
        response_model=EventSnapshot,
        responses=conflict("the event is cancelled (event_cancelled)"),
    )
    async def revise(
        event_id: UUID, body: EventDetails, request: Request, unit: Uow
    ) -> EventSnapshot:
        """Replace the details; a published event is announced as ``EventUpdated``.  The
        waiting list turned off keeps those already waiting; a deadline moved into the past
        closes an open event at the next deadline check."""
        cmd = commands.ReviseEvent(
            event_id, details(body), correlation_id=request.state.correlation_id
        )
        return await organise(handlers.revise_event, cmd, unit)

    @organiser.put(
        "/events/{event_id}/capacity",
        response_model=EventSnapshot,
        responses=conflict("fewer seats than are taken (seats_taken)"),
    )
    async def change_capacity(
        event_id: UUID, body: NewCapacity, request: Request, unit: Uow
    ) -> EventSnapshot:
        """Raise (the waiting list moves up) or lower (never below the seats taken)."""
        cmd = commands.ChangeCapacity(
            event_id, body.capacity, correlation_id=request.state.correlation_id
        )
        return await organise(handlers.change_capacity, cmd, unit)

    @app.get("/events/{event_id}/sessions", response_model=list[SessionList])
    async def sessions(event_id: UUID, unit: Uow) -> list[SessionList]:
        """Per session of the programme: the registrations holding a seat and those waiting
        (first in line first); ids only, the names are the registration service's."""
        with answers():
            event, allocations = await handlers.session_lists(event_id, unit)
        return [
            SessionList(
                slot_id=slot_id,
                session_id=session.session_id,
                capacity=session.capacity,
                holders=holders,
                waiting=waiting,
            )
            for slot_id, session, holders, waiting in allocations.lists(event.details.programme)
        ]

    @app.get(
        "/events/{event_id}/registrations/{registration_id}/sessions",
        response_model=list[SessionPlace],
    )
    async def places(event_id: UUID, registration_id: UUID, unit: Uow) -> list[SessionPlace]:
        """A registration's places in the programme: the session held per choice slot, its
        rank, the places on the waiting lists of sessions ranked higher."""
        with answers():
            return session_places(await handlers.places(event_id, registration_id, unit))

    @organiser.post(
        "/events/{event_id}/sessions/{session_id}/assignments",
        response_model=EventSnapshot,
        responses=conflict("session_full, unknown_session or not_confirmed"),
    )
    async def assign(
        event_id: UUID, session_id: UUID, body: NewAssignment, request: Request, unit: Uow
    ) -> EventSnapshot:
        """Move a confirmed registration to the session by hand; it becomes their one
        choice.  Refused when the session is full (``session_full``)."""
        cmd = commands.AssignSession(
            event_id,
            body.registration_id,
            session_id,
            correlation_id=request.state.correlation_id,
        )
        return await organise(handlers.assign_session, cmd, unit)

    def transition(action: Transition) -> Callable[..., Awaitable[EventSnapshot]]:
        async def endpoint(event_id: UUID, request: Request, unit: Uow) -> EventSnapshot:
            cmd = action.command(event_id, correlation_id=request.state.correlation_id)
            return await organise(action.handler, cmd, unit)

        return endpoint

    for action in TRANSITIONS:
        organiser.add_api_route(
            f"/events/{{event_id}}/{action.name}",
            transition(action),
            methods=["POST"],
            name=action.name,
            description=action.description,
            response_model=EventSnapshot,
            responses=conflict(action.conflict),
        )

    @organiser.put(
        "/events/{event_id}/stands/{application_id}",
        response_model=EventSnapshot,
        responses=conflict("stands_full, no_stand_call or event_cancelled"),
    )
    async def reserve_stand(
        event_id: UUID, application_id: UUID, body: StandReservation, request: Request, unit: Uow
    ) -> EventSnapshot:
        """Take a stand for an accepted application (the registration service, on
        accepting): ``staff`` day seats are kept for its team apart from the public
        capacity.  Repeating it is harmless; refused (409 ``stands_full``) when every stand
        of the call is taken.  The stand is freed by the application's
        ``StandApplicationDeclined``/``Withdrawn`` (``registration.stand-applications.v1``)."""
        cmd = commands.ReserveStand(
            event_id,
            application_id=application_id,
            staff=body.staff,
            revision=body.revision,
            correlation_id=request.state.correlation_id,
        )
        return await organise(handlers.reserve_stand, cmd, unit)

    app.include_router(organiser)
    return app
