"""The desk's paged, searched and filtered participant list and its light live counts, on a
real Postgres."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

import httpx

from contracts import messages as m

from .test_organiser import INTERNAL, decide, decision, register

PEOPLE = [
    # name, e-mail, organisation, role, needs
    ("Anna Albers", "anna@ulm.example", "Stadt Ulm", "administration", []),
    ("Bernd Bauer", "bernd@example.org", "Landkreis Biberach", "volunteer", ["step_free"]),
    ("Clara Chen", "clara@example.org", "Quartier 100%_Netz", "other", []),
    ("Dana Dietz", "dana@example.org", "Gemeinde Musterhausen", "administration", []),
    ("Emil Ernst", "emil@example.org", "Stadt Ulm", "volunteer", ["sign_language"]),
]


async def page(client: httpx.AsyncClient, event_id: str, **params: Any) -> dict[str, Any]:
    answer = await client.get(
        f"/events/{event_id}/registrations/page", params=params, headers=INTERNAL
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def names(found: dict[str, Any]) -> list[str]:
    return [p["name"] for p in found["items"]]


async def an_event(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    event_id = str(uuid4())
    ids = []
    for name, email, organisation, role, needs in PEOPLE:
        extra: dict[str, Any] = {"health_data_consent": True} if needs else {}
        ids.append(
            await register(
                client,
                event_id=event_id,
                name=name,
                email=email,
                organisation=organisation,
                role=role,
                accessibility_needs=needs,
                **extra,
            )
        )
    await register(client, name="Anna Anderswo", email="anna@elsewhere.example")
    return event_id, ids


async def test_pages_come_newest_first_with_the_total(client: httpx.AsyncClient) -> None:
    event_id, _ = await an_event(client)

    first = await page(client, event_id, limit=2)
    second = await page(client, event_id, limit=2, offset=2)
    last = await page(client, event_id, limit=2, offset=4)
    beyond = await page(client, event_id, limit=2, offset=10)

    assert names(first) == ["Emil Ernst", "Dana Dietz"]
    assert names(second) == ["Clara Chen", "Bernd Bauer"]
    assert names(last) == ["Anna Albers"]
    assert beyond["items"] == []
    assert {first["total"], last["total"], beyond["total"]} == {5}
    assert first["counts"] == {"pending": 5}
    assert (first["limit"], second["offset"]) == (2, 2)
    oldest = await page(client, event_id, limit=2, order="oldest")
    assert names(oldest) == ["Anna Albers", "Bernd Bauer"]
    everyone = await client.get(f"/events/{event_id}/registrations", headers=INTERNAL)
    assert len(everyone.json()) == 5, "the unpaged list still has everyone"


async def test_the_search_finds_name_email_and_organisation_in_any_case(
    client: httpx.AsyncClient,
) -> None:
    event_id, _ = await an_event(client)

    assert names(await page(client, event_id, q="anna")) == ["Anna Albers"]
    assert names(await page(client, event_id, q="BERND@")) == ["Bernd Bauer"]
    by_organisation = await page(client, event_id, q="stadt ulm")
    assert names(by_organisation) == ["Emil Ernst", "Anna Albers"]
    assert by_organisation["total"] == 2
    assert names(await page(client, event_id, q="100%_")) == ["Clara Chen"]
    assert names(await page(client, event_id, q="%")) == ["Clara Chen"], "% is taken literally"
    assert (await page(client, event_id, q="niemand"))["total"] == 0


async def test_filters_by_status_role_and_need_combine(client: httpx.AsyncClient) -> None:
    event_id, ids = await an_event(client)
    await decide(client, decision(m.SeatConfirmed, ids[0], event_id))
    await decide(client, decision(m.SeatConfirmed, ids[4], event_id))
    await decide(client, decision(m.Waitlisted, ids[1], event_id, position=1))

    confirmed = await page(client, event_id, status="confirmed")
    assert names(confirmed) == ["Emil Ernst", "Anna Albers"]
    assert confirmed["counts"] == {"confirmed": 2, "waitlisted": 1, "pending": 2}
    several = await page(client, event_id, status=["waitlisted", "pending"])
    assert names(several) == ["Dana Dietz", "Clara Chen", "Bernd Bauer"]
    assert several["items"][2]["waitlist_position"] == 1
    volunteers = await page(client, event_id, role="volunteer")
    assert names(volunteers) == ["Emil Ernst", "Bernd Bauer"]
    assert names(await page(client, event_id, need="step_free")) == ["Bernd Bauer"]
    both = await page(client, event_id, role="volunteer", status="confirmed", q="ulm")
    assert names(both) == ["Emil Ernst"]
    assert both["total"] == 1
    refused = await client.get(
        f"/events/{event_id}/registrations/page", params={"status": "gone"}, headers=INTERNAL
    )
    assert refused.status_code == 422


async def test_changes_count_what_arrived_since_without_names(client: httpx.AsyncClient) -> None:
    event_id, ids = await an_event(client)
    await decide(client, decision(m.SeatConfirmed, ids[0], event_id))
    seen = (await page(client, event_id, limit=1))["latest_at"]

    quiet = await client.get(
        f"/events/{event_id}/registrations/changes", params={"since": seen}, headers=INTERNAL
    )
    assert quiet.status_code == 200, quiet.text
    assert quiet.json()["new_since"] == 0
    assert quiet.json()["counts"] == {"confirmed": 1, "pending": 4}
    assert quiet.json()["total"] == 5

    await register(client, event_id=event_id, name="Fritz Neu", email="fritz@example.org")
    await register(client, event_id=event_id, name="Gina Neu", email="gina@example.org")
    changes = await client.get(
        f"/events/{event_id}/registrations/changes", params={"since": seen}, headers=INTERNAL
    )
    body = changes.json()
    assert body["new_since"] == 2
    assert body["total"] == 7
    assert datetime.fromisoformat(body["latest_at"]) > datetime.fromisoformat(seen)
    assert "Fritz" not in changes.text
    nothing = await client.get(f"/events/{uuid4()}/registrations/changes", headers=INTERNAL)
    assert nothing.json()["counts"] == {} and nothing.json()["latest_at"] is None
    unseen = await client.get(f"/events/{event_id}/registrations/changes", headers=INTERNAL)
    assert unseen.json()["new_since"] == 7, "without since, everything is new"
    for url in (
        f"/events/{event_id}/registrations/page",
        f"/events/{event_id}/registrations/changes",
    ):
        assert (await client.get(url)).status_code == 403
