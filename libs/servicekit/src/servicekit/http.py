"""Health endpoints, correlation ids and the internal-token guard for the FastAPI services."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit import logging
from servicekit.database import close_pool, create_pool, relay_running
from servicekit.health import Check, failed_checks
from servicekit.settings import ServiceSettings

CORRELATION_HEADER = "X-Correlation-ID"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret
INTERNAL_TOKEN_REQUIRED = {
    "code": "internal_token_required",
    "message_de": "Nur für interne Dienste.",
    "message_en": f"Internal services only: {INTERNAL_TOKEN_HEADER} required.",
}
INTERNAL_TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {
        "description": f"no or a wrong {INTERNAL_TOKEN_HEADER} (internal_token_required)"
    }
}


def internal_token_guard(settings_token: SecretStr) -> Callable[..., Awaitable[None]]:
    """A FastAPI dependency for endpoints only other services may call: 403
    ``internal_token_required`` (German and English message) unless the request carries
    ``settings_token`` in ``X-Internal-Token``, compared in constant time."""
    expected = settings_token.get_secret_value().encode()

    async def internal_caller(
        token: Annotated[str, Header(alias=INTERNAL_TOKEN_HEADER)] = "",
    ) -> None:
        # bytes: compare_digest refuses str with non-ASCII characters (a header is latin-1)
        if not secrets.compare_digest(token.encode(), expected):
            raise HTTPException(status.HTTP_403_FORBIDDEN, INTERNAL_TOKEN_REQUIRED)

    return internal_caller


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


class Correlation:
    """Pure ASGI middleware (no per-request task, unlike ``@app.middleware``): takes
    ``X-Correlation-ID`` from the request or makes one, binds it for the logs and as
    ``request.state.correlation_id``, and echoes it (plus ``headers`` the response has not
    set itself) on every response."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = CORRELATION_HEADER.lower().encode()
        given = next((v for k, v in scope["headers"] if k == wanted), b"").decode("latin-1")
        correlation_id = given[:200] or str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        scope.setdefault("state", {})["correlation_id"] = correlation_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.append((wanted, correlation_id.encode()))
                headers += [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_correlation(app: FastAPI, headers: Mapping[str, str] | None = None) -> None:
    """Correlation ids (and fixed response ``headers``) on every request of ``app``."""
    app.add_middleware(Correlation, headers=headers)


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
            stack.push_async_callback(close_pool, pool)  # last, also when starting fails
            if relay_lock is not None:
                await stack.enter_async_context(
                    relay_running(
                        pool,
                        settings,
                        client_id=f"{service}-relay",
                        lock_id=relay_lock,
                    )
                )
            for name, make in (resources or {}).items():
                setattr(app.state, name, await stack.enter_async_context(make(pool)))
            yield

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan)
    add_correlation(app)

    async def database_answers() -> object:
        return await app.state.pool.fetchval("SELECT 1")

    app.include_router(health_router({"database": database_answers}))
    return app
