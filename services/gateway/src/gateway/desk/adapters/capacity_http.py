"""Capacity's organiser API over HTTP: events (drafts included), their details, state and
capacity."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import httpx
import structlog
from pydantic import TypeAdapter, ValidationError

from contracts.messages import EventSnapshot
from gateway.adapters.registration_http import refusal
from gateway.desk.domain.commands import EventAction
from gateway.desk.domain.model import EventDetails
from gateway.desk.service_layer.ports import (
    CapacityRefused,
    CapacityUnavailable,
    EventNotFound,
)
from servicekit.http import CORRELATION_HEADER

log = structlog.get_logger(__name__)

T = TypeVar("T")
EVENT = TypeAdapter(EventSnapshot)
EVENTS = TypeAdapter(list[EventSnapshot])
REFUSED_FALLBACK = "Capacity hat die Änderung abgelehnt. / Capacity refused the change."


def details_body(details: EventDetails) -> dict[str, Any]:
    deadline = details.registration_deadline
    return {
        "title": details.title,
        "kind": details.kind.value,
        "description": details.description,
        "starts_at": details.starts_at.isoformat(),
        "ends_at": details.ends_at.isoformat(),
        "venue": details.venue,
        "address": details.address,
        "city": details.city,
        "organiser_contact": details.organiser_contact,
        "waitlist_enabled": details.waitlist_enabled,
        "registration_deadline": deadline.isoformat() if deadline else None,
    }


def refused(response: httpx.Response) -> CapacityRefused:
    """409/422 with capacity's reason; a validation list names the fields it disliked."""
    reason = refusal(response)
    fields: tuple[str, ...] = ()
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        fields = tuple(
            str(error["loc"][-1])
            for error in detail
            if isinstance(error, dict) and isinstance(error.get("loc"), list) and error["loc"]
        )
    return CapacityRefused(
        response.status_code, reason.message_de or REFUSED_FALLBACK, fields, reason.message_en
    )


class HttpCapacity:
    """Through a client that carries the internal token (``X-Internal-Token``): capacity
    wants it for every change."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def events(self, correlation_id: str) -> list[EventSnapshot]:
        response = await self._send("GET", "/events", correlation_id)
        return self._parse(EVENTS, response)

    async def event(self, event_id: UUID, correlation_id: str) -> EventSnapshot:
        return await self._event("GET", f"/events/{event_id}", correlation_id)

    async def create(
        self, details: EventDetails, capacity: int, publish: bool, correlation_id: str
    ) -> EventSnapshot:
        body = {**details_body(details), "capacity": capacity, "publish": publish}
        return await self._event("POST", "/events", correlation_id, body)

    async def update(
        self, event_id: UUID, details: EventDetails, correlation_id: str
    ) -> EventSnapshot:
        return await self._event(
            "PUT", f"/events/{event_id}", correlation_id, details_body(details)
        )

    async def act(self, event_id: UUID, action: EventAction, correlation_id: str) -> EventSnapshot:
        return await self._event("POST", f"/events/{event_id}/{action.value}", correlation_id)

    async def change_capacity(
        self, event_id: UUID, capacity: int, correlation_id: str
    ) -> EventSnapshot:
        return await self._event(
            "PUT", f"/events/{event_id}/capacity", correlation_id, {"capacity": capacity}
        )

    async def check(self) -> None:
        response = await self._client.get("/healthz")
        response.raise_for_status()

    async def _event(
        self, method: str, url: str, correlation_id: str, body: dict[str, Any] | None = None
    ) -> EventSnapshot:
        response = await self._send(method, url, correlation_id, body)
        return self._parse(EVENT, response)

    async def _send(
        self, method: str, url: str, correlation_id: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        try:
            response = await self._client.request(
                method, url, json=body, headers={CORRELATION_HEADER: correlation_id}
            )
        except httpx.TransportError as exc:
            log.warning("capacity unreachable", error=type(exc).__name__)
            raise CapacityUnavailable(type(exc).__name__) from exc
        if response.is_server_error:
            log.warning("capacity failed", status_code=response.status_code)
            raise CapacityUnavailable(f"status {response.status_code}")
        if response.status_code == httpx.codes.NOT_FOUND:
            raise EventNotFound(url)
        if response.is_client_error:
            raise refused(response)
        return response

    @staticmethod
    def _parse(adapter: TypeAdapter[T], response: httpx.Response) -> T:
        try:
            return adapter.validate_json(response.content)
        except ValidationError as exc:
            log.warning("capacity answered unexpectedly", status_code=response.status_code)
            raise CapacityUnavailable("unexpected answer") from exc
