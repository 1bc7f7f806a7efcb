"""Contact data from the registration service: ``GET /registrations/{id}/contact`` and
``GET /stand-applications/{id}/contact``."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from contracts.http.stands import ApplicationContact
from contracts.messages import Locale
from notification.domain.model import Contact
from notification.service_layer.ports import ContactUnavailable
from servicekit.http_transport import AiohttpTransport

TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret

Body = TypeVar("Body", bound=BaseModel)


class ContactBody(BaseModel):
    registration_id: UUID
    name: str
    email: str
    locale: str = Locale.DE
    cancel_token: str | None = None
    """Missing from a registration service older than the cancel links: mails go without."""


class InvalidContact(Exception):
    """The registration service answered with a body that is not a contact."""


class HttpContactDirectory:
    """Asks the registration service over a pooled client (kept for the worker's life)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={TOKEN_HEADER: token},
            timeout=timeout,
            transport=transport or AiohttpTransport(limit=32),
        )

    async def find(self, registration_id: UUID) -> Contact | None:
        body = await self._get(f"/registrations/{registration_id}/contact", ContactBody)
        if body is None:
            return None
        return Contact(
            registration_id=body.registration_id,
            name=body.name,
            email=body.email,
            locale=Locale.EN if body.locale == Locale.EN else Locale.DE,
            cancel_token=body.cancel_token or None,
        )

    async def find_application(self, application_id: UUID) -> ApplicationContact | None:
        return await self._get(f"/stand-applications/{application_id}/contact", ApplicationContact)

    async def _get(self, path: str, body: type[Body]) -> Body | None:
        """The answer at ``path`` as ``body``; ``None`` for a 404."""
        try:
            response = await self._client.get(path)
        except httpx.TransportError as exc:
            raise ContactUnavailable(
                f"registration service unreachable: {type(exc).__name__}"
            ) from None
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise ContactUnavailable(f"registration service answered {response.status_code}")
        try:
            return body.model_validate_json(response.content)
        except ValidationError as exc:
            # the validation message would quote the personal data: give field names only
            fields = sorted({str(err["loc"][0]) for err in exc.errors() if err["loc"]})
            raise InvalidContact(f"contact body invalid in {fields}") from None
