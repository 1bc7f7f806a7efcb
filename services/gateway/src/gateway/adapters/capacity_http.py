"""Capacity's open read of a registration's places in the programme, for the status page
(no internal token: the organiser desk has its own client, ``gateway.desk.adapters``)."""

from __future__ import annotations

import httpx
from pydantic import TypeAdapter

from contracts.http.errors import ApiError
from contracts.messages import SessionPlace
from gateway.domain.commands import ShowPlaces
from gateway.service_layer.ports import PlacesUnavailable
from servicekit.http import CORRELATION_HEADER
from servicekit.service_http import ServiceClient

PLACES = TypeAdapter(list[SessionPlace])


class HttpSessionPlaces(ServiceClient):
    """``GET /events/{id}/registrations/{registration_id}/sessions``; an event capacity does
    not know (404) has no places, any other refusal counts as capacity unavailable."""

    service = "capacity"
    unavailable = PlacesUnavailable
    refused = PlacesUnavailable
    refused_fallback = ApiError(
        code="places_unavailable",
        message_de="Die Plätze im Programm können gerade nicht abgerufen werden.",
        message_en="The places in the programme cannot be looked up right now.",
    )

    async def places(self, query: ShowPlaces) -> list[SessionPlace]:
        response = await self._request(
            "GET",
            f"/events/{query.event_id}/registrations/{query.registration_id}/sessions",
            headers={CORRELATION_HEADER: query.correlation_id},
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            return []
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(PLACES, response)
