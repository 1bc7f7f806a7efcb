"""The registration API for the gateway (and, with the internal token, for notification).

Run: ``uvicorn registration.entrypoints.http:create_app --factory --host 127.0.0.1 --port 8001``
The outbox relay runs in the same process (one active relay across all processes).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated
from uuid import UUID

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response, status
from pydantic import AwareDatetime, BaseModel, EmailStr, Field

from contracts.messages import Locale
from contracts.runtime.http import service_app, unit_of_work
from registration import bootstrap
from registration.config import Settings
from registration.domain.model import Registration, Status
from registration.service_layer import handlers
from registration.service_layer.unit_of_work import UnitOfWork


class NewRegistration(BaseModel):
    event_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    organisation: str = Field("", max_length=200)
    locale: Locale = Locale.DE
    privacy_consent: bool = Field(description="Must be true: consent to the privacy notice")


class Accepted(BaseModel):
    registration_id: UUID
    status: Status
    status_url: str


class RegistrationStatus(BaseModel):
    """Public status: no personal data."""

    registration_id: UUID
    event_id: UUID
    status: Status
    waitlist_position: int | None
    rejection_reason: str | None
    locale: Locale
    created_at: AwareDatetime


class Contact(BaseModel):
    registration_id: UUID
    name: str
    email: str
    organisation: str
    locale: Locale


def _status(r: Registration) -> RegistrationStatus:
    return RegistrationStatus(
        registration_id=r.registration_id,
        event_id=r.event_id,
        status=r.status,
        waitlist_position=r.waitlist_position,
        rejection_reason=r.rejection_reason,
        locale=Locale(r.locale),
        created_at=r.created_at,
    )


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = service_app(
        title="Quartier registration API",
        service="registration-http",
        settings=settings,
        uow_factory=bootstrap.uow_factory,
        relay_lock=bootstrap.RELAY_LOCK,
    )

    async def found(unit: UnitOfWork, registration_id: UUID) -> Registration:
        registration = await handlers.get_registration(unit, registration_id)
        if registration is None:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND, "Anmeldung nicht gefunden / registration not found"
            )
        return registration

    @app.post("/registrations", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
    async def register(
        body: NewRegistration,
        request: Request,
        response: Response,
        unit: Uow,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Accepted:
        """Accept a registration; the seat decision follows asynchronously (poll status_url).

        The same ``Idempotency-Key`` or the same e-mail for the same event returns the
        registration made first."""
        if not body.privacy_consent:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "Ohne Einwilligung in die Datenschutzerklärung ist keine Anmeldung möglich / "
                "privacy consent is required",
            )
        cmd = handlers.RegisterAttendee(
            event_id=body.event_id,
            name=body.name,
            email=str(body.email),
            organisation=body.organisation,
            locale=body.locale,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
            correlation_id=request.state.correlation_id,
        )
        registration, _ = await handlers.register(unit, cmd)
        status_url = f"/registrations/{registration.registration_id}"
        response.headers["Location"] = status_url
        return Accepted(
            registration_id=registration.registration_id,
            status=registration.status,
            status_url=status_url,
        )

    @app.get("/registrations/{registration_id}", response_model=RegistrationStatus)
    async def get_status(registration_id: UUID, unit: Uow) -> RegistrationStatus:
        return _status(await found(unit, registration_id))

    @app.get(
        "/registrations/{registration_id}/contact", response_model=Contact, include_in_schema=False
    )
    async def get_contact(
        registration_id: UUID,
        unit: Uow,
        x_internal_token: Annotated[str, Header()] = "",
    ) -> Contact:
        """Contact data for the notification service only (shared internal token)."""
        expected = settings.internal_token.get_secret_value()
        if not secrets.compare_digest(x_internal_token, expected):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "internal token required")
        r = await found(unit, registration_id)
        return Contact(
            registration_id=r.registration_id,
            name=r.name,
            email=r.email,
            organisation=r.organisation,
            locale=Locale(r.locale),
        )

    return app
