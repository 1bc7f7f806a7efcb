"""Capacity's API for the Markt: the event's call for stands, and a stand taken when an
application is accepted (``PUT /events/{id}/stands/{application_id}``, internal token)."""

from __future__ import annotations

from uuid import UUID

import httpx
import structlog
from pydantic import SecretStr, ValidationError

from contracts.http.capacity import CapacityErrorCode, StandReservation
from contracts.http.errors import ApiError
from contracts.messages import EventSnapshot, EventStatus, StandCall
from registration.service_layer.unit_of_work import CapacityUnavailable, Stands, StandsFull
from servicekit.http import INTERNAL_TOKEN_HEADER

log = structlog.get_logger(__name__)
LISTED = (EventStatus.OPEN, EventStatus.CLOSED)
"""Events whose call takes applications (a draft is not public, a cancelled one is off)."""


class CapacityStands(Stands):
    def __init__(self, base_url: str, internal_token: SecretStr, timeout: float = 10.0) -> None:
        # a few calls an hour (applying, accepting): httpx's own pool is enough
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token.get_secret_value()}

    async def _send(
        self, method: str, url: str, body: StandReservation | None = None
    ) -> httpx.Response:
        json = body.model_dump(mode="json") if body else None
        try:
            response = await self._client.request(method, url, headers=self._headers, json=json)
        except httpx.TransportError as exc:
            log.warning("capacity unreachable", error=type(exc).__name__)
            raise CapacityUnavailable(type(exc).__name__) from exc
        if response.is_server_error:
            raise CapacityUnavailable(f"status {response.status_code}")
        return response

    async def call(self, event_id: UUID) -> StandCall | None:
        response = await self._send("GET", f"/events/{event_id}")
        if response.status_code == 404:
            return None
        try:
            response.raise_for_status()
            event = EventSnapshot.model_validate_json(response.content)
        except (httpx.HTTPStatusError, ValidationError) as exc:
            raise CapacityUnavailable("unexpected answer") from exc
        return event.stand_call if event.status in LISTED else None

    async def reserve(
        self, event_id: UUID, application_id: UUID, staff: int, revision: int
    ) -> None:
        response = await self._send(
            "PUT",
            f"/events/{event_id}/stands/{application_id}",
            StandReservation(staff=staff, revision=revision),
        )
        if response.status_code == 409:
            try:
                error = ApiError.model_validate_json(response.content)
            except ValidationError as exc:
                raise CapacityUnavailable("unexpected answer") from exc
            if error.code in (CapacityErrorCode.STANDS_FULL, CapacityErrorCode.NO_STAND_CALL):
                raise StandsFull(error.code)
        if not response.is_success:
            raise CapacityUnavailable(f"status {response.status_code}")
