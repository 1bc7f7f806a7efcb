"""Health endpoints and correlation ids for the FastAPI services."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from contracts.runtime.stream import Check, failed_checks

CORRELATION_HEADER = "X-Correlation-ID"


def health_router(checks: Mapping[str, Check]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        failed = await failed_checks(checks)
        return JSONResponse(
            {"status": "unavailable" if failed else "ok", "failed": failed},
            status_code=503 if failed else 200,
        )

    return router


def add_correlation(app: FastAPI) -> None:
    """Take ``X-Correlation-ID`` from the request (or make one), log with it, echo it back."""

    @app.middleware("http")
    async def correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        correlation_id = request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        request.state.correlation_id = correlation_id
        response = await call_next(request)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response
