"""Logging in to the desk and out again, and the session every other desk page needs.

The session cookie holds a random token (only its SHA-256 is stored): HttpOnly,
SameSite=Strict, Path=/verwaltung, Secure over https, valid for eight hours.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.desk.domain.commands import LogIn, LogOut, OpenSession
from gateway.desk.domain.organisers import SESSION_LIFETIME, THROTTLE_WINDOW, Organiser
from gateway.desk.entrypoints.dependencies import WiredDesk
from gateway.desk.entrypoints.views import (
    DESK,
    LOGIN_PATH,
    PRIVATE,
    DeskForm,
    desk_page,
    desk_target,
    login_url,
    problem_page,
    see_other,
)
from gateway.desk.service_layer import organisers
from gateway.desk.service_layer.organisers import LoginFailed, LoginThrottled
from gateway.web import i18n
from gateway.web.security import verify_csrf

SESSION_COOKIE = "quartier_verwaltung"

router = APIRouter(
    prefix=DESK,
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(verify_csrf)],
)


class LoginRequired(Exception):
    """A desk page was asked for without a valid session."""


async def current_organiser(request: Request, wired: WiredDesk) -> Organiser:
    """Route dependency: the organiser whose session the cookie opens, else ``LoginRequired``.
    Templates find the organiser as ``request.state.organiser``."""
    token = request.cookies.get(SESSION_COOKIE, "")
    organiser = await organisers.session_organiser(
        OpenSession(token, wired.clock()), wired.organisers
    )
    if organiser is None:
        raise LoginRequired()
    request.state.organiser = organiser
    return organiser


OrganiserDep = Annotated[Organiser, Depends(current_organiser)]


class CookieScope(TypedDict):
    path: str
    secure: bool
    httponly: bool
    samesite: Literal["strict"]


def session_cookie_scope(request: Request) -> CookieScope:
    """The session cookie's attributes: setting it and deleting it must name the same."""
    return {
        "path": DESK,
        "secure": request.url.scheme == "https",
        "httponly": True,
        "samesite": "strict",
    }


async def login_required(request: Request, exc: Exception) -> Response:
    """To the login page, and after it back to the page asked for (pages read with GET);
    the live data of a page answers 401, so its script reloads the page."""
    if request.url.path.endswith(".json"):
        return JSONResponse({"detail": "login required"}, status_code=401, headers=PRIVATE)
    target = DESK
    if request.method == "GET":
        query = request.url.query
        target = request.url.path + (f"?{query}" if query else "")
    return see_other(login_url(target))


def login_page(request: Request, form: DeskForm, status_code: int = 200) -> HTMLResponse:
    return desk_page(request, "login.html", {"form": form}, status_code)


@router.get("/anmelden")
async def login_form(
    request: Request,
    next_page: Annotated[str | None, Query(alias="weiter")] = None,
    logged_out: Annotated[str | None, Query(alias="abgemeldet")] = None,
) -> HTMLResponse:
    t = i18n.request_translator(request)
    notice = t.gettext("Sie sind abgemeldet.") if logged_out else None
    context = {"form": DeskForm({"weiter": desk_target(next_page)}), "notice": notice}
    return desk_page(request, "login.html", context)


@router.post("/anmelden")
async def log_in(request: Request, wired: WiredDesk) -> Response:
    t = i18n.request_translator(request)
    data = await request.form()
    email, password, next_page = (
        value if isinstance(value := data.get(name), str) else ""
        for name in ("email", "password", "weiter")
    )
    form = DeskForm({"email": email, "weiter": desk_target(next_page)})
    if not email.strip():
        form = form.with_error("email", t.gettext("Bitte geben Sie Ihre E-Mail-Adresse an."))
    if not password:
        form = form.with_error("password", t.gettext("Bitte geben Sie Ihr Passwort an."))
    if form.has_errors:
        return login_page(request, form, 422)
    client_ip = request.client.host if request.client else "unknown"
    try:
        session = await organisers.log_in(LogIn(email, password, client_ip, wired.clock()), wired)
    except LoginThrottled:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        throttled = problem_page(
            request,
            t.gettext("Zu viele fehlgeschlagene Anmeldeversuche"),
            t.gettext(
                "Die Anmeldung ist für diese E-Mail-Adresse oder von Ihrem Anschluss aus "
                "vorübergehend gesperrt. Bitte versuchen Sie es in %(minutes)d Minuten erneut."
            )
            % {"minutes": minutes},
            429,
        )
        throttled.headers["Retry-After"] = str(int(THROTTLE_WINDOW.total_seconds()))
        return throttled
    except LoginFailed:
        error = t.gettext("E-Mail-Adresse oder Passwort ist falsch.")
        return login_page(request, form.with_error("password", error), 401)
    response = see_other(form["weiter"])
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        **session_cookie_scope(request),
    )
    return response


@router.post("/abmelden")
async def log_out(request: Request, wired: WiredDesk) -> Response:
    await organisers.log_out(LogOut(request.cookies.get(SESSION_COOKIE, "")), wired.organisers)
    response = see_other(f"{LOGIN_PATH}?abgemeldet=1")
    response.delete_cookie(SESSION_COOKIE, **session_cookie_scope(request))
    return response
