"""Seats stay honest in a rush and through crashes, and mail survives an SMTP outage."""

from __future__ import annotations

import asyncio
import collections
import random
from email.utils import parseaddr
from uuid import uuid4

import structlog

from devstack.smtp_sink import read_mails
from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .rush import all_decided, attendees, register_all, statuses
from .test_walking_skeleton import DECISIONS, create_event

log = structlog.get_logger(__name__)
FIRST_DECISIONS = (
    "quartier.SeatConfirmed.v1",
    "quartier.Waitlisted.v1",
    "quartier.RegistrationRejected.v1",
)


def mail_count(stack: Stack) -> int:
    return sum(1 for _ in stack.mail_dir.glob("*.eml"))


def mails_per_recipient(stack: Stack, addresses: set[str]) -> collections.Counter[str]:
    return collections.Counter(
        to
        for to in (parseaddr(str(m["To"]))[1] for m in read_mails(stack.mail_dir))
        if to in addresses
    )


def first_decisions(records: list[kafka.Record], wanted: set[str]) -> dict[str, set[str]]:
    """The decision ids of the first decisions (confirmed, waitlisted, rejected) on the
    decisions topic, per registration in ``wanted``: one each if none was decided twice."""
    seen: dict[str, set[str]] = collections.defaultdict(set)
    for r in records:
        if r.type in FIRST_DECISIONS and r.json()["registration_id"] in wanted:
            seen[str(r.json()["registration_id"])].add(str(r.json()["decision_id"]))
    return seen


async def crash_and_restart(stack: Stack, rng: random.Random, stop: asyncio.Event) -> list[str]:
    """SIGKILL a capacity worker and the registration service at random moments during the
    rush, restarting each after a moment; returns what was done."""
    done: list[str] = []
    victims = [
        ("capacity-worker-1",),
        ("registration-http", "registration-stream"),
        ("capacity-worker-2",),
        ("registration-http",),
    ]
    for names in victims:
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        for name in names:
            stack.kill(name)
        done.append("killed " + "+".join(names))
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        for name in names:
            stack.restart(name)
        if stop.is_set():
            break
    await stack.wait_ready(*(name for names in victims for name in names))
    return done


async def test_a_rush_with_crashes_books_exactly_the_capacity(stack: Stack) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    event_id = await create_event(stack, capacity=300, title="Fachtag – Ansturm")
    people = attendees(2000, f"rush{uuid4().hex[:6]}")
    mails_before = mail_count(stack)
    stop = asyncio.Event()
    chaos = asyncio.create_task(crash_and_restart(stack, rng, stop))
    await register_all(stack.gateway_url, event_id, people, in_flight=100)
    stop.set()
    crashes = await chaos
    log.info("rush done", seed=seed, crashes=crashes, retries=sum(p.attempts - 1 for p in people))
    ids = [p.registration_id for p in people]
    assert all(ids) and len(set(ids)) == 2000

    await eventually(
        lambda: all_decided(stack.registration_url, ids),  # type: ignore[arg-type]
        what="a decision for all 2,000",
        timeout=180,
        interval=2,
    )
    final = await statuses(stack.registration_url, ids)  # type: ignore[arg-type]
    counts = collections.Counter(s["status"] for s in final.values())
    assert counts == {"confirmed": 300, "waitlisted": 1700}, (seed, crashes)
    positions = sorted(
        s["waitlist_position"] for s in final.values() if s["status"] == "waitlisted"
    )  # type: ignore[type-var]
    assert positions == list(range(1, 1701))

    wanted = set(ids)
    decisions = first_decisions(
        await kafka.read_until(
            stack.bootstrap,
            DECISIONS,
            lambda rs: len(first_decisions(rs, wanted)) >= 2000,
            timeout=60,
        ),
        wanted,
    )
    assert all(len(d) == 1 for d in decisions.values()), "a registration was decided twice"

    addresses = {p.email for p in people}

    def all_mailed() -> int:
        sent = mail_count(stack) - mails_before
        assert sent >= 2000, f"{sent} mails"
        return sent

    await eventually(all_mailed, what="2,000 mails", timeout=240, interval=2)  # counts files

    def everyone_mailed() -> bool:  # late mails of earlier tests count above
        mailed = len(mails_per_recipient(stack, addresses))
        assert mailed == len(addresses), f"{mailed} people have mail"
        return True

    await eventually(everyone_mailed, what="a mail to each of the 2,000", timeout=60, interval=3)
    await asyncio.sleep(2)  # a duplicate would show up now
    per_person = mails_per_recipient(stack, addresses)
    assert len(per_person) == 2000 and set(per_person.values()) == {1}, (seed, crashes)


async def test_mail_waits_out_an_smtp_outage_and_is_sent_once(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=40, title="Werkstattgespräch – Ausfall")
    people = attendees(60, f"smtp{uuid4().hex[:6]}")
    stack.stop_service("smtp")
    try:
        await register_all(stack.gateway_url, event_id, people, in_flight=20)
        ids = [p.registration_id for p in people]

        await eventually(
            lambda: all_decided(stack.registration_url, ids),  # type: ignore[arg-type]
            what="a decision for all 60",
            timeout=60,
            interval=1,
        )
        # the SMTP server stays down for 20 s: several retries at the 5 s backoff cap
        await asyncio.sleep(20)
        assert mails_per_recipient(stack, {p.email for p in people}) == {}
    finally:
        stack.start_smtp()
    addresses = {p.email for p in people}

    def all_mailed() -> int:
        sent = sum(mails_per_recipient(stack, addresses).values())
        assert sent >= 60, f"{sent} mails"
        return sent

    await eventually(all_mailed, what="60 mails after the outage", timeout=120, interval=2)
    await asyncio.sleep(2)
    assert set(mails_per_recipient(stack, addresses).values()) == {1}
