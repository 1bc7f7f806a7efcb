"""A Kommune behind one address, through the public JSON API of a gateway with the shipped
registration budget (the session's gateway has none): 300 people from 127.0.0.1 within a
minute all register and get their decision; a script sending 2,000 registrations with random
e-mail addresses in 10 s from the same address is mostly answered with the challenge (at most
the budget and its refill get through), and a client that solves the challenge (hashlib, as
docs/subscribers.md shows) gets through with it, once per solution."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections import Counter
from typing import Any
from uuid import uuid4

import httpx

from devstack.stack import Stack
from gateway.config import Settings
from tests.support import eventually
from tests.support.metrics import Scrape

from .rush import all_decided, attendees, register_all
from .test_walking_skeleton import create_event


def shipped(name: str) -> Any:
    return Settings.model_fields[name].default


BURST = shipped("budget_burst")
EVENT_BURST = shipped("budget_event_burst")
EVENT_PER_SECOND = shipped("budget_event_per_minute") / 60
SHIPPED_BUDGET = {"GATEWAY_BUDGET_BURST": str(BURST)}
"""The dev stack's tests run with the budget off: this turns it on, everything else shipped."""
ADMISSIONS = "quartier_registration_admissions_total"
CROWD = 300
FLOOD = 2000
FLOOD_SECONDS = 10.0


async def listed_at(gateway_url: str, event_id: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:

        async def listed() -> bool:
            answer = await client.get(f"{gateway_url}/api/v1/events/{event_id}")
            assert answer.status_code == 200, answer.status_code
            return True

        await eventually(listed, what=f"event {event_id} at {gateway_url}")


def solve(challenge: dict[str, Any]) -> str:
    """What an API client does (docs/subscribers.md): try 0, 1, 2, … with hashlib."""
    salt, target = challenge["salt"], challenge["challenge"]
    number = next(
        n
        for n in range(challenge["maxnumber"] + 1)
        if hashlib.sha256(f"{salt}{n}".encode()).hexdigest() == target
    )
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**fields, "number": number}).encode()).decode()


async def solved_count(client: httpx.AsyncClient, gateway_url: str) -> float:
    """How many registrations the gateway let through with a solved challenge."""
    scrape = Scrape((await client.get(f"{gateway_url}/metrics")).text)
    return scrape.value(ADMISSIONS, service="gateway", outcome="solved") or 0


def person(tag: str) -> dict[str, Any]:
    return {
        "name": "Anna Anmeldung",
        "email": f"{tag}.{uuid4().hex}@example.org",
        "organisation": "Landratsamt Musterkreis",
        "privacy_consent": True,
    }


async def test_three_hundred_people_from_one_address_all_register(stack: Stack) -> None:
    assert BURST >= CROWD, "the shipped budget must take a whole administration at once"
    gateway = await stack.spawn_gateway(SHIPPED_BUDGET)
    event_id = await create_event(stack, capacity=CROWD, title="Fachtag – eine Adresse")
    await listed_at(gateway, event_id)
    people = attendees(CROWD, f"kommune.{uuid4().hex[:6]}")

    await register_all(gateway, event_id, people, in_flight=50)  # any 428 fails it

    assert all(p.attempts == 1 for p in people), "someone had to try again"
    ids = [p.registration_id for p in people if p.registration_id]
    assert len(set(ids)) == CROWD
    counts = await eventually(
        lambda: all_decided(stack.registration_url, ids), what="300 decisions", timeout=120
    )
    assert counts == {"confirmed": CROWD}, counts


async def test_a_flood_from_one_address_is_challenged_and_a_solver_gets_through(
    stack: Stack,
) -> None:
    gateway = await stack.spawn_gateway(SHIPPED_BUDGET)
    event_id = await create_event(stack, capacity=50, title="Fachtag – die Flut")
    await listed_at(gateway, event_id)
    url = f"{gateway}/api/v1/events/{event_id}/registrations"
    answers: Counter[int] = Counter()
    challenged: list[httpx.Response] = []
    # a fresh connection per registration, as a flooding script opens them
    limits = httpx.Limits(max_connections=40, max_keepalive_connections=0)

    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        in_flight = asyncio.Semaphore(40)
        started = time.monotonic()

        async def one(i: int) -> None:
            await asyncio.sleep(i * FLOOD_SECONDS / FLOOD)  # 200 a second
            async with in_flight:
                answer = await client.post(url, json=person("bot"))
            answers[answer.status_code] += 1
            if answer.status_code == 428:
                challenged.append(answer)

        await asyncio.gather(*(one(i) for i in range(FLOOD)))
        took = time.monotonic() - started

        # the event's bucket is the tighter one: its burst, then its refill while the flood ran
        bound = EVENT_BURST + EVENT_PER_SECOND * took + 1
        assert set(answers) <= {202, 428}, answers
        assert BURST <= answers[202] <= bound, (answers, f"{took:.1f} s")
        assert answers[428] >= FLOOD - bound, answers
        assert answers[428] > FLOOD / 2, "most answers are the challenge"
        last = challenged[-1]
        body = last.json()
        assert body["code"] == "challenge_required"
        assert int(last.headers["Retry-After"]) == body["retry_after"] > 0
        assert body["challenge"]["maxnumber"] == shipped("challenge_max_number")

        solution = solve(body["challenge"])
        before = await solved_count(client, gateway)
        through = await client.post(url, json=person("solver"), headers={"Altcha": solution})
        after = await solved_count(client, gateway)
        # meanwhile the budget may have a token again: then it, not the solution, decides
        reused = await client.post(url, json=person("reuse"), headers={"Altcha": solution})
        again = await solved_count(client, gateway)

    assert through.status_code == 202, through.text
    assert after == before + 1, "the solution let it through"
    assert again == after, "a solution counts once"
    assert reused.status_code in (202, 428)
    registration_id = through.json()["registration_id"]
    decided = await eventually(
        lambda: all_decided(stack.registration_url, [registration_id]),
        what="the solver's decision",
        timeout=120,
    )
    assert set(decided) <= {"confirmed", "waitlisted"}, decided
