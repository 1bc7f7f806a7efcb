"""The Markt der guten Ideen on the real stack: an event's call for stands, set through
capacity's organiser API as the desk sets it, travels on the catalog topic (its committed
schema) and shows on the public event page with its deadline, in German and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from devstack.stack import Stack

from . import kafka
from .test_walking_skeleton import CATALOG, create_event_with, event_page_up


async def test_a_call_for_stands_reaches_the_catalog_and_the_event_page(stack: Stack) -> None:
    def call(start: datetime) -> dict[str, Any]:
        return {
            "opens_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            "closes_at": (start - timedelta(days=7)).isoformat(),
            "stands": 24,
            "description": "Ein Tisch, Strom und eine Stellwand.",
        }

    event = await create_event_with(
        stack, 300, "Fachtag Quartier – Markt der guten Ideen", stand_call=call
    )
    event_id = event["event_id"]
    closes = datetime.fromisoformat(event["starts_at"]) - timedelta(days=7)
    async with httpx.AsyncClient() as client:
        url = await event_page_up(stack, client, event_id)
        page = (await client.get(url)).text
        client.cookies.set("lang", "en")
        english = (await client.get(url)).text

    assert "Markt der guten Ideen: Bewerbung für einen Stand" in page
    assert f'datetime="{closes.isoformat()}"' in page
    assert "24 Stände" in page and "Ein Tisch, Strom und eine Stellwand." in page
    assert "Market of good ideas: apply for a stand" in english and "24 stands" in english

    def published(records: list[kafka.Record]) -> bool:
        return any(r.json()["event"]["event_id"] == event_id for r in records)  # type: ignore[index]

    records = await kafka.read_until(stack.bootstrap, CATALOG, published)
    (record,) = [r for r in records if r.json()["event"]["event_id"] == event_id]  # type: ignore[index]
    snapshot = kafka.validate(record)["event"]
    assert snapshot["stand_call"]["stands"] == 24  # type: ignore[index]
    assert datetime.fromisoformat(snapshot["stand_call"]["closes_at"]) == closes  # type: ignore[index]
