"""What every client of an internal service's HTTP API does alike: send a contract model,
treat a transport failure, a 5xx or an answer that breaks the contract as the service being
unavailable, and read the one error body (``contracts.http.errors.ApiError``)."""

from __future__ import annotations

from typing import ClassVar, TypeVar

import httpx
import structlog
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts.http.errors import ApiError

log = structlog.get_logger(__name__)

T = TypeVar("T")


def api_error(response: httpx.Response) -> ApiError | None:
    """The error body every service answers; None when the answer is not one (then it says
    nothing a person could read)."""
    try:
        return ApiError.model_validate_json(response.content)
    except ValidationError:
        return None


class ServiceClient:
    """A service's API through one pooled client; subclasses name the service (for the logs),
    the exception that means it cannot be used now, and the one for a refusal (4xx) with
    the error to show when the answer brings none."""

    service: ClassVar[str]
    unavailable: ClassVar[type[Exception]]
    refused: ClassVar[type[Exception]]
    refused_fallback: ClassVar[ApiError]

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def check(self) -> None:
        response = await self._client.get("/healthz")
        response.raise_for_status()

    async def _request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        body: BaseModel | None = None,
        params: dict[str, float] | None = None,
        extra_time: float = 0,
    ) -> httpx.Response:
        """The answer below 500; ``unavailable`` for no answer or a 5xx.  ``extra_time``: how
        much longer than usual the service may take (a long poll)."""
        json = body.model_dump(mode="json") if body is not None else None
        read = self._client.timeout.read or 0.0
        timeout = httpx.Timeout(read + extra_time) if extra_time else httpx.USE_CLIENT_DEFAULT
        try:
            response = await self._client.request(
                method, url, headers=headers, json=json, params=params, timeout=timeout
            )
        except httpx.TransportError as exc:
            log.warning(f"{self.service} unreachable", error=type(exc).__name__)
            raise self.unavailable(type(exc).__name__) from exc
        if response.is_server_error:
            log.warning(f"{self.service} failed", status_code=response.status_code)
            raise self.unavailable(f"status {response.status_code}")
        return response

    def _parse(self, answer: TypeAdapter[T], response: httpx.Response) -> T:
        try:
            return answer.validate_json(response.content)
        except ValidationError as exc:
            log.warning(f"{self.service} answered unexpectedly", status_code=response.status_code)
            raise self.unavailable("unexpected answer") from exc

    def _refusal(self, response: httpx.Response) -> Exception:
        """The 4xx answer as the ``refused`` exception, with the service's own error body."""
        return self.refused(response.status_code, api_error(response) or self.refused_fallback)
