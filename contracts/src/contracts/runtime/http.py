"""Health endpoints and correlation ids for the FastAPI services."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from contracts.runtime import logging
from contracts.runtime.database import create_pool, relay_running
from contracts.runtime.health import Check, failed_checks
from contracts.runtime.settings import ServiceSettings

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


def unit_of_work(request: Request) -> Any:
    """FastAPI dependency: a fresh unit of work from the factory wired by ``service_app``."""
    return request.app.state.uow()


def service_app(
    *,
    title: str,
    service: str,
    settings: ServiceSettings,
    uow_factory: Callable[[Any], Any],
    relay_lock: int | None = None,
    resources: Mapping[str, Callable[[Any], contextlib.AbstractAsyncContextManager[Any]]]
    | None = None,
) -> FastAPI:
    """A service's FastAPI app: structlog, correlation ids, health endpoints, a Postgres pool
    (``app.state.pool``), a unit-of-work factory (``app.state.uow``) and, with
    ``relay_lock``, the outbox relay running for the app's lifetime.  ``resources`` are
    made from the pool when the app starts and kept as ``app.state.<name>``."""
    logging.configure(service, level=settings.log_level, json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, settings.pool_size)
        app.state.pool = pool
        app.state.uow = uow_factory(pool)
        async with contextlib.AsyncExitStack() as stack:
            if relay_lock is not None:
                await stack.enter_async_context(
                    relay_running(
                        pool,
                        settings.kafka_bootstrap,
                        client_id=f"{service}-relay",
                        lock_id=relay_lock,
                    )
                )
            for name, make in (resources or {}).items():
                setattr(app.state, name, await stack.enter_async_context(make(pool)))
            yield
        await pool.close()

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan)
    add_correlation(app)

    async def database_answers() -> object:
        return await app.state.pool.fetchval("SELECT 1")

    app.include_router(health_router({"database": database_answers}))
    return app
