"""The registration service's organiser API over HTTP, through a client that carries the
internal token."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from pydantic import TypeAdapter

from contracts.http.registration import (
    AccessibilityReport,
    Cancellation,
    FeedbackEntry,
    Participant,
)
from gateway.adapters.registration_http import CANCELLATION, HttpRegistrations
from servicekit.http import CORRELATION_HEADER

T = TypeVar("T")
PARTICIPANTS = TypeAdapter(list[Participant])
ACCESSIBILITY_REPORT = TypeAdapter(AccessibilityReport)
FEEDBACK = TypeAdapter(list[FeedbackEntry])


class HttpRegistrationDesk(HttpRegistrations):
    """The registration service's organiser API, through a client that carries the
    internal token (``X-Internal-Token``) on every request."""

    async def participants(self, event_id: UUID, correlation_id: str) -> list[Participant]:
        return await self._organiser_call(
            PARTICIPANTS, "GET", f"/events/{event_id}/registrations", correlation_id
        )

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
