"""Seats stay honest and everyone hears once when the busiest Kafka broker dies mid-rush.

A stack of its own on three KRaft nodes (every topic with three replicas and
``min.insync.replicas=2``, producers ``acks=all`` and idempotent): losing one node must lose
no registration, decide none twice and send no mail twice.  The numbers of each passing run
are appended to ``bench/results/broker-failover-<date>.json`` (measured, asserted nowhere).
Two to five minutes on two cores: ``make chaos`` runs it (CI too), ``make test`` leaves it out."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import json
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
import structlog
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from devstack.stack import ROOT, Stack, StackConfig
from tests.support import eventually

from . import kafka
from .rush import Attendee, all_decided, attendees, register_all, statuses
from .test_resilience import first_decisions, mail_count, mails_per_recipient
from .test_walking_skeleton import DECISIONS, REGISTRATIONS, create_event

log = structlog.get_logger(__name__)
STACK_DIR = ROOT / "test-artifacts" / "failover-stack"
RESULTS = ROOT / "bench" / "results"
PEOPLE, SEATS, IN_FLIGHT = 2000, 300, 100
KILL_AFTER = 500
"""The broker dies once this many people have their registration accepted."""
OUTAGE = 20.0
"""Seconds the broker stays dead: longer than a broker session (9 s), so the controller
fences it, moves its leaderships and shrinks the ISRs to two."""


@pytest.fixture(scope="module")
async def three_brokers(postgres_server: str) -> AsyncIterator[Stack]:
    """Every service on three Kafka nodes with small heaps, beside the session's stack;
    logs stay in test-artifacts/failover-stack/."""
    shutil.rmtree(STACK_DIR, ignore_errors=True)
    config = dataclasses.replace(
        StackConfig.for_tests(STACK_DIR, postgres_server), kafka_nodes=3, kafka_heap="384m"
    )
    stack = Stack(config)
    await stack.start()
    yield stack
    await stack.stop()


async def partitions(bootstrap: str, topic: str) -> dict[int, dict[str, Any]]:
    """Per partition of ``topic`` its leader and in-sync replicas, as the cluster's metadata
    names them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {
        p["partition"]: {"leader": p["leader"], "isr": p["isr"]} for p in described["partitions"]
    }


def registered(people: list[Attendee]) -> int:
    return sum(1 for p in people if p.registration_id)


async def kill_busiest_broker(
    stack: Stack, people: list[Attendee], started: float
) -> dict[str, Any]:
    """Once ``KILL_AFTER`` people are registered, SIGKILL the node that leads the most
    partitions of the registrations topic; restart it ``OUTAGE`` seconds later and wait
    until it is back in every ISR.  Returns what happened, in seconds since ``started``."""

    def since() -> float:
        return round(time.monotonic() - started, 2)

    def enough_registered() -> bool:
        return registered(people) >= KILL_AFTER

    await eventually(
        enough_registered, what=f"{KILL_AFTER} people registered", timeout=300, interval=0.1
    )
    before = await partitions(stack.bootstrap, REGISTRATIONS)
    led = collections.Counter(p["leader"] for p in before.values())
    victim, victim_leads = led.most_common(1)[0]
    stack.kafka.kill(victim)
    killed_at, registered_at_kill = since(), registered(people)
    log.info("broker killed", node=victim, led=victim_leads, at=killed_at)

    during: dict[int, dict[str, Any]] = {}

    async def leaders_moved() -> bool:
        try:
            during.update(await partitions(stack.bootstrap, REGISTRATIONS))
        except KafkaError:  # asked the dead node: its death is not known everywhere yet
            return False
        return all(
            p["leader"] not in (victim, -1) and victim not in p["isr"] for p in during.values()
        )

    await eventually(
        leaders_moved, what=f"every leadership away from node {victim}", timeout=60, interval=0.5
    )
    moved_at = since()
    await asyncio.sleep(max(0.0, killed_at + OUTAGE - since()))  # the outage lasts OUTAGE
    restarted_at = since()
    await stack.kafka.restart(victim)  # until every node lists every node
    answering_at = since()

    async def back_in_every_isr() -> bool:
        try:
            now = await partitions(stack.bootstrap, REGISTRATIONS)
        except KafkaError:
            return False
        return all(victim in p["isr"] for p in now.values())

    await eventually(
        back_in_every_isr, what=f"node {victim} back in every ISR", timeout=120, interval=0.5
    )
    return {
        "node_killed": victim,
        "partitions_led_of_registrations": victim_leads,
        "partitions_of_registrations": len(before),
        "leaders_before": {str(k): p["leader"] for k, p in sorted(before.items())},
        "leaders_during_outage": {str(k): p["leader"] for k, p in sorted(during.items())},
        "registered_when_killed": registered_at_kill,
        "killed_at_s": killed_at,
        "leaders_moved_at_s": moved_at,
        "restarted_at_s": restarted_at,
        "answering_again_at_s": answering_at,
        "back_in_every_isr_at_s": since(),
    }


def record(run: dict[str, Any]) -> None:
    """Append this run to today's result file."""
    path = RESULTS / f"broker-failover-{datetime.now(UTC).date().isoformat()}.json"
    runs = json.loads(path.read_text())["runs"] if path.exists() else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"runs": [*runs, run]}, indent=2) + "\n")


@pytest.mark.chaos
@pytest.mark.timeout(900)
async def test_a_rush_survives_losing_the_busiest_broker(three_brokers: Stack) -> None:
    stack = three_brokers
    event_id = await create_event(stack, capacity=SEATS, title="Fachtag – Brokerausfall")
    people = attendees(PEOPLE, f"failover{uuid4().hex[:6]}")
    started = time.monotonic()
    failover = asyncio.create_task(kill_busiest_broker(stack, people, started))
    try:
        numbers = await rush_with_honest_outcome(stack, event_id, people, started)
        numbers.update(await failover)
    finally:
        failover.cancel()  # after a failed check: no task left behind
    record(
        {
            "date": datetime.now(UTC).isoformat(),
            "kafka": {"nodes": 3, "replication_factor": 3, "min_insync_replicas": 2},
            "people": PEOPLE,
            "seats": SEATS,
            "in_flight": IN_FLIGHT,
            "stack_ready_s": round(stack.ready_seconds["total"], 2),
            **numbers,
        }
    )


async def rush_with_honest_outcome(
    stack: Stack, event_id: str, people: list[Attendee], started: float
) -> dict[str, Any]:
    """The rush through the gateway and the checks of ``test_resilience``: exactly the
    capacity confirmed, everyone else waitlisted, one first decision per registration on
    the decisions topic, one mail per person.  Returns the timings."""
    mails_before = mail_count(stack)
    await register_all(stack.gateway_url, event_id, people, in_flight=IN_FLIGHT)
    rush_s = time.monotonic() - started
    ids = [p.registration_id for p in people]
    assert all(ids) and len(set(ids)) == PEOPLE

    await eventually(
        lambda: all_decided(stack.registration_url, ids),  # type: ignore[arg-type]
        what=f"a decision for all {PEOPLE}",
        timeout=240,
        interval=2,
    )
    decided_s = time.monotonic() - started
    final = await statuses(stack.registration_url, ids)  # type: ignore[arg-type]
    counts = collections.Counter(s["status"] for s in final.values())
    assert counts == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    positions = sorted(
        s["waitlist_position"] for s in final.values() if s["status"] == "waitlisted"
    )  # type: ignore[type-var]
    assert positions == list(range(1, PEOPLE - SEATS + 1))

    wanted = set(ids)
    decisions = first_decisions(
        await kafka.read_until(
            stack.bootstrap,
            DECISIONS,
            lambda rs: len(first_decisions(rs, wanted)) >= PEOPLE,
            timeout=60,
        ),
        wanted,
    )
    assert len(decisions) == PEOPLE, "a registration has no decision on the topic"
    assert all(len(d) == 1 for d in decisions.values()), "a registration was decided twice"

    addresses = {p.email for p in people}

    def all_mailed() -> int:
        sent = mail_count(stack) - mails_before
        assert sent >= PEOPLE, f"{sent} mails"
        return sent

    await eventually(all_mailed, what=f"{PEOPLE} mails", timeout=300, interval=2)  # counts files

    def everyone_mailed() -> bool:
        mailed = len(mails_per_recipient(stack, addresses))
        assert mailed == len(addresses), f"{mailed} people have mail"
        return True

    await eventually(everyone_mailed, what=f"a mail to each of {PEOPLE}", timeout=60, interval=3)
    mailed_s = time.monotonic() - started
    await asyncio.sleep(2)  # a duplicate would show up now
    per_person = mails_per_recipient(stack, addresses)
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}
    return {
        "rush_s": round(rush_s, 2),
        "all_decided_s": round(decided_s, 2),
        "all_mailed_s": round(mailed_s, 2),
        "attendee_retries": sum(p.attempts - 1 for p in people),
        "attendees_who_retried": sum(1 for p in people if p.attempts > 1),
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
    }
