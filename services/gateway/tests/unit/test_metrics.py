"""The gateway's ``/metrics``: the same middleware as every service, on its own app."""

from __future__ import annotations

import httpx

from tests.support.metrics import Scrape

REQUESTS = "quartier_http_requests_total"


async def test_pages_are_counted_by_route_template(client: httpx.AsyncClient, add_event) -> None:
    event = add_event()
    before = Scrape((await client.get("/metrics")).text)
    assert (await client.get(f"/veranstaltungen/{event.event_id}")).status_code == 200
    assert (await client.get("/no/such/page")).status_code == 404

    answer = await client.get("/metrics")
    assert answer.status_code == 200
    after = Scrape(answer.text)
    page = {"service": "gateway", "route": "/veranstaltungen/{event_id}", "status_class": "2xx"}
    assert (after.value(REQUESTS, **page) or 0) - (before.value(REQUESTS, **page) or 0) == 1
    unmatched = {"service": "gateway", "route": "unmatched", "status_class": "4xx"}
    assert (after.value(REQUESTS, **unmatched) or 0) - (
        before.value(REQUESTS, **unmatched) or 0
    ) == 1
    assert str(event.event_id) not in answer.text
