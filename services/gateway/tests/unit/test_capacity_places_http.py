"""The public side's client of capacity's places endpoint, against httpx's mock transport."""

import uuid

import httpx
import pytest

from gateway.adapters.capacity_http import HttpSessionPlaces
from gateway.domain.commands import ShowPlaces
from gateway.service_layer.ports import PlacesUnavailable

QUERY = ShowPlaces(uuid.uuid4(), uuid.uuid4(), "corr-7")


def places_client(handler) -> HttpSessionPlaces:
    transport = httpx.MockTransport(handler)
    return HttpSessionPlaces(httpx.AsyncClient(transport=transport, base_url="http://capacity"))


async def test_the_places_of_a_registration_are_read():
    slot, held, better = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = [
            {
                "slot_id": str(slot),
                "session_id": str(held),
                "rank": 2,
                "waiting": [{"session_id": str(better), "position": 3}],
            }
        ]
        return httpx.Response(200, json=body)

    (place,) = await places_client(handler).places(QUERY)

    assert (place.slot_id, place.session_id, place.rank) == (slot, held, 2)
    assert [(w.session_id, w.position) for w in place.waiting] == [(better, 3)]
    (request,) = seen
    assert request.url.path == (
        f"/events/{QUERY.event_id}/registrations/{QUERY.registration_id}/sessions"
    )
    assert request.headers["X-Correlation-ID"] == "corr-7"
    assert "X-Internal-Token" not in request.headers  # an open read


async def test_an_event_capacity_does_not_know_has_no_places():
    unknown = places_client(lambda request: httpx.Response(404, json={"code": "not_found"}))
    assert await unknown.places(QUERY) == []


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    "handler",
    [
        lambda request: httpx.Response(500, text="boom"),
        lambda request: httpx.Response(200, json={"unexpected": True}),
        lambda request: httpx.Response(422, json={"code": "invalid_request"}),
        unreachable,
    ],
    ids=["server error", "off the contract", "refused", "no connection"],
)
async def test_capacity_failing_is_places_unavailable(handler):
    with pytest.raises(PlacesUnavailable):
        await places_client(handler).places(QUERY)
