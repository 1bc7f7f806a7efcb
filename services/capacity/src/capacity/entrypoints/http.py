"""The organiser API: create, list and change events (capacity, close, reopen, cancel).

Run: ``uvicorn capacity.entrypoints.http:create_app --factory --host 127.0.0.1 --port 8002``
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, FastAPI, HTTPException, Request, status
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from capacity import bootstrap
from capacity.config import Settings
from capacity.domain.model import Event, InvalidEvent, Refused
from capacity.service_layer import handlers
from capacity.service_layer.messages import snapshot
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts.messages import EventKind, EventSnapshot
from contracts.runtime.http import service_app, unit_of_work


class NewCapacity(BaseModel):
    capacity: int = Field(ge=0, le=100_000)


class NewEvent(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: EventKind
    description: str = Field("", max_length=5000)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=0, le=100_000)
    waitlist_enabled: bool = True
    registration_deadline: AwareDatetime | None = None

    @model_validator(mode="after")
    def ends_after_start(self) -> NewEvent:
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at / Ende liegt vor dem Beginn")
        return self


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
OrganiserAction = Callable[..., Awaitable[Event]]
NOT_FOUND = "Veranstaltung nicht gefunden / event not found"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = service_app(
        title="Quartier capacity – organiser API",
        service="capacity-http",
        settings=settings,
        uow_factory=bootstrap.uow_factory,
    )

    @app.post("/events", status_code=status.HTTP_201_CREATED, response_model=EventSnapshot)
    async def publish(body: NewEvent, request: Request, unit: Uow) -> EventSnapshot:
        """Create an event; it is announced as ``EventPublished`` on ``capacity.catalog.v1``."""
        cmd = handlers.PublishEvent(
            **body.model_dump(), correlation_id=request.state.correlation_id
        )
        try:
            event = await handlers.publish_event(unit, cmd)
        except InvalidEvent as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
        return snapshot(event)

    @app.get("/events", response_model=list[EventSnapshot])
    async def list_events(unit: Uow) -> list[EventSnapshot]:
        return [snapshot(e) for e in await handlers.list_events(unit)]

    @app.get("/events/{event_id}", response_model=EventSnapshot)
    async def get_event(event_id: UUID, unit: Uow) -> EventSnapshot:
        event: Event | None = await handlers.get_event(unit, event_id)
        if event is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return snapshot(event)

    async def organise(
        action: OrganiserAction, unit: UnitOfWork, event_id: UUID, request: Request, *args: int
    ) -> EventSnapshot:
        try:
            event = await action(unit, event_id, *args, request.state.correlation_id)
        except handlers.EventNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from None
        except Refused as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
        return snapshot(event)

    @app.put(
        "/events/{event_id}/capacity",
        response_model=EventSnapshot,
        responses={409: {"description": "fewer seats than are taken"}},
    )
    async def change_capacity(
        event_id: UUID, body: NewCapacity, request: Request, unit: Uow
    ) -> EventSnapshot:
        """Raise (the waiting list moves up) or lower (never below the seats taken)."""
        return await organise(handlers.change_capacity, unit, event_id, request, body.capacity)

    @app.post("/events/{event_id}/close", response_model=EventSnapshot)
    async def close(event_id: UUID, request: Request, unit: Uow) -> EventSnapshot:
        """Close registration by hand (``EventClosed(manual)``)."""
        return await organise(handlers.close_event, unit, event_id, request)

    @app.post(
        "/events/{event_id}/reopen",
        response_model=EventSnapshot,
        responses={409: {"description": "cancelled or past the deadline"}},
    )
    async def reopen(event_id: UUID, request: Request, unit: Uow) -> EventSnapshot:
        """Open registration again (``EventReopened``)."""
        return await organise(handlers.reopen_event, unit, event_id, request)

    @app.post("/events/{event_id}/cancel", response_model=EventSnapshot)
    async def cancel(event_id: UUID, request: Request, unit: Uow) -> EventSnapshot:
        """Cancel the event: every confirmed and waiting registration is released and told."""
        return await organise(handlers.cancel_event, unit, event_id, request)

    return app
