"""The organiser API on a real Postgres: drafts, publishing, revised details and the internal
token every change wants."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from capacity.config import Settings
from capacity.entrypoints.http import create_app
from capacity.service_layer import handlers
from contracts import messages as m
from contracts.envelope import Envelope
from tests.support import rows_per_table

START = datetime(2030, 5, 6, 8, tzinfo=UTC)
CONTACT = "Team Quartier, quartier@example.org, 0711 123456"
TOKEN = "t0ken-for-capacity"


@pytest.fixture
async def app(service_db) -> AsyncIterator[FastAPI]:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=await service_db("capacity"), log_json=False, internal_token=TOKEN
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The organiser desk: sends the internal token with every request."""
    transport = httpx.ASGITransport(app=app)
    headers = {"X-Internal-Token": TOKEN}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://capacity", headers=headers
    ) as c:
        yield c


@pytest.fixture
async def stranger(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Anyone else who reaches the port."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://capacity") as c:
        yield c


def details(**changes: object) -> dict[str, Any]:
    return {
        "title": "Markt der guten Ideen",
        "kind": "markt",
        "description": "Projekte stellen sich vor.",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=4)).isoformat(),
        "venue": "Kulturzentrum",
        "address": "Am Hafen 2, 70173 Stuttgart",
        "city": "Stuttgart",
        "organiser_contact": CONTACT,
        "waitlist_enabled": True,
        "registration_deadline": None,
        **changes,
    }


async def catalog(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    """The catalog messages in the outbox: (CloudEvents type, event snapshot)."""
    pool: asyncpg.Pool = app.state.pool
    rows = await pool.fetch(
        "SELECT headers, value FROM outbox WHERE topic = 'capacity.catalog.v1' ORDER BY id"
    )
    return [
        (dict(json.loads(r["headers"]))["ce_type"], json.loads(r["value"])["event"]) for r in rows
    ]


async def test_a_draft_is_prepared_quietly_and_published_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    created = await client.post("/events", json=details(capacity=40, publish=False))
    assert created.status_code == 201
    draft = created.json()
    assert (draft["status"], draft["address"], draft["organiser_contact"]) == (
        "draft",
        "Am Hafen 2, 70173 Stuttgart",
        CONTACT,
    )
    url = f"/events/{draft['event_id']}"
    assert [e["event_id"] for e in (await client.get("/events")).json()] == [draft["event_id"]]
    closing = await client.post(f"{url}/close")
    assert closing.status_code == 409
    assert closing.json() == {
        "code": "event_is_draft",
        "message_de": "Die Veranstaltung ist ein Entwurf; veröffentlichen Sie sie zuerst.",
        "message_en": "The event is a draft: publish it first.",
        "errors": [],
    }
    assert (await client.put(f"{url}/capacity", json={"capacity": 50})).status_code == 200
    assert await catalog(app) == []

    published = await client.post(f"{url}/publish")

    assert published.status_code == 200
    assert (published.json()["status"], published.json()["capacity"]) == ("open", 50)
    [(ce_type, event)] = await catalog(app)
    assert (ce_type, event["status"]) == ("quartier.EventPublished.v1", "open")
    again = await client.post(f"{url}/publish")
    assert again.status_code == 409
    assert again.json()["code"] == "already_published"
    assert "already published" in again.json()["message_en"]
    unknown = await client.post(f"/events/{uuid4()}/publish")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"


async def test_revised_details_are_stored_and_announced(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    event = (await client.post("/events", json=details(capacity=10))).json()
    url = f"/events/{event['event_id']}"
    moved = details(title="  Markt der Ideen  ", venue="Rathaus", address="Marktplatz 1")

    revised = await client.put(url, json=moved)

    assert revised.status_code == 200
    stored = (await client.get(url)).json()
    assert stored == revised.json()
    assert (stored["title"], stored["venue"], stored["address"]) == (
        "Markt der Ideen",
        "Rathaus",
        "Marktplatz 1",
    )
    assert stored["revision"] == event["revision"] + 1
    assert [t for t, _ in await catalog(app)] == [
        "quartier.EventPublished.v1",
        "quartier.EventUpdated.v1",
    ]
    assert (await catalog(app))[-1][1] == stored


@pytest.mark.parametrize(
    "changes",
    [
        {"ends_at": (START - timedelta(hours=1)).isoformat()},
        {"title": "   "},
        {"address": "x" * 301},
        {"organiser_contact": "x" * 301},
    ],
)
async def test_details_that_make_no_sense_are_refused_and_nothing_is_stored(
    app: FastAPI, client: httpx.AsyncClient, changes: dict[str, object]
) -> None:
    event = (await client.post("/events", json=details(capacity=10))).json()
    stored_before = await rows_per_table(app.state.pool)
    assert stored_before["events"] == 1

    answer = await client.put(f"/events/{event['event_id']}", json=details(**changes))

    assert answer.status_code == 422
    assert answer.json()["code"] in ("invalid_request", "invalid_event")
    assert [problem["field"] for problem in answer.json()["errors"]] == list(changes)
    assert (await client.post("/events", json=details(capacity=1, **changes))).status_code == 422
    # the event as it was, no second one, nothing new in the outbox
    assert (await client.get(f"/events/{event['event_id']}")).json() == event
    assert [e["event_id"] for e in (await client.get("/events")).json()] == [event["event_id"]]
    assert [t for t, _ in await catalog(app)] == ["quartier.EventPublished.v1"]
    assert await rows_per_table(app.state.pool) == stored_before


async def test_a_cancelled_or_unknown_event_cannot_be_revised(client: httpx.AsyncClient) -> None:
    event = (await client.post("/events", json=details(capacity=10))).json()
    url = f"/events/{event['event_id']}"
    assert (await client.post(f"{url}/cancel")).status_code == 200

    refused = await client.put(url, json=details())

    assert refused.status_code == 409
    assert refused.json() == {
        "code": "event_cancelled",
        "message_de": "Die Veranstaltung ist abgesagt.",
        "message_en": "The event is cancelled.",
        "errors": [],
    }
    assert (await client.put(f"/events/{uuid4()}", json=details())).status_code == 404


async def test_only_the_internal_token_changes_events(
    client: httpx.AsyncClient, stranger: httpx.AsyncClient
) -> None:
    event = (await client.post("/events", json=details(capacity=10, publish=False))).json()
    url = f"/events/{event['event_id']}"
    changes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", "/events", details(capacity=5)),
        ("PUT", url, details(title="Übernommen")),
        ("PUT", f"{url}/capacity", {"capacity": 0}),
        ("POST", f"{url}/publish", None),
        ("POST", f"{url}/close", None),
        ("POST", f"{url}/reopen", None),
        ("POST", f"{url}/cancel", None),
    ]
    wrong_tokens: list[dict[str, str | bytes]] = [
        {},
        {"X-Internal-Token": ""},
        {"X-Internal-Token": "wrong"},
        {"X-Internal-Token": TOKEN.upper()},
        {"X-Internal-Token": "s\xe9same".encode("latin-1")},
    ]
    for method, path, body in changes:
        for headers in wrong_tokens:
            answer = await stranger.request(method, path, json=body, headers=headers)
            assert answer.status_code == 403, (method, path, headers)
            assert answer.json() == {
                "code": "internal_token_required",
                "message_de": "Nur für interne Dienste.",
                "message_en": "Internal services only: X-Internal-Token required.",
                "errors": [],
            }

    listed = await stranger.get("/events")
    shown = await stranger.get(url)
    assert (listed.status_code, shown.status_code) == (200, 200)
    assert [e["event_id"] for e in listed.json()] == [event["event_id"]]
    assert shown.json() == event
    assert (await stranger.get("/healthz")).status_code == 200
    assert (await stranger.get("/readyz")).status_code == 200
    assert (await client.post(f"{url}/publish")).json()["status"] == "open"


async def test_a_programme_is_created_kept_and_its_lists_and_moves_answered(
    app: FastAPI, client: httpx.AsyncClient, stranger: httpx.AsyncClient
) -> None:
    """The programme with ids given by capacity, the lists per session, a registration's
    places, the organisers' move (refused when full, with the reason in both languages) and
    a capacity below the seats taken refused as invalid."""
    forums = {
        "title": "Praxisforen",
        "starts_at": (START + timedelta(hours=1)).isoformat(),
        "ends_at": (START + timedelta(hours=2)).isoformat(),
        "ranks": 2,
        "sessions": [
            {"title": "Forum A", "capacity": 1, "room": "Raum 1"},
            {"title": "Forum B", "capacity": 1, "room": "Raum 2"},
        ],
    }
    created = await client.post("/events", json=details(capacity=5, programme=[forums]))
    assert created.status_code == 201, created.text
    event = created.json()
    [slot] = event["programme"]
    a, b = (s["session_id"] for s in slot["sessions"])
    assert [s["seats_left"] for s in slot["sessions"]] == [1, 1]

    # registrations decided through the use case the stream worker runs
    uow = app.state.services.uow
    people = []
    for _ in range(2):
        request = m.RegistrationRequested(
            registration_id=uuid4(),
            event_id=event["event_id"],
            requested_at=datetime.now(UTC),
            choices={slot["slot_id"]: [a, b]},
        )
        await handlers.decide_registrations([(Envelope.new(request, source="t"), request)], uow())
        people.append(str(request.registration_id))

    lists = (await stranger.get(f"/events/{event['event_id']}/sessions")).json()
    assert [(entry["holders"], entry["waiting"]) for entry in lists] == [
        ([people[0]], [people[1]]),
        ([people[1]], []),
    ]
    places = (
        await stranger.get(f"/events/{event['event_id']}/registrations/{people[1]}/sessions")
    ).json()
    assert places == [
        {
            "slot_id": slot["slot_id"],
            "session_id": b,
            "rank": 2,
            "waiting": [{"session_id": a, "position": 1}],
        }
    ]

    full = await client.post(
        f"/events/{event['event_id']}/sessions/{a}/assignments", json={"registration_id": people[1]}
    )
    assert full.status_code == 409
    assert full.json()["code"] == "session_full" and "Forum A" in full.json()["message_de"]
    assert (
        await stranger.post(
            f"/events/{event['event_id']}/sessions/{b}/assignments",
            json={"registration_id": people[0]},
        )
    ).status_code == 403

    # Forum A with no seat at all: below the one taken
    lowered = {
        **forums,
        "slot_id": slot["slot_id"],
        "sessions": [
            {"session_id": a, "title": "Forum A", "capacity": 0},
            {"session_id": b, "title": "Forum B", "capacity": 1},
        ],
    }
    refused = await client.put(f"/events/{event['event_id']}", json=details(programme=[lowered]))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "programme"

    raised = {
        **lowered,
        "sessions": [
            {"session_id": a, "title": "Forum A", "capacity": 2},
            {"session_id": b, "title": "Forum B", "capacity": 1},
        ],
    }
    answer = await client.put(f"/events/{event['event_id']}", json=details(programme=[raised]))
    assert answer.status_code == 200, answer.text
    lists = (await stranger.get(f"/events/{event['event_id']}/sessions")).json()
    assert [sorted(entry["holders"]) for entry in lists] == [sorted(people), []]


def stand_call(**changes: object) -> dict[str, Any]:
    return {
        "opens_at": (START - timedelta(days=60)).isoformat(),
        "closes_at": (START - timedelta(days=20)).isoformat(),
        "stands": 20,
        "description": "Ein Tisch, Strom und eine Stellwand",
        **changes,
    }


async def test_a_call_for_stands_is_kept_announced_and_taken_back(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    event = (
        await client.post("/events", json=details(capacity=300, stand_call=stand_call()))
    ).json()
    url = f"/events/{event['event_id']}"

    call = (await client.get(url)).json()["stand_call"]
    assert call["stands"] == 20
    assert call["description"] == "Ein Tisch, Strom und eine Stellwand"
    assert datetime.fromisoformat(call["closes_at"]) == START - timedelta(days=20)
    assert (await catalog(app))[0][1]["stand_call"] == call

    more = await client.put(url, json=details(stand_call=stand_call(stands=25)))
    assert more.json()["stand_call"]["stands"] == 25
    taken_back = await client.put(url, json=details())
    assert taken_back.json()["stand_call"] is None
    assert [snapshot["stand_call"] for _, snapshot in await catalog(app)] == [
        call,
        more.json()["stand_call"],
        None,
    ]


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (
            stand_call(closes_at=(START + timedelta(hours=1)).isoformat()),
            "stand_call.closes_at",
            "after_start",
        ),
        (
            stand_call(opens_at=(START - timedelta(days=10)).isoformat()),
            "stand_call.closes_at",
            "before_opening",
        ),
        (stand_call(stands=0), "stand_call.stands", None),
        (stand_call(description="x" * 2001), "stand_call.description", None),
    ],
)
async def test_a_call_that_makes_no_sense_is_refused(
    app: FastAPI, client: httpx.AsyncClient, call: dict[str, Any], field: str, code: str | None
) -> None:
    answer = await client.post("/events", json=details(capacity=300, stand_call=call))

    assert answer.status_code == 422
    (problem,) = answer.json()["errors"]
    assert problem["field"] == field
    assert code is None or problem["code"] == code
    assert problem["message_de"] and problem["message_en"]
    assert await catalog(app) == []


async def test_stands_are_taken_by_their_applications_and_freed_with_their_staff(
    app: FastAPI, client: httpx.AsyncClient, stranger: httpx.AsyncClient
) -> None:
    event = (
        await client.post("/events", json=details(capacity=1, stand_call=stand_call(stands=1)))
    ).json()
    event_id = event["event_id"]
    first, second = uuid4(), uuid4()
    url = f"/events/{event_id}/stands"
    refused = await stranger.put(f"{url}/{first}", json={"staff": 2, "revision": 2})
    assert refused.status_code == 403
    taken = await client.put(f"{url}/{first}", json={"staff": 2, "revision": 2})
    assert taken.status_code == 200 and taken.json()["stands_taken"] == 1
    again = await client.put(f"{url}/{first}", json={"staff": 2, "revision": 2})
    assert again.json()["stands_taken"] == 1
    full = await client.put(f"{url}/{second}", json={"staff": 1, "revision": 2})
    assert full.status_code == 409 and full.json()["code"] == "stands_full"
    assert full.json()["message_de"] == "Alle 1 Stände sind vergeben."

    uow = app.state.services.uow
    now = datetime.now(UTC)

    def requested(stand: UUID | None) -> tuple[Envelope, m.IntegrationEvent]:
        payload = m.RegistrationRequested(
            registration_id=uuid4(), event_id=event_id, requested_at=now, stand_application_id=stand
        )
        return Envelope.new(payload, source="registration"), payload

    batch = [requested(None), requested(first), requested(None), requested(first), requested(first)]
    await handlers.decide_registrations(batch, uow())
    pool: asyncpg.Pool = app.state.pool
    outcomes = await pool.fetch(
        "SELECT outcome, rejection_reason, stand_application_id FROM seats ORDER BY seq"
    )
    assert [(r["outcome"], r["rejection_reason"]) for r in outcomes] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", None),
        ("confirmed", None),
        ("rejected", "contingent_full"),
    ]
    snapshot = (await stranger.get(f"/events/{event_id}")).json()
    assert (snapshot["seats_taken"], snapshot["waitlist_length"]) == (1, 1)

    withdrawn = m.StandApplicationWithdrawn(
        application_id=first,
        event_id=event_id,
        revision=3,
        staff=2,
        occurred_at=now,
        was_accepted=True,
    )
    for _ in range(2):  # a redelivery frees nothing more
        await handlers.follow_stand_applications(
            [(Envelope.new(withdrawn, source="registration"), withdrawn)], uow()
        )
    released = await pool.fetch(
        "SELECT release_reason FROM seats WHERE stand_application_id = $1 AND outcome = 'released'",
        first,
    )
    assert [r["release_reason"] for r in released] == ["stand_released"] * 2
    snapshot = (await stranger.get(f"/events/{event_id}")).json()
    assert (snapshot["stands_taken"], snapshot["seats_taken"], snapshot["waitlist_length"]) == (
        0,
        1,
        1,
    )
    now_free = await client.put(f"{url}/{second}", json={"staff": 1, "revision": 2})
    assert now_free.status_code == 200 and now_free.json()["stands_taken"] == 1
