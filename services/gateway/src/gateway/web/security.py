"""Protection of the site's forms and of registration: CSRF, HSTS, and the registration
budget per client address with a proof-of-work challenge beyond it (``Admission``).

CSRF is a signed double submit: the browser gets a random token signed with
``GATEWAY_SECRET_KEY`` in an HttpOnly, SameSite=Lax cookie (Secure over https), and every
form carries the same token in the hidden field ``csrf_token`` (``{{ csrf_field() }}`` in a
template).  Routers that take forms add ``dependencies=[Depends(verify_csrf)]``; it lets
GET, HEAD and OPTIONS through and raises ``CsrfFailed`` (a 403 page) for a missing, forged
or mismatched token.  ``/api/v1`` is not authenticated by cookies and needs none of this.
"""

from __future__ import annotations

import hmac
import math
import secrets
from typing import Any, cast

import structlog
from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.config import Settings
from gateway.web.budget import Limits, RegistrationBudget
from gateway.web.challenge import Challenge, ProofOfWork, Verdict
from gateway.web.dependencies import settings_of

log = structlog.get_logger(__name__)

CSRF_COOKIE = "quartier_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HSTS = "max-age=31536000; includeSubDomains"
# Keys in the request's ``state``: the token its forms carry, and whether the cookie is new.
STATE_TOKEN = "csrf_token"  # noqa: S105 - a name, not a secret
STATE_NEW_COOKIE = "csrf_cookie_new"
SERVICE = "gateway"
ADMISSIONS = Counter(
    "quartier_registration_admissions",
    "Registrations checked against the budget of their client address: passed within it "
    "(budget), with a solved challenge (solved), or answered with a challenge (challenged)",
    ["service", "outcome"],
)


class CsrfFailed(Exception):
    """A form arrived without the token its page was given (or with a forged one)."""


class ChallengeRequired(Exception):
    """The registration's client address is beyond its budget: nothing was passed on.  The
    client solves ``challenge`` and sends the registration again with the solution, or
    waits ``retry_after`` seconds; ``verdict`` says what became of a solution it sent."""

    def __init__(self, challenge: Challenge, retry_after: int, verdict: Verdict) -> None:
        super().__init__(f"challenge required ({verdict}), or retry after {retry_after}s")
        self.challenge = challenge
        self.retry_after = retry_after
        self.verdict = verdict

    @property
    def solution_refused(self) -> bool:
        """A solution came along but did not count (wrong, expired, used, not ours)."""
        return self.verdict is not Verdict.MISSING


def _signer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(settings_of(request).secret_key.get_secret_value(), salt="csrf")


def _genuine(signer: URLSafeSerializer, token: str | None) -> bool:
    if not token:
        return False
    try:
        signer.loads(token)
    except BadSignature:
        return False
    return True


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry: the one in its cookie while that is genuine,
    else a new one that ``SecureResponses`` sets as the cookie."""
    state = request.scope.setdefault("state", {})
    known = state.get(STATE_TOKEN)
    if isinstance(known, str):
        return known
    signer = _signer(request)
    token = request.cookies.get(CSRF_COOKIE)
    if token is None or not _genuine(signer, token):
        token = signer.dumps(secrets.token_urlsafe(32))
        state[STATE_NEW_COOKIE] = True
    state[STATE_TOKEN] = token
    return token


@pass_context
def csrf_field(context: Context) -> Markup:
    """Template global: the hidden input with the request's CSRF token."""
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


async def verify_csrf(request: Request) -> None:
    """Router dependency: a changing request must bring the cookie's token in its form."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    matches = (
        isinstance(submitted, str)
        and cookie is not None
        and hmac.compare_digest(submitted.encode(), cookie.encode())
    )
    if not matches or not _genuine(_signer(request), cookie):
        # No path: a cancel link's path is the key to a registration.
        log.info("csrf check failed", method=request.method, had_cookie=cookie is not None)
        raise CsrfFailed


class SecureResponses:
    """Pure ASGI: HSTS on https answers; the CSRF cookie when a page issued a token; and a
    page that carries a token is ``private`` (a shared cache would hand it to others, whose
    cookie it does not match)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if https:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                state: dict[str, Any] = scope.get("state", {})
                if STATE_TOKEN in state and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"private"))
                if state.get(STATE_NEW_COOKIE):
                    cookie = f"{CSRF_COOKIE}={state[STATE_TOKEN]}; Path=/; HttpOnly; SameSite=Lax"
                    cookie += "; Secure" if https else ""
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


class Admission:
    """Whether a registration is passed on: within the budget of its client address
    (``gateway.web.budget``), or with a solved challenge (``gateway.web.challenge``).  One per
    app (``app.state.admission``); O(1) per registration, in memory, no IO."""

    def __init__(self, settings: Settings) -> None:
        self.budget = RegistrationBudget(
            Limits(
                address_burst=settings.budget_burst,
                address_per_minute=settings.budget_per_minute,
                event_burst=settings.budget_event_burst,
                event_per_minute=settings.budget_event_per_minute,
                email_burst=settings.budget_email_burst,
                email_per_minute=settings.budget_email_per_minute,
            )
        )
        self.proof = ProofOfWork(
            settings.secret_key.get_secret_value(),
            settings.challenge_max_number,
            settings.challenge_seconds,
        )

    def admit(self, client: str, event_id: str, email: str, solution: str | None) -> None:
        """Let the registration through or raise ``ChallengeRequired``.  A solution that
        checks out is used up and spares the budget; without one (or with one that does not
        check out) the budget decides."""
        if self.budget.off:
            return
        verdict = self.proof.check(solution)
        if verdict is Verdict.SOLVED:
            ADMISSIONS.labels(SERVICE, "solved").inc()
            return
        wait = self.budget.admit(client, event_id, email)
        if wait == 0:
            ADMISSIONS.labels(SERVICE, "budget").inc()
            return
        ADMISSIONS.labels(SERVICE, "challenged").inc()
        raise ChallengeRequired(self.proof.issue(), max(1, math.ceil(wait)), verdict)


def admission_of(request: Request) -> Admission:
    return cast(Admission, request.app.state.admission)


def client_address(request: Request) -> str:
    """The client's IP address (the visitor's behind a proxy that uvicorn trusts)."""
    return request.client.host if request.client else "unknown"
