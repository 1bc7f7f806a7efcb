"""The registration service's public API over HTTP (register, status, cancel, feedback, and
the Markt der guten Ideen's applications for a stand), through the gateway's one shared
connection pool."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx
import structlog
from pydantic import TypeAdapter

from contracts.http.errors import ApiError
from contracts.http.registration import (
    Cancellation,
    FeedbackReceived,
    NewChoices,
    NewFeedback,
    NewRegistration,
    RegistrationAccepted,
    RegistrationState,
)
from contracts.http.stands import (
    ExhibitorLink,
    NewStandApplication,
    PublicStand,
    StandApplicationReceipt,
    StandApplicationView,
    Withdrawal,
)
from gateway.domain.commands import (
    ApplyForStand,
    CancelRegistration,
    ChangeChoices,
    OpenStandLink,
    RegisterAttendee,
    SendFeedback,
    ShowStands,
    WithdrawApplication,
)
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkInvalid,
    RegistrationRefused,
    RegistrationUnavailable,
    StandLinkInvalid,
)
from servicekit.http import CORRELATION_HEADER
from servicekit.service_http import ServiceClient, api_error

log = structlog.get_logger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"

T = TypeVar("T")
ACCEPTED = TypeAdapter(RegistrationAccepted)
REGISTRATION_STATE = TypeAdapter(RegistrationState)
CANCELLATION = TypeAdapter(Cancellation)
FEEDBACK_RECEIVED = TypeAdapter(FeedbackReceived)
CHOICES = TypeAdapter(NewChoices)
RECEIPT = TypeAdapter(StandApplicationReceipt)
APPLICATION = TypeAdapter(StandApplicationView)
WITHDRAWAL = TypeAdapter(Withdrawal)
PUBLIC_STANDS = TypeAdapter(list[PublicStand])
EXHIBITOR_LINK = TypeAdapter(ExhibitorLink)


def cancel_path(token: str) -> str:
    return f"/cancellations/{quote(token, safe='')}"


def choices_path(token: str) -> str:
    return f"/choices/{quote(token, safe='')}"


def application_path(token: str) -> str:
    return f"/stand-applications/{quote(token, safe='')}"


class HttpRegistrations(ServiceClient):
    service = "registration service"
    unavailable = RegistrationUnavailable
    refused = RegistrationRefused
    refused_fallback = ApiError(
        code="registration_refused",
        message_de="Die Anmeldung wurde nicht angenommen. Bitte prüfen Sie Ihre Angaben.",
        message_en="The registration was not accepted. Please check your input.",
    )

    async def submit(self, command: RegisterAttendee) -> RegistrationAccepted:
        attendee = command.attendee
        body = NewRegistration(
            event_id=command.event_id,
            name=attendee.name,
            email=attendee.email,
            organisation=attendee.organisation,
            locale=attendee.locale,
            privacy_consent=True,
            role=attendee.role,
            accessibility_needs=attendee.accessibility_needs,
            accessibility_other=attendee.accessibility_other,
            health_data_consent=attendee.health_data_consent,
            choices=command.choices,
            exhibitor_token=command.exhibitor_token,
        )
        headers = {
            IDEMPOTENCY_HEADER: command.idempotency_key,
            CORRELATION_HEADER: command.correlation_id,
        }
        response = await self._request("POST", "/registrations", body=body, headers=headers)
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(ACCEPTED, response)

    async def state(
        self, registration_id: UUID, correlation_id: str, wait: float = 0
    ) -> RegistrationState | None:
        response = await self._request(
            "GET",
            f"/registrations/{registration_id}",
            headers={CORRELATION_HEADER: correlation_id},
            params={"wait": wait} if wait else None,
            extra_time=wait,
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(REGISTRATION_STATE, response)

    async def cancellation_target(self, token: str, correlation_id: str) -> RegistrationState:
        response = await self._request(
            "GET", cancel_path(token), headers={CORRELATION_HEADER: correlation_id}
        )
        self._raise_for_link(response)
        return self._parse(REGISTRATION_STATE, response)

    async def cancel(self, command: CancelRegistration) -> Cancellation:
        response = await self._request(
            "POST", cancel_path(command.token), headers={CORRELATION_HEADER: command.correlation_id}
        )
        self._raise_for_link(response)
        return self._parse(CANCELLATION, response)

    async def current_choices(self, token: str, correlation_id: str) -> dict[UUID, list[UUID]]:
        response = await self._request(
            "GET", choices_path(token), headers={CORRELATION_HEADER: correlation_id}
        )
        self._raise_for_link(response)
        return self._parse(CHOICES, response).choices

    async def change_choices(self, command: ChangeChoices) -> RegistrationState:
        response = await self._request(
            "POST",
            choices_path(command.token),
            body=NewChoices(choices=command.choices),
            headers={CORRELATION_HEADER: command.correlation_id},
        )
        self._raise_for_link(response)
        return self._parse(REGISTRATION_STATE, response)

    async def send_feedback(self, command: SendFeedback) -> UUID:
        body = NewFeedback.model_validate(command.feedback, from_attributes=True)
        response = await self._request(
            "POST", "/feedback", body=body, headers={CORRELATION_HEADER: command.correlation_id}
        )
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(FEEDBACK_RECEIVED, response).feedback_id

    def _raise_for_link(self, response: httpx.Response) -> None:
        """404: not a valid link (or its registration is gone); 410: the link expired.

        The service's own words only when it answered an ``ApiError`` (a bare "Not Found"
        is no message for a person)."""
        if not response.is_client_error:
            return
        error = api_error(response)
        words = (error.message_de, error.message_en) if error else (None, None)
        if response.status_code == httpx.codes.NOT_FOUND:
            raise CancelLinkInvalid(*words)
        if response.status_code == httpx.codes.GONE:
            raise CancelLinkExpired(*words)
        raise self._refusal(response)


class HttpStandApplications(ServiceClient):
    """The applications for a stand (``contracts.http.stands``), on the registration service's
    pool."""

    service = "registration service"
    unavailable = RegistrationUnavailable
    refused = RegistrationRefused
    refused_fallback = ApiError(
        code="application_refused",
        message_de="Die Bewerbung wurde nicht angenommen. Bitte prüfen Sie Ihre Angaben.",
        message_en="The application was not accepted. Please check your input.",
    )

    async def apply(self, command: ApplyForStand) -> StandApplicationReceipt:
        body = NewStandApplication.model_validate(
            {**vars(command.applicant), "event_id": command.event_id, "privacy_consent": True}
        )
        headers = {
            IDEMPOTENCY_HEADER: command.idempotency_key,
            CORRELATION_HEADER: command.correlation_id,
        }
        response = await self._request("POST", "/stand-applications", body=body, headers=headers)
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(RECEIPT, response)

    async def application(self, query: OpenStandLink) -> StandApplicationView:
        response = await self._request(
            "GET", application_path(query.token), headers={CORRELATION_HEADER: query.correlation_id}
        )
        self._raise_for_token(response)
        return self._parse(APPLICATION, response)

    async def withdraw(self, command: WithdrawApplication) -> Withdrawal:
        response = await self._request(
            "POST",
            f"{application_path(command.token)}/withdrawal",
            headers={CORRELATION_HEADER: command.correlation_id},
        )
        self._raise_for_token(response)
        return self._parse(WITHDRAWAL, response)

    async def public_stands(self, query: ShowStands) -> list[PublicStand]:
        response = await self._request(
            "GET",
            f"/events/{query.event_id}/stands",
            headers={CORRELATION_HEADER: query.correlation_id},
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            return []
        if response.is_client_error:
            raise self._refusal(response)
        return self._parse(PUBLIC_STANDS, response)

    async def exhibitor_link(self, query: OpenStandLink) -> ExhibitorLink:
        response = await self._request(
            "GET",
            f"/exhibitor-links/{quote(query.token, safe='')}",
            headers={CORRELATION_HEADER: query.correlation_id},
        )
        self._raise_for_token(response)
        return self._parse(EXHIBITOR_LINK, response)

    def _raise_for_token(self, response: httpx.Response) -> None:
        """404: not a token of the service's (its words when it sent an ``ApiError``)."""
        if response.status_code == httpx.codes.NOT_FOUND:
            error = api_error(response)
            raise StandLinkInvalid(*((error.message_de, error.message_en) if error else ()))
        if response.is_client_error:
            raise self._refusal(response)
