"""``/metrics`` of the registration API on a real Postgres, its relay on a real broker."""

from __future__ import annotations

import httpx

from tests.support import eventually
from tests.support.metrics import Scrape

from .conftest import body

SERVICE = "registration-http"


async def scrape(client: httpx.AsyncClient) -> Scrape:
    answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return Scrape(answer.text)


def count(found: Scrape, name: str, **labels: str) -> float:
    return found.value(name, service=SERVICE, **labels) or 0.0


async def test_metrics_count_an_accepted_registration_its_request_and_its_outbox_row(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    data = body()
    accepted = await client.post("/registrations", json=data)
    assert accepted.status_code == 202
    assert (await client.post("/registrations", json=data)).status_code == 202  # a repeat
    status_url = accepted.json()["status_url"]
    assert (await client.get(status_url)).status_code == 200

    after = await scrape(client)
    accepted_total = "quartier_registrations_accepted_total"
    assert (
        count(after, accepted_total, outcome="new") - count(before, accepted_total, outcome="new")
        == 1
    )
    assert (
        count(after, accepted_total, outcome="repeat")
        - count(before, accepted_total, outcome="repeat")
        == 1
    )
    requests = "quartier_http_requests_total"
    post = {"method": "POST", "route": "/registrations", "status_class": "2xx"}
    assert count(after, requests, **post) - count(before, requests, **post) == 2
    status = {"method": "GET", "route": "/registrations/{registration_id}"}
    assert count(after, requests, **status) - count(before, requests, **status) == 1
    assert count(after, "quartier_http_request_duration_seconds_count", **post) >= 2
    assert accepted.json()["registration_id"] not in str(after.samples)
    assert data["email"] not in str(after.samples)

    published = "quartier_outbox_published_total"

    async def relayed() -> Scrape:
        found = await scrape(client)
        topic = {"topic": "registration.registrations.v1"}
        assert count(found, published, **topic) > count(before, published, **topic)
        assert found.value("quartier_outbox_waiting", service=SERVICE) == 0
        assert found.value("quartier_outbox_lag_seconds", service=SERVICE) == 0
        return found

    await eventually(relayed, what="the registration relayed, the outbox empty", timeout=15)
