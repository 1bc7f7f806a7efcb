"""Capacity's API for the Markt: the event's call for stands, and a stand taken when an
application is accepted (``PUT /events/{id}/stands/{application_id}``, internal token)."""

from __future__ import annotations

from uuid import UUID

import httpx
from pydantic import SecretStr, TypeAdapter

from contracts.http.capacity import CapacityErrorCode, StandReservation
from contracts.http.errors import ApiError
from contracts.messages import EventSnapshot, EventStatus, StandCall
from registration.service_layer.unit_of_work import CapacityUnavailable, Stands, StandsFull
from servicekit.http import INTERNAL_TOKEN_HEADER
from servicekit.service_http import ServiceClient, api_error

LISTED = (EventStatus.OPEN, EventStatus.CLOSED)
"""Events whose call takes applications (a draft is not public, a cancelled one is off)."""
EVENT = TypeAdapter(EventSnapshot)
TAKEN = (CapacityErrorCode.STANDS_FULL, CapacityErrorCode.NO_STAND_CALL)


class CapacityStands(ServiceClient, Stands):
    service = "capacity"
    unavailable = CapacityUnavailable
    refused = CapacityUnavailable
    refused_fallback = ApiError(
        code="capacity_refused",
        message_de="Die Platzverwaltung hat die Anfrage abgelehnt.",
        message_en="Capacity refused the request.",
    )

    def __init__(self, base_url: str, internal_token: SecretStr, timeout: float = 10.0) -> None:
        # a few calls an hour (applying, accepting): httpx's own pool is enough
        super().__init__(httpx.AsyncClient(base_url=base_url, timeout=timeout))
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token.get_secret_value()}

    async def call(self, event_id: UUID) -> StandCall | None:
        response = await self._request("GET", f"/events/{event_id}", headers=self._headers)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.is_client_error:
            raise self._refusal(response)
        event = self._parse(EVENT, response)
        return event.stand_call if event.status in LISTED else None

    async def reserve(
        self, event_id: UUID, application_id: UUID, staff: int, revision: int
    ) -> None:
        response = await self._request(
            "PUT",
            f"/events/{event_id}/stands/{application_id}",
            headers=self._headers,
            body=StandReservation(staff=staff, revision=revision),
        )
        error = api_error(response) if response.status_code == httpx.codes.CONFLICT else None
        if error is not None and error.code in TAKEN:
            raise StandsFull(error.code)
        if not response.is_success:
            raise self._refusal(response)
