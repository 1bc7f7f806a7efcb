"""Health endpoints, correlation ids, the internal-token guard and the one error body
(``contracts.http.errors.ApiError``) for the FastAPI services."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Annotated, Any, Protocol

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Header, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import SecretStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.http.errors import ApiError, ErrorCode, Problem
from servicekit import heap, logging, metrics
from servicekit.database import close_pool, create_pool, relay_running
from servicekit.health import Check, failed_checks
from servicekit.settings import ServiceSettings

CORRELATION_HEADER = "X-Correlation-ID"
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret
INTERNAL_TOKEN_REQUIRED = ApiError(
    code=ErrorCode.INTERNAL_TOKEN_REQUIRED,
    message_de="Nur für interne Dienste.",
    message_en=f"Internal services only: {INTERNAL_TOKEN_HEADER} required.",
)
INTERNAL_TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {
        "model": ApiError,
        "description": f"no or a wrong {INTERNAL_TOKEN_HEADER} (internal_token_required)",
    }
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "default": {
        "model": ApiError,
        "description": "Every error (4xx, 5xx) is an ApiError: a code and a German and English "
        "message; invalid_request (422) lists the fields that do not fit in `errors`",
    }
}
INVALID_REQUEST = ApiError(
    code=ErrorCode.INVALID_REQUEST,
    message_de="Die Anfrage ist ungültig.",
    message_en="The request is invalid.",
)
NOT_FOUND = ApiError(
    code=ErrorCode.NOT_FOUND, message_de="Nicht gefunden.", message_en="Not found."
)
INTERNAL_ERROR = ApiError(
    code=ErrorCode.INTERNAL_ERROR,
    message_de="Interner Fehler; bitte später erneut versuchen.",
    message_en="Internal error; please try again later.",
)


class ApiException(Exception):
    """Raise in an endpoint (or a dependency): answered as ``error`` with ``status_code``
    (``add_api_errors``)."""

    def __init__(
        self, status_code: int, error: ApiError, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(error.code)
        self.status_code = status_code
        self.error = error
        self.headers = dict(headers or {})


def refusal(
    status_code: int,
    code: str,
    message_de: str,
    message_en: str,
    errors: Iterable[Problem] = (),
) -> ApiException:
    """An ``ApiException`` made from its parts."""
    error = ApiError(code=code, message_de=message_de, message_en=message_en, errors=tuple(errors))
    return ApiException(status_code, error)


def error_response(
    status_code: int, error: ApiError, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """``error`` as the JSON answer."""
    return JSONResponse(error.model_dump(mode="json"), status_code=status_code, headers=headers)


# What a field that does not fit its model says, by pydantic's error type; else "invalid".
_FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("Bitte geben Sie einen Wert an.", "A value is required."),
    "string_too_short": ("Bitte füllen Sie dieses Feld aus.", "Please fill in."),
    "string_too_long": ("Höchstens {max_length} Zeichen.", "At most {max_length} characters."),
    "too_long": ("Höchstens {max_length} Einträge.", "At most {max_length} entries."),
    "greater_than_equal": ("Mindestens {ge}.", "At least {ge}."),
    "less_than_equal": ("Höchstens {le}.", "At most {le}."),
    "enum": ("Bitte wählen Sie einen der Werte {expected}.", "Please choose one of {expected}."),
}


def _field_message(error: Mapping[str, Any]) -> tuple[str, str]:
    fallback = "Dieser Wert ist ungültig.", str(error.get("msg") or "Invalid value.")
    template = _FIELD_MESSAGES.get(str(error.get("type")))
    if template is None:
        return fallback
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return template[0].format(**context), template[1].format(**context)
    except (KeyError, IndexError):
        return fallback


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """FastAPI's (or pydantic's) validation errors as ``Problem`` s: the field is the dotted
    location without ``body``/``query``/``path``/``header`` (``body`` for the whole body),
    the code pydantic's error type.  The value sent is never repeated (personal data)."""
    problems = []
    for error in errors:
        location = [part for part in error.get("loc", ()) if isinstance(part, str)]
        if location and location[0] in ("body", "query", "path", "header", "cookie"):
            location = location[1:]
        german, english = _field_message(error)
        problems.append(
            Problem(
                field=".".join(location) or "body",
                code=str(error.get("type") or "invalid"),
                message_de=german,
                message_en=english,
            )
        )
    return problems


def _api_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiException)
    return error_response(exc.status_code, exc.error, exc.headers)


def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """A body or parameter that does not fit its model: 422 ``invalid_request`` naming the
    fields."""
    assert isinstance(exc, RequestValidationError)
    body = INVALID_REQUEST.model_copy(update={"errors": tuple(validation_problems(exc.errors()))})
    return error_response(status.HTTP_422_UNPROCESSABLE_CONTENT, body)


def framework_error(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (unknown path 404, 405, …) as ``ApiError``."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == status.HTTP_404_NOT_FOUND:
        body = NOT_FOUND
    else:
        text = str(exc.detail or HTTPStatus(exc.status_code).phrase)
        body = ApiError(code=ErrorCode.HTTP_ERROR, message_de=text, message_en=text)
    return error_response(exc.status_code, body, exc.headers)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    return error_response(status.HTTP_500_INTERNAL_SERVER_ERROR, INTERNAL_ERROR)


def add_api_errors(app: FastAPI) -> None:
    """Every error of ``app`` answers an ``ApiError``: an ``ApiException`` as raised, a body
    or parameter that does not fit its model 422 ``invalid_request`` (with ``errors``), the
    framework's refusals (404 ``not_found``, 405 …) and 500 ``internal_error``."""
    app.add_exception_handler(ApiException, _api_exception)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, framework_error)
    app.add_exception_handler(Exception, _internal_error)


def internal_token_guard(settings_token: SecretStr) -> Callable[..., Awaitable[None]]:
    """A FastAPI dependency for endpoints only other services may call: 403 with the
    ``ApiError`` ``internal_token_required`` unless the request carries ``settings_token`` in
    ``X-Internal-Token``, compared in constant time (the app needs ``add_api_errors``, which
    ``service_app`` adds)."""
    expected = settings_token.get_secret_value().encode()

    async def internal_caller(
        token: Annotated[str, Header(alias=INTERNAL_TOKEN_HEADER)] = "",
    ) -> None:
        # bytes: compare_digest refuses str with non-ASCII characters (a header is latin-1)
        if not secrets.compare_digest(token.encode(), expected):
            raise ApiException(status.HTTP_403_FORBIDDEN, INTERNAL_TOKEN_REQUIRED)

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


def add_metrics(app: FastAPI, service: str) -> None:
    """``/metrics`` for Prometheus on ``app`` and every request counted with its latency
    (``metrics.HttpMetrics``, outermost of the app's middleware when added last), labelled
    ``service``."""

    async def scrape(request: Request) -> Response:
        return Response(await metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    app.add_route(metrics.METRICS_PATH, scrape, include_in_schema=False)
    app.add_middleware(metrics.HttpMetrics, service=service)


class Wired(Protocol):
    """What a service's ``bootstrap`` gives: at least a factory of fresh units of work."""

    @property
    def uow(self) -> Callable[[], Any]: ...


async def unit_of_work(request: Request) -> Any:
    """FastAPI dependency: a fresh unit of work from what ``service_app`` wired (``async``:
    FastAPI runs a plain ``def`` dependency in a worker thread, on every request)."""
    return request.app.state.services.uow()


def service_app(
    *,
    title: str,
    service: str,
    settings: ServiceSettings,
    bootstrap: Callable[[asyncpg.Pool], Wired],
    relay_lock: int | None = None,
    resources: Mapping[str, Callable[[Any], contextlib.AbstractAsyncContextManager[Any]]]
    | None = None,
) -> FastAPI:
    """A service's FastAPI app: structlog, correlation ids, every error an ``ApiError``
    (``add_api_errors``), health endpoints, ``/metrics`` (``add_metrics``), a Postgres pool
    (``app.state.pool``), the service wired on it by ``bootstrap(pool)`` when the app starts
    (``app.state.services``; ``unit_of_work`` gives each request a fresh unit of work from
    it) and, with ``relay_lock``, the outbox relay running for the app's lifetime.
    ``resources`` are made from the pool when the app starts and kept as
    ``app.state.<name>``."""
    logging.configure(service, level=settings.log_level, json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, settings.pool_size)
        app.state.pool = pool
        app.state.services = bootstrap(pool)
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
            heap.settle()
            yield

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan, responses=ERROR_RESPONSES)
    add_correlation(app)
    add_api_errors(app)

    async def database_answers() -> object:
        return await app.state.pool.fetchval("SELECT 1")

    app.include_router(health_router({"database": database_answers}))
    add_metrics(app, service)
    return app
