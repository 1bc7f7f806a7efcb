"""One registration of an event for the desk (``GET /events/{event_id}/registrations/
{registration_id}``), on a real Postgres."""

from __future__ import annotations

from uuid import uuid4

import httpx

from contracts import messages as m

from .test_organiser import INTERNAL, decide, decision, participants, register


def url(event_id: object, registration_id: object) -> str:
    return f"/events/{event_id}/registrations/{registration_id}"


async def test_one_registration_comes_with_its_current_place(client: httpx.AsyncClient) -> None:
    event_id = str(uuid4())
    first, second, third = [
        await register(client, event_id=event_id, email=f"w{i}@example.org", name=f"W {i}")
        for i in range(3)
    ]
    for place, waiting in enumerate((first, second, third), start=1):
        await decide(client, decision(m.Waitlisted, waiting, event_id, position=place))

    answer = await client.get(url(event_id, third), headers=INTERNAL)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["registration_id"], found["event_id"]) == (third, event_id)
    assert (found["name"], found["email"]) == ("W 2", "w2@example.org")
    assert (found["status"], found["waitlist_position"]) == ("waitlisted", 3)
    listed = {p["registration_id"]: p for p in await participants(client, event_id)}
    assert found == listed[third], "the same row as in the event's list"

    await client.post(f"/registrations/{first}/organiser-cancellation", headers=INTERNAL)
    moved_up = (await client.get(url(event_id, third), headers=INTERNAL)).json()
    assert moved_up["waitlist_position"] == 2
    gone = (await client.get(url(event_id, first), headers=INTERNAL)).json()
    assert (gone["status"], gone["waitlist_position"]) == ("cancelled", None)
    assert gone["cancel_reason"] == "cancelled_by_organiser"


async def test_not_found_for_another_event_or_an_unknown_id(client: httpx.AsyncClient) -> None:
    event_id = str(uuid4())
    elsewhere = await register(client)

    for registration_id in (elsewhere, uuid4()):
        answer = await client.get(url(event_id, registration_id), headers=INTERNAL)
        assert answer.status_code == 404, registration_id
        assert answer.json()["code"] == "not_found"
        assert "email" not in answer.text
    not_an_id = await client.get(url(event_id, "kein-uuid"), headers=INTERNAL)
    assert not_an_id.status_code == 422


async def test_the_page_and_the_changes_are_still_their_own_endpoints(
    client: httpx.AsyncClient,
) -> None:
    event_id = str(uuid4())
    await register(client, event_id=event_id)

    page = await client.get(f"/events/{event_id}/registrations/page", headers=INTERNAL)
    changes = await client.get(f"/events/{event_id}/registrations/changes", headers=INTERNAL)

    assert page.status_code == 200 and page.json()["total"] == 1
    assert changes.status_code == 200 and changes.json()["total"] == 1


async def test_one_registration_needs_the_internal_token(client: httpx.AsyncClient) -> None:
    event_id = str(uuid4())
    registration_id = await register(client, event_id=event_id)

    for headers in ({}, {"X-Internal-Token": "wrong"}):
        answer = await client.get(url(event_id, registration_id), headers=headers)
        assert answer.status_code == 403, headers
        assert answer.json()["code"] == "internal_token_required"
        assert "erika@example.org" not in answer.text
