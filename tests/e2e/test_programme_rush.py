"""The Fachtag rush with six Praxisforen: 300 day seats, forums of 60/50/50/50/40/50, 2,000
attendees ranking three forums (forum 1 the first choice of 40 %), a capacity worker
SIGKILLed mid-rush, then 60 cancellations.  Afterwards every rule of the allocation holds in
capacity's Postgres, a plain consumer rebuilds each forum's list from capacity.sessions.v1
and gets what the desk shows, and every person has exactly the mails their history
implies."""

from __future__ import annotations

import asyncio
import collections
import json
import random
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import structlog

from capacity.domain.programme import SlotAllocation, violations
from devstack.demo import FORUMS, fachtag_programme, skewed_ranking
from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .rush import all_decided, attendees, cancel_by_token, register_all, statuses
from .test_resilience import mails_per_recipient
from .test_walking_skeleton import create_event_with

log = structlog.get_logger(__name__)
SESSIONS_TOPIC = "capacity.sessions.v1"
DECISIONS_TOPIC = "capacity.decisions.v1"
MAILED_SESSION_CHANGES = ("quartier.SessionSeatAssigned.v1", "quartier.SessionSeatReleased.v1")


def forum_slot(event: dict[str, Any]) -> dict[str, Any]:
    [slot] = [s for s in event["programme"] if s["sessions"]]
    return slot


async def stored_allocation(stack: Stack, event: dict[str, Any]) -> SlotAllocation[UUID, UUID]:
    """The forums' allocation as capacity stored it (rows of session_choices)."""
    slot = forum_slot(event)
    connection = await asyncpg.connect(stack.dsns["capacity"])
    try:
        rows = await connection.fetch(
            "SELECT registration_id, ranking, claims, holds FROM session_choices "
            "WHERE event_id = $1 AND slot_id = $2",
            UUID(event["event_id"]),
            UUID(slot["slot_id"]),
        )
        confirmed = {
            r["registration_id"]
            for r in await connection.fetch(
                "SELECT registration_id FROM seats WHERE event_id = $1 AND outcome = 'confirmed'",
                UUID(event["event_id"]),
            )
        }
    finally:
        await connection.close()
    assert {r["registration_id"] for r in rows} == confirmed, (
        "a session for someone without a day seat"
    )
    return SlotAllocation.restored(
        {UUID(s["session_id"]): s["capacity"] for s in slot["sessions"]},
        slot["fallback"],
        [
            (
                r["registration_id"],
                r["ranking"],
                {UUID(k): v for k, v in json.loads(r["claims"]).items()},
                r["holds"],
            )
            for r in rows
        ],
    )


def rebuilt_from_topic(records: list[kafka.Record], event_id: str) -> dict[str, set[str]]:
    """What a subscriber knows from capacity.sessions.v1 alone: who holds which session."""
    holds: dict[str, str] = {}
    for record in records:
        payload = kafka.validate(record)
        if payload["event_id"] != event_id:
            continue
        person = str(payload["registration_id"])
        if record.type == "quartier.SessionSeatAssigned.v1":
            assert holds.get(person) == payload["previous_session_id"], "a move from elsewhere"
            holds[person] = str(payload["session_id"])
        elif record.type == "quartier.SessionSeatReleased.v1":
            assert holds.pop(person) == payload["session_id"]
    lists: dict[str, set[str]] = collections.defaultdict(set)
    for person, session in holds.items():
        lists[session].add(person)
    return lists


def mails_implied(
    decisions: list[kafka.Record], sessions: list[kafka.Record], ids: set[str]
) -> collections.Counter[str]:
    """Per registration: a mail for every seat decision, and one for every session change
    that is news (a move up, a changed choice, the organisers' move, a freed seat given as
    fallback; the first allocation is in the confirmation)."""
    implied: collections.Counter[str] = collections.Counter()
    for record in decisions:
        person = str(record.json()["registration_id"])
        if person in ids:
            implied[person] += 1
    for record in sessions:
        payload = record.json()
        person = str(payload["registration_id"])
        if person not in ids or record.type not in MAILED_SESSION_CHANGES:
            continue
        if payload.get("reason") not in ("allocated", "day_released"):
            implied[person] += 1
    return implied


async def test_the_praxisforen_rush_keeps_every_rule_on_the_database_and_the_topics(
    stack: Stack,
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    event = await create_event_with(
        stack, 300, "Fachtag Quartier – Praxisforen", programme=fachtag_programme
    )
    event_id = event["event_id"]
    slot = forum_slot(event)
    forums = [s["session_id"] for s in slot["sessions"]]
    assert [s["capacity"] for s in slot["sessions"]] == [c for _, c in FORUMS]
    people = attendees(2000, f"forum{uuid4().hex[:6]}")
    for person in people:
        person.choices = {slot["slot_id"]: skewed_ranking(rng, forums)}

    async def kill_a_worker() -> None:
        await asyncio.sleep(rng.uniform(1.0, 3.0))
        stack.kill("capacity-worker-1")
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        stack.restart("capacity-worker-1")

    chaos = asyncio.create_task(kill_a_worker())
    await register_all(stack.gateway_url, event_id, people, in_flight=100)
    await chaos
    await stack.wait_ready("capacity-worker-1")
    ids = [str(p.registration_id) for p in people]
    assert len(set(ids)) == 2000
    decided = await eventually(
        lambda: all_decided(stack.registration_url, ids),
        what="a decision for all 2,000",
        timeout=240,
        interval=2,
    )
    assert decided == {"confirmed": 300, "waitlisted": 1700}, seed

    final = await statuses(stack.registration_url, ids)
    confirmed = [p for p in people if final[str(p.registration_id)]["status"] == "confirmed"]
    waiting = [p for p in people if final[str(p.registration_id)]["status"] == "waitlisted"]
    leaving = rng.sample(confirmed, 45) + rng.sample(waiting, 15)
    for person in leaving:
        await cancel_by_token(
            stack.gateway_url,
            stack.registration_url,
            stack.internal_headers,
            str(person.registration_id),
        )

    async def settled() -> dict[str, int]:
        counts = await all_decided(stack.registration_url, ids)
        assert counts == {"confirmed": 300, "waitlisted": 1640, "cancelled": 60}, counts
        allocation = await stored_allocation(stack, event)
        assert sum(allocation.holder_count(s) for s in allocation.capacities) == 300
        return counts

    await eventually(settled, what="the 60 cancellations moved people up", timeout=120)

    # the rules, in Postgres
    allocation = await stored_allocation(stack, event)
    assert violations(allocation) == [], seed
    first_choice = sum(
        1 for p in allocation.people() if allocation.rank_of(p, allocation.holding(p)) == 1
    )
    log.info("forum rush", seed=seed, first_choice=first_choice)

    # what the desk shows (capacity's lists) == Postgres == a plain consumer of the topic
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(f"{stack.capacity_url}/events/{event_id}/sessions")
    answer.raise_for_status()
    desk = {entry["session_id"]: set(entry["holders"]) for entry in answer.json()}
    stored = {str(s): {str(p) for p in allocation.holders(s)} for s in allocation.capacities}
    assert desk == stored

    async def topic_agrees() -> list[kafka.Record]:
        records = await kafka.read_all(stack.bootstrap, SESSIONS_TOPIC)
        rebuilt = rebuilt_from_topic(records, event_id)
        assert {s: rebuilt.get(s, set()) for s in desk} == desk
        return records

    session_records = await eventually(topic_agrees, what="the topic's lists", timeout=60)

    # every person: exactly the mails their history implies, none twice
    decision_records = await kafka.read_all(stack.bootstrap, DECISIONS_TOPIC)
    wanted = set(ids)
    implied = mails_implied(decision_records, session_records, wanted)
    email_of = {str(p.registration_id): p.email for p in people}
    expected = collections.Counter({email_of[r]: n for r, n in implied.items()})
    addresses = set(email_of.values())

    def all_mailed() -> collections.Counter[str]:
        got = mails_per_recipient(stack, addresses)
        assert sum(got.values()) >= sum(expected.values()), (
            f"{sum(got.values())} of {sum(expected.values())} mails"
        )
        return got

    await eventually(all_mailed, what="every implied mail", timeout=300, interval=3)
    await asyncio.sleep(2)  # a duplicate would show up now
    assert mails_per_recipient(stack, addresses) == expected, seed
