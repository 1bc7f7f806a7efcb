"""Protection of the site's forms and of registration: CSRF, HSTS, a rate limit per client.

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
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import structlog
from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.web.dependencies import settings_of

log = structlog.get_logger(__name__)

CSRF_COOKIE = "quartier_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HSTS = "max-age=31536000; includeSubDomains"
# Keys in the request's ``state``: the token its forms carry, and whether the cookie is new.
STATE_TOKEN = "csrf_token"  # noqa: S105 - a name, not a secret
STATE_NEW_COOKIE = "csrf_cookie_new"


class CsrfFailed(Exception):
    """A form arrived without the token its page was given (or with a forged one)."""


class RateLimited(Exception):
    """Too many registrations from one client within the window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


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


class RateLimiter:
    """At most ``limit`` hits per key within ``window`` seconds (a sliding log, in memory,
    per process); ``limit`` 0 lets everything through."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._swept = clock()

    def hit(self, key: str) -> float | None:
        """Count a hit; ``None`` if allowed, else the seconds until the next one is."""
        if self.limit <= 0:
            return None
        now = self._clock()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        return None

    def _sweep(self, now: float) -> None:
        """Forget clients that have been quiet for a whole window (once per window)."""
        if now - self._swept < self.window:
            return
        self._swept = now
        quiet = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in quiet:
            del self._hits[key]


def limit_registrations(request: Request) -> None:
    """Route dependency: count a registration attempt of the client's IP address."""
    limiter: RateLimiter = request.app.state.registration_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.hit(client)
    if wait is not None:
        log.info("registration rate limited", path=request.url.path)
        raise RateLimited(max(1, math.ceil(wait)))
