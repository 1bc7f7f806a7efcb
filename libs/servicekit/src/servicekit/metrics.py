"""Prometheus metrics of every process (``/metrics``; docs/operators.md lists them all).

Every metric is named ``quartier_…`` and labelled with the ``service`` that counts it. The
hot path only counts (counters, histograms: no IO); what needs a query or a look at the
broker client (the outbox backlog, consumer lag) is sampled when ``/metrics`` is scraped, by
the samplers processes register here (``add_sampler``). Labels never carry ids, raw paths
or personal data: routes are templates (``/registrations/{registration_id}``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# aiohttp (the Faust workers' web server) refuses a charset parameter; the format is UTF-8
# either way
CONTENT_TYPE_NO_CHARSET = CONTENT_TYPE_LATEST.replace("; charset=utf-8", "")
METRICS_PATH = "/metrics"
# up to the long-poll of the status page (20 s)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # a path no route knows (scanners): never the raw path

HTTP_REQUESTS = Counter(
    "quartier_http_requests",
    "HTTP requests answered, per route template and status class",
    ["service", "method", "route", "status_class"],
)
HTTP_LATENCY = Histogram(
    "quartier_http_request_duration_seconds",
    "Time from the request to the end of its answer, per route template and status class",
    ["service", "method", "route", "status_class"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_WAITING = Gauge(
    "quartier_outbox_waiting",
    "Outbox rows not yet acknowledged by the broker (sampled at scrape)",
    ["service"],
)
OUTBOX_LAG = Gauge(
    "quartier_outbox_lag_seconds",
    "Age of the oldest outbox row not yet sent, 0 when none waits (sampled at scrape)",
    ["service"],
)
OUTBOX_PUBLISHED = Counter(
    "quartier_outbox_published",
    "Outbox rows the relay published (acknowledged by the broker), per topic",
    ["service", "topic"],
)
CONSUMER_LAG = Gauge(
    "quartier_consumer_lag",
    "Records of a partition not yet handled: highwater minus the committed offset "
    "(sampled at scrape)",
    ["service", "group", "topic", "partition"],
)
CONSUMED = Counter(
    "quartier_consumer_records",
    "Records a consumer took from a topic (handled or dead-lettered)",
    ["service", "topic"],
)
DEAD_LETTERS = Counter(
    "quartier_dead_letters",
    "Records written to the topic's DLQ",
    ["service", "topic"],
)

Sampler = Callable[[], Awaitable[None]]
_samplers: list[Sampler] = []
SAMPLE_TIMEOUT = 2.0


def add_sampler(sampler: Sampler) -> Callable[[], None]:
    """Run ``sampler`` before every scrape; returns what removes it again."""
    _samplers.append(sampler)

    def remove() -> None:
        if sampler in _samplers:
            _samplers.remove(sampler)

    return remove


async def exposition() -> bytes:
    """The text format Prometheus scrapes, after every sampler had its turn (one that
    fails or hangs leaves its gauges as they were and is logged)."""
    for sampler in list(_samplers):
        try:
            await asyncio.wait_for(sampler(), SAMPLE_TIMEOUT)
        except Exception as exc:
            log.warning("metrics sampler failed", sampler=repr(sampler), error=repr(exc))
    return generate_latest(REGISTRY)


def status_class(status: int) -> str:
    """``2xx``, ``4xx``, …"""
    return f"{status // 100}xx"


def route_of(scope: Scope) -> str:
    """The template of the route that handled the request (Starlette leaves it in
    ``scope["route"]``), or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path:
        return UNMATCHED
    return path


class HttpMetrics:
    """Pure ASGI middleware counting every request of ``service`` with its latency, by
    method, route template and status class. An error that escapes the app counts as 5xx."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def _observe(self, method: str, route: str, status: str, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            labels = (self.service, method, route, status)
            children = (HTTP_REQUESTS.labels(*labels), HTTP_LATENCY.labels(*labels))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        method = scope.get("method", "GET")
        method = method if method in METHODS else "other"
        try:
            await self.app(scope, receive, send_and_note)
        except BaseException:
            status = 500
            raise
        finally:
            seconds = time.perf_counter() - started
            self._observe(method, route_of(scope), status_class(status), seconds)
