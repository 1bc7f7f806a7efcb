"""Capacity's organiser API over HTTP: events (drafts included), their details, state and
capacity."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import httpx
import structlog
from pydantic import BaseModel, TypeAdapter

from contracts.http.capacity import (
    EventAction,
    EventDetails,
    NewAssignment,
    NewCapacity,
    NewEvent,
    SessionList,
)
from contracts.http.errors import ApiError
from contracts.messages import EventSnapshot
from gateway.desk.service_layer.ports import (
    CapacityRefused,
    CapacityUnavailable,
    EventNotFound,
)
from servicekit.http import CORRELATION_HEADER
from servicekit.service_http import ServiceClient

log = structlog.get_logger(__name__)

T = TypeVar("T")
EVENT = TypeAdapter(EventSnapshot)
EVENTS = TypeAdapter(list[EventSnapshot])
SESSION_LISTS = TypeAdapter(list[SessionList])


class HttpCapacity(ServiceClient):
    """Through a client that carries the internal token (``X-Internal-Token``): capacity
    wants it for every change."""

    service = "capacity"
    unavailable = CapacityUnavailable
    refused = CapacityRefused  # 409/422 with capacity's ApiError (a 422's errors name fields)
    refused_fallback = ApiError(
        code="capacity_refused",
        message_de="Capacity hat die Änderung abgelehnt.",
        message_en="Capacity refused the change.",
    )

    async def events(self, correlation_id: str) -> list[EventSnapshot]:
        response = await self._send("GET", "/events", correlation_id)
        return self._parse(EVENTS, response)

    async def event(self, event_id: UUID, correlation_id: str) -> EventSnapshot:
        return await self._event("GET", f"/events/{event_id}", correlation_id)

    async def create(
        self, details: EventDetails, capacity: int, publish: bool, correlation_id: str
    ) -> EventSnapshot:
        body = NewEvent(**details.model_dump(), capacity=capacity, publish=publish)
        return await self._event("POST", "/events", correlation_id, body)

    async def update(
        self, event_id: UUID, details: EventDetails, correlation_id: str
    ) -> EventSnapshot:
        return await self._event("PUT", f"/events/{event_id}", correlation_id, details)

    async def act(self, event_id: UUID, action: EventAction, correlation_id: str) -> EventSnapshot:
        return await self._event("POST", f"/events/{event_id}/{action.value}", correlation_id)

    async def change_capacity(
        self, event_id: UUID, capacity: int, correlation_id: str
    ) -> EventSnapshot:
        body = NewCapacity(capacity=capacity)
        return await self._event("PUT", f"/events/{event_id}/capacity", correlation_id, body)

    async def session_lists(self, event_id: UUID, correlation_id: str) -> list[SessionList]:
        response = await self._send("GET", f"/events/{event_id}/sessions", correlation_id)
        return self._parse(SESSION_LISTS, response)

    async def assign_session(
        self, event_id: UUID, session_id: UUID, registration_id: UUID, correlation_id: str
    ) -> EventSnapshot:
        url = f"/events/{event_id}/sessions/{session_id}/assignments"
        body = NewAssignment(registration_id=registration_id)
        return await self._event("POST", url, correlation_id, body)

    async def _event(
        self, method: str, url: str, correlation_id: str, body: BaseModel | None = None
    ) -> EventSnapshot:
        response = await self._send(method, url, correlation_id, body)
        return self._parse(EVENT, response)

    async def _send(
        self, method: str, url: str, correlation_id: str, body: BaseModel | None = None
    ) -> httpx.Response:
        response = await self._request(
            method, url, headers={CORRELATION_HEADER: correlation_id}, body=body
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            raise EventNotFound(url)
        if response.is_client_error:
            raise self._refusal(response)
        return response
