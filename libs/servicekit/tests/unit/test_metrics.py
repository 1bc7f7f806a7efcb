"""The HTTP metrics middleware and the consumer-lag sampler, without IO."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, status

from contracts.http.errors import ApiError
from servicekit import metrics
from servicekit.http import ApiException, add_api_errors, add_metrics
from servicekit.stream import consumer_lag_sampler
from tests.support.metrics import Scrape

REQUESTS = "quartier_http_requests_total"
LATENCY = "quartier_http_request_duration_seconds_count"


@pytest.fixture
def service() -> str:
    """A service name of the test's own: the registry is the process's."""
    return f"svc-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def client(service: str) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    add_api_errors(app)

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        if item_id == "missing":
            error = ApiError(code="not_found", message_de="Nicht da.", message_en="Not there.")
            raise ApiException(status.HTTP_404_NOT_FOUND, error)
        if item_id == "broken":
            raise RuntimeError("boom")
        return {"item": item_id}

    add_metrics(app, service)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as c:
        yield c


async def scrape(client: httpx.AsyncClient) -> Scrape:
    answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return Scrape(answer.text)


async def test_requests_are_counted_per_route_template_not_per_path(
    client: httpx.AsyncClient, service: str
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for item_id in ids:
        assert (await client.get(f"/items/{item_id}")).status_code == 200

    found = await scrape(client)
    route = {"service": service, "route": "/items/{item_id}", "method": "GET"}
    assert found.value(REQUESTS, **route, status_class="2xx") == 3
    assert found.value(LATENCY, **route, status_class="2xx") == 3
    assert not any(item_id in str(found.samples) for item_id in ids)


async def test_the_status_class_is_a_label(client: httpx.AsyncClient, service: str) -> None:
    assert (await client.get("/items/missing")).status_code == 404
    assert (await client.get("/items/broken")).status_code == 500
    assert (await client.post("/items/x")).status_code == 405

    found = await scrape(client)
    route = {"service": service, "route": "/items/{item_id}"}
    assert found.value(REQUESTS, **route, method="GET", status_class="4xx") == 1
    assert found.value(REQUESTS, **route, method="GET", status_class="5xx") == 1
    assert found.value(REQUESTS, **route, method="POST", status_class="4xx") == 1
    assert found.value(REQUESTS, **route, status_class="2xx") is None


async def test_an_unknown_path_is_unmatched_and_odd_methods_are_other(
    client: httpx.AsyncClient, service: str
) -> None:
    await client.get("/wp-admin/setup.php")
    await client.request("PROPFIND", "/items/1")

    found = await scrape(client)
    assert found.value(REQUESTS, service=service, route="unmatched", status_class="4xx") == 1
    assert found.value(REQUESTS, service=service, method="other") == 1
    assert "wp-admin" not in str(found.samples)


@dataclass(frozen=True)
class TP:
    topic: str
    partition: int


@dataclass
class FakeConsumer:
    highwaters: dict[TP, int]
    _committed_offset: dict[TP, int | None] = field(default_factory=dict)
    positions: dict[TP, int] = field(default_factory=dict)

    def assignment(self) -> set[TP]:
        return set(self.highwaters)

    def highwater(self, tp: TP) -> int:
        return self.highwaters[tp]

    async def position(self, tp: TP) -> int:
        return self.positions[tp]


async def test_consumer_lag_is_highwater_minus_the_committed_offset() -> None:
    group = f"group-{uuid.uuid4().hex[:8]}"
    first, second = TP("capacity.decisions.v1", 0), TP("capacity.decisions.v1", 3)
    consumer = FakeConsumer(
        {first: 120, second: 40}, _committed_offset={first: 100}, positions={second: 37}
    )
    app: Any = SimpleNamespace(conf=SimpleNamespace(id=group), consumer=consumer)
    sample = consumer_lag_sampler(app)

    await sample()
    found = Scrape((await metrics.exposition()).decode())
    assert found.value("quartier_consumer_lag", group=group, topic=first.topic, partition="0") == 20
    # before the first commit: the fetch position
    assert found.value("quartier_consumer_lag", group=group, partition="3") == 3

    consumer.highwaters = {first: 130}  # partition 3 went to another worker
    consumer._committed_offset = {first: 130}
    await sample()
    found = Scrape((await metrics.exposition()).decode())
    partitions = [
        labels["partition"]
        for labels in found.labels("quartier_consumer_lag")
        if labels["group"] == group
    ]
    assert partitions == ["0"]
    assert found.value("quartier_consumer_lag", group=group, service=group) == 0
