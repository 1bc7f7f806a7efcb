"""The registration service's organiser API over HTTP, through a client that carries the
internal token."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode
from uuid import UUID

import httpx
import structlog
from pydantic import TypeAdapter

from contracts.http.registration import (
    AccessibilityReport,
    Cancellation,
    FeedbackEntry,
    Participant,
    ParticipantOrder,
    ParticipantPage,
    RegistrationChanges,
    RegistrationErrorCode,
)
from contracts.http.stands import (
    ApplicationErrorCode,
    NewDecision,
    StandApplication,
    StandApplicationPage,
)
from gateway.adapters.registration_http import CANCELLATION, HttpRegistrations
from gateway.desk.domain.model import ParticipantFilter
from gateway.desk.domain.stands import ApplicationFilter
from gateway.desk.service_layer.ports import StandsUnavailable
from gateway.service_layer.ports import RegistrationUnavailable
from servicekit.http import CORRELATION_HEADER
from servicekit.service_http import api_error

T = TypeVar("T")
log = structlog.get_logger(__name__)
PARTICIPANTS = TypeAdapter(list[Participant])
PARTICIPANT = TypeAdapter(Participant)
ACCESSIBILITY_REPORT = TypeAdapter(AccessibilityReport)
FEEDBACK = TypeAdapter(list[FeedbackEntry])
PAGE = TypeAdapter(ParticipantPage)
CHANGES = TypeAdapter(RegistrationChanges)
STAND_PAGE = TypeAdapter(StandApplicationPage)
STAND_APPLICATION = TypeAdapter(StandApplication)


class HttpRegistrationDesk(HttpRegistrations):
    """The registration service's organiser API, through a client that carries the
    internal token (``X-Internal-Token``) on every request."""

    async def participants(self, event_id: UUID, correlation_id: str) -> list[Participant]:
        return await self._organiser_call(
            PARTICIPANTS, "GET", f"/events/{event_id}/registrations", correlation_id
        )

    async def participant(
        self, event_id: UUID, registration_id: UUID, correlation_id: str
    ) -> Participant | None:
        url = f"/events/{event_id}/registrations/{registration_id}"
        return await self._found(PARTICIPANT, url, RegistrationErrorCode.NOT_FOUND, correlation_id)

    async def participant_page(
        self,
        event_id: UUID,
        selection: ParticipantFilter,
        correlation_id: str,
        *,
        limit: int,
        offset: int,
        oldest_first: bool = False,
    ) -> ParticipantPage:
        order = ParticipantOrder.OLDEST if oldest_first else ParticipantOrder.NEWEST
        params = {"limit": str(limit), "offset": str(offset), "order": order.value}
        if selection.text:
            params["q"] = selection.text
        for name, value in (
            ("status", selection.status),
            ("role", selection.role),
            ("need", selection.need),
        ):
            if value is not None:
                params[name] = value.value
        url = f"/events/{event_id}/registrations/page?{urlencode(params)}"
        return await self._organiser_call(PAGE, "GET", url, correlation_id)

    async def registration_changes(
        self, event_id: UUID, since: datetime | None, correlation_id: str
    ) -> RegistrationChanges:
        query = f"?{urlencode({'since': since.isoformat()})}" if since else ""
        url = f"/events/{event_id}/registrations/changes{query}"
        return await self._organiser_call(CHANGES, "GET", url, correlation_id)

    async def accessibility_report(
        self, event_id: UUID, correlation_id: str
    ) -> AccessibilityReport:
        return await self._organiser_call(
            ACCESSIBILITY_REPORT,
            "GET",
            f"/events/{event_id}/accessibility-report",
            correlation_id,
        )

    async def cancel_for_organiser(
        self, registration_id: UUID, correlation_id: str
    ) -> Cancellation:
        return await self._organiser_call(
            CANCELLATION,
            "POST",
            f"/registrations/{registration_id}/organiser-cancellation",
            correlation_id,
        )

    async def feedback(self, correlation_id: str) -> list[FeedbackEntry]:
        return await self._organiser_call(FEEDBACK, "GET", "/feedback", correlation_id)

    async def stand_applications(
        self,
        event_id: UUID,
        selection: ApplicationFilter,
        correlation_id: str,
        *,
        limit: int,
        offset: int,
    ) -> StandApplicationPage:
        params = [("limit", str(limit)), ("offset", str(offset)), ("order", selection.order.value)]
        if selection.text:
            params.append(("q", selection.text))
        params += [("state", state.value) for state in selection.states]
        params += [("need", need.value) for need in selection.needs]
        if selection.organisation:
            params.append(("organisation", selection.organisation))
        url = f"/events/{event_id}/stand-applications?{urlencode(params)}"
        return await self._organiser_call(STAND_PAGE, "GET", url, correlation_id)

    async def stand_application(
        self, event_id: UUID, application_id: UUID, correlation_id: str
    ) -> StandApplication | None:
        url = f"/events/{event_id}/stand-applications/{application_id}"
        return await self._found(
            STAND_APPLICATION, url, ApplicationErrorCode.NOT_FOUND, correlation_id
        )

    async def decide_stand_application(
        self, event_id: UUID, application_id: UUID, decision: NewDecision, correlation_id: str
    ) -> StandApplication:
        """The one call whose 503 says something: ``capacity_unavailable`` is capacity, not
        the registration service, not answering (``StandsUnavailable``); so its answer is
        read before a 5xx counts as the service being down."""
        url = f"/events/{event_id}/stand-applications/{application_id}/decision"
        try:
            response = await self._client.post(
                url,
                json=decision.model_dump(mode="json"),
                headers={CORRELATION_HEADER: correlation_id},
            )
        except httpx.TransportError as exc:
            log.warning("registration service unreachable", error=type(exc).__name__)
            raise RegistrationUnavailable(type(exc).__name__) from exc
        if response.status_code == httpx.codes.SERVICE_UNAVAILABLE:
            error = api_error(response)
            if error is not None and error.code == ApplicationErrorCode.CAPACITY_UNAVAILABLE:
                raise StandsUnavailable()
        if response.is_server_error:
            log.warning("registration service failed", status_code=response.status_code)
            raise RegistrationUnavailable(f"status {response.status_code}")
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(STAND_APPLICATION, response)

    async def _found(
        self, answer: TypeAdapter[T], url: str, not_found: str, correlation_id: str
    ) -> T | None:
        """``None`` only for the service's own ``not_found``: a bare 404 (a service without
        this endpoint) is a refusal, not a record that is gone."""
        response = await self._request("GET", url, headers={CORRELATION_HEADER: correlation_id})
        if response.status_code == httpx.codes.NOT_FOUND:
            error = api_error(response)
            if error is not None and error.code == not_found:
                return None
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(answer, response)

    async def _organiser_call(
        self,
        answer: TypeAdapter[T],
        method: str,
        url: str,
        correlation_id: str,
    ) -> T:
        response = await self._request(method, url, headers={CORRELATION_HEADER: correlation_id})
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(answer, response)
