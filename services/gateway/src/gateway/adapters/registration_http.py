"""The registration service over HTTP, through the gateway's one shared connection pool."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import httpx
import structlog
from pydantic import ValidationError

from contracts.runtime.http import CORRELATION_HEADER
from gateway.domain.commands import RegisterAttendee
from gateway.domain.registration import RegistrationState, Submission
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

log = structlog.get_logger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
AnswerT = TypeVar("AnswerT", Submission, RegistrationState)
REFUSED_FALLBACK = "Die Anmeldung wurde nicht angenommen. Bitte prüfen Sie Ihre Angaben."


def refusal_message(response: httpx.Response) -> str:
    """The human-readable reason in a 4xx answer (``message`` or a FastAPI ``detail``)."""
    try:
        body = response.json()
    except ValueError:
        return REFUSED_FALLBACK
    if isinstance(body, dict):
        for key in ("message_de", "message", "detail"):
            text = body.get(key)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return REFUSED_FALLBACK


class HttpRegistrations:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def submit(self, command: RegisterAttendee) -> Submission:
        attendee = command.attendee
        body: dict[str, object] = {
            "event_id": str(command.event_id),
            "name": attendee.name,
            "email": attendee.email,
            "organisation": attendee.organisation,
            "locale": attendee.locale.value,
            "privacy_consent": True,
        }
        headers = {
            IDEMPOTENCY_HEADER: command.idempotency_key,
            CORRELATION_HEADER: command.correlation_id,
        }
        response = await self._send("POST", "/registrations", json=body, headers=headers)
        if response.is_client_error:
            raise RegistrationRefused(response.status_code, refusal_message(response))
        return self._parse(Submission, response)

    async def state(self, registration_id: UUID, correlation_id: str) -> RegistrationState | None:
        response = await self._send(
            "GET",
            f"/registrations/{registration_id}",
            headers={CORRELATION_HEADER: correlation_id},
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.is_client_error:
            raise RegistrationRefused(response.status_code, refusal_message(response))
        return self._parse(RegistrationState, response)

    async def check(self) -> None:
        response = await self._client.get("/healthz")
        response.raise_for_status()

    async def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json: dict[str, object] | None = None,
    ) -> httpx.Response:
        try:
            response = await self._client.request(method, url, headers=headers, json=json)
        except httpx.TransportError as exc:
            log.warning("registration service unreachable", error=type(exc).__name__)
            raise RegistrationUnavailable(type(exc).__name__) from exc
        if response.is_server_error:
            log.warning("registration service failed", status_code=response.status_code)
            raise RegistrationUnavailable(f"status {response.status_code}")
        return response

    @staticmethod
    def _parse(model: type[AnswerT], response: httpx.Response) -> AnswerT:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            log.warning(
                "registration service answered unexpectedly", status_code=response.status_code
            )
            raise RegistrationUnavailable("unexpected answer") from exc
