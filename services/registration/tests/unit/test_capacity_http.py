"""Capacity's half of the Markt as the registration service reads it: the call of a public
event only, a full market as ``StandsFull``, anything else capacity cannot do as
``CapacityUnavailable``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from pydantic import SecretStr

from contracts.messages import EventKind, EventSnapshot, EventStatus, StandCall
from registration.adapters.capacity_http import CapacityStands
from registration.service_layer.unit_of_work import CapacityUnavailable, StandsFull

START = datetime(2030, 5, 6, 8, tzinfo=UTC)
CALL = StandCall(opens_at=START - timedelta(days=30), closes_at=START, stands=3)


def snapshot(status: EventStatus) -> EventSnapshot:
    return EventSnapshot(
        event_id=uuid4(),
        title="Fachtag",
        kind=EventKind.FACHTAG,
        starts_at=START,
        ends_at=START + timedelta(hours=6),
        venue="Hospitalhof",
        city="Stuttgart",
        capacity=300,
        seats_taken=0,
        seats_left=300,
        waitlist_enabled=True,
        waitlist_length=0,
        status=status,
        stand_call=CALL,
        revision=1,
    )


def stands(answer: httpx.Response) -> CapacityStands:
    client = CapacityStands("http://capacity", SecretStr("t0ken"))
    client._client = httpx.AsyncClient(
        base_url="http://capacity", transport=httpx.MockTransport(lambda request: answer)
    )
    return client


def error(code: str) -> dict[str, str]:
    return {"code": code, "message_de": "…", "message_en": "…"}


async def test_only_a_public_event_has_a_call() -> None:
    open_ = snapshot(EventStatus.OPEN).model_dump(mode="json")
    draft = snapshot(EventStatus.DRAFT).model_dump(mode="json")
    assert await stands(httpx.Response(200, json=open_)).call(uuid4()) == CALL
    assert await stands(httpx.Response(200, json=draft)).call(uuid4()) is None
    assert await stands(httpx.Response(404, json=error("not_found"))).call(uuid4()) is None
    with pytest.raises(CapacityUnavailable):
        await stands(httpx.Response(200, json={"unexpected": True})).call(uuid4())


@pytest.mark.parametrize(
    ("answer", "raised"),
    [
        (httpx.Response(409, json=error("stands_full")), StandsFull),
        (httpx.Response(409, json=error("no_stand_call")), StandsFull),
        (httpx.Response(409, json=error("event_cancelled")), CapacityUnavailable),
        (httpx.Response(503, text="down"), CapacityUnavailable),
    ],
)
async def test_a_refused_stand_says_whether_the_market_is_full(
    answer: httpx.Response, raised: type[Exception]
) -> None:
    with pytest.raises(raised):
        await stands(answer).reserve(uuid4(), uuid4(), 2, 2)
    taken = httpx.Response(200, json=snapshot(EventStatus.OPEN).model_dump(mode="json"))
    await stands(taken).reserve(uuid4(), uuid4(), 2, 2)
