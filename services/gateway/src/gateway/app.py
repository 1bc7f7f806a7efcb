"""The gateway's ASGI app: composes the public site (``site/``), the public JSON API and its
reference (``api/``) and the organiser desk (``desk/``) over the shared web layer (``web/``),
with health, error pages and security headers.

Run with ``uvicorn gateway.app:create_app --factory``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.api import reference
from gateway.api import routes as api
from gateway.bootstrap import Overrides, bootstrap
from gateway.config import Settings
from gateway.desk.bootstrap import Desk
from gateway.desk.bootstrap import bootstrap as desk_bootstrap
from gateway.desk.entrypoints import routes as desk_routes
from gateway.site import markt, pages
from gateway.site.views import render
from gateway.web import i18n
from gateway.web.rendering import STATIC_DIR
from gateway.web.security import Admission, CsrfFailed, SecureResponses
from servicekit import heap
from servicekit.http import (
    add_correlation,
    add_metrics,
    framework_error,
    health_router,
    invalid_request,
)
from servicekit.logging import configure

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
}
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def route_library_logs() -> None:
    """uvicorn installs its own handlers: send its records through the shared formatter.
    httpx logs every call to the registration service (the status page polls): warnings only."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)


def create_app(
    settings: Settings | None = None, overrides: Overrides | None = None, desk: Desk | None = None
) -> FastAPI:
    """The site, the API and the desk; ``overrides`` and ``desk`` replace the real adapters
    (tests)."""
    settings = settings or Settings()
    configure("gateway", level=settings.log_level, json=settings.log_json)
    route_library_logs()
    i18n.catalogs()  # a broken translation file stops the start, not a page

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            bootstrap(settings, overrides) as gateway,
            desk_bootstrap(settings, desk) as wired,
        ):
            app.state.gateway = gateway
            app.state.desk = wired
            heap.settle()
            yield

    app = FastAPI(
        title="Quartier – Veranstaltungen",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # pages.api_docs: Swagger UI needs a CDN and inline script
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    async def catalog_caught_up() -> None:
        if not app.state.gateway.feed.caught_up:
            raise RuntimeError("catalog has not caught up yet")

    async def registration_answers() -> None:
        await app.state.gateway.registrations.check()

    async def database_answers() -> None:
        await app.state.desk.organisers.check()

    app.include_router(
        health_router(
            {
                "catalog": catalog_caught_up,
                "registration": registration_answers,
                "database": database_answers,
            }
        )
    )
    app.include_router(pages.router)
    app.include_router(markt.router)
    app.include_router(api.router)
    app.include_router(reference.router)
    desk_routes.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.state.settings = settings
    app.state.admission = Admission(settings)
    app.add_middleware(SecureResponses)
    app.add_middleware(i18n.LocaleMiddleware)
    add_correlation(app, headers=SECURITY_HEADERS)
    add_metrics(app, "gateway")  # last: outermost, so it times every other middleware
    return app


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Pages in the visitor's language for the site, ``ApiError`` bodies for the API."""
    if is_api(request):
        return framework_error(request, exc)
    t = i18n.request_translator(request)
    if exc.status_code == 404:
        generic = exc.detail == HTTPStatus.NOT_FOUND.phrase
        heading = t.gettext("Seite nicht gefunden") if generic else str(exc.detail)
        return render(request, "not_found.html", {"heading": heading}, 404)
    context = {"status_code": exc.status_code}
    return render(request, "error.html", context, exc.status_code)


async def csrf_failed(request: Request, exc: Exception) -> Response:
    t = i18n.request_translator(request)
    context = {
        "heading": t.gettext("Sicherheitsprüfung fehlgeschlagen"),
        "message": t.gettext(
            "Das Formular kam ohne gültigen Sicherheitsschlüssel an, deshalb wurde nichts "
            "gespeichert. Bitte laden Sie die Seite neu und senden Sie das Formular noch "
            "einmal ab."
        ),
        "status_code": 403,
    }
    return render(request, "error.html", context, 403)
