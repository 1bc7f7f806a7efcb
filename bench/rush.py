"""``make bench`` (``python -m bench.rush``): the Fachtag rush, measured, and the machine's
limits beside it.

One event with capacity 300; 2,000 distinct attendees (``--attendees``) each send one
registration through the gateway's public JSON API at the same moment, with 50 and with 200
requests in flight, a fresh connection per attendee, no retries; each then long-polls its
status until decided.  Then the Praxisforen rush: the same Fachtag with six parallel forums
(60/50/50/50/40/50 seats), each attendee ranking three (forum 1 the first choice of 40 %).
Each run measures on until every attendee's mail is in the SMTP sink's folder.

The attendees are a process of their own (``bench.loadgen``); this one watches: every
``/metrics`` page each second (``bench.timeline``), the decisions topic
(``bench.decisions``), an organiser with the desk's event page open (``bench.desk``).  Three
runs per setting, medians, against issue 11's targets (``bench.report``).  Results:
``bench/results/<date>[-label].json``, one plot per setting beside it
(``<date>[-label]-rush-c50.png``), and the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from bench import report
from bench.decisions import DecisionWatcher
from bench.desk import Desk, create_organiser, desk_cost
from bench.loadgen import ACCEPTED, LoadGenerator
from bench.machine import bare_uvicorn, broker_produce_per_s, postgres_commits_per_s
from bench.processes import cpu_seconds, stack_roles, used_since
from bench.timeline import MailWatcher, Sampler, plot
from devstack.broker import kafka_version
from devstack.demo import fachtag_programme, skewed_ranking
from devstack.net import wait_until
from devstack.stack import ROOT, Stack, StackConfig

CAPACITY = 300
ATTENDEES = 2000
LONG_POLL = 20
RESULTS = ROOT / "bench" / "results"
now = time.monotonic


@dataclass(frozen=True)
class Settings:
    attendees: int
    outcome_timeout: float
    """Seconds from the start after which an attendee still pending counts as lost."""
    mail_timeout: float
    """Seconds after the last outcome to wait for the last mail."""
    idle_cpu_per_s: float = 0.0
    """CPU seconds per second the stack uses with nothing to do (its polling loops)."""


async def create_event(stack: Stack, *, forums: bool = False) -> dict[str, Any]:
    """The benchmark's Fachtag (with ``forums`` the six Praxisforen to rank); its snapshot."""
    start = datetime.now(UTC) + timedelta(days=60)
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{stack.capacity_url}/events",
            headers=stack.internal_headers,
            json={
                "title": f"Fachtag Benchmark {uuid4().hex[:4]}",
                "kind": "fachtag",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=8)).isoformat(),
                "venue": "Hospitalhof",
                "city": "Stuttgart",
                "capacity": CAPACITY,
                "waitlist_enabled": True,
                "programme": fachtag_programme(start) if forums else [],
            },
        )
        answer.raise_for_status()
        event: dict[str, Any] = answer.json()
        url = f"{stack.gateway_url}/api/v1/events/{event['event_id']}"

        async def listed() -> bool:
            return (await client.get(url)).status_code == 200

        await wait_until(listed, what="event in the catalogue", timeout=30)
    return event


def registration(i: int, event_id: str, choices: dict[str, list[str]]) -> dict[str, Any]:
    """What attendee ``i`` sends: ``bench<i>.<event>@example.org`` (the mail watcher finds
    the mail by it), the forums ranked if the event has a choice."""
    return {
        "name": f"Teilnehmer {i}",
        "email": f"bench{i}.{event_id[:8]}@example.org",
        "organisation": "Gemeinde",
        "privacy_consent": True,
        **({"choices": choices} if choices else {}),
    }


def registrations(event: dict[str, Any], attendees: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    slots = [slot for slot in event["programme"] if slot["sessions"]]
    return [
        registration(
            i,
            event["event_id"],
            {
                slot["slot_id"]: skewed_ranking(rng, [s["session_id"] for s in slot["sessions"]])
                for slot in slots
            },
        )
        for i in range(attendees)
    ]


def own_cpu_seconds() -> float:
    """This process: the /metrics scraper, the decisions watcher, the desk client."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def stack_cpu(stack: Stack) -> dict[str, float]:
    return await asyncio.to_thread(lambda: cpu_seconds(stack_roles(stack)))


async def idle_cpu_per_s(stack: Stack, seconds: float = 5.0) -> float:
    """The stack's CPU with nothing to do: Faust's and the broker's loops, the relays."""
    before, started = await stack_cpu(stack), now()
    await asyncio.sleep(seconds)
    return sum(used_since(before, await stack_cpu(stack)).values()) / (now() - started)


def ms(values: list[float]) -> dict[str, float | None]:
    return {
        q: None if (v := report.pct(values, share)) is None else round(1000 * v, 1)
        for q, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
    }


@dataclass
class Observed:
    """What one run saw, before any number is made of it."""

    people: list[dict[str, Any]]
    """Per attendee, from the load generator: sent, answered, http_status, outcome, …"""
    start: float
    outcomes_at: float
    cpu_before: dict[str, float]
    cpu_outcomes: dict[str, float]
    cpu_mails: dict[str, float]
    loadgen_cpu_s: float
    bench_cpu_s: float
    sampler: Sampler
    decisions: DecisionWatcher
    desk: dict[str, Any]


async def observe(
    stack: Stack,
    desk: Desk,
    settings: Settings,
    event_id: str,
    bodies: list[dict[str, Any]],
    in_flight: int,
) -> Observed:
    """One rush: the watchers ready, the attendees started at once, measured until every
    attendee knows the outcome and then until every mail is there."""
    decisions = DecisionWatcher(stack.bootstrap, event_id)
    await decisions.start()
    sampler = Sampler(stack, MailWatcher(stack.mail_dir, event_id[:8]))
    await desk.open(event_id)
    loadgen = LoadGenerator(
        {
            "mode": "rush",
            "url": f"{stack.gateway_url}/api/v1/events/{event_id}/registrations",
            "status_url": f"{stack.gateway_url}/api/v1/registrations",
            "long_poll": LONG_POLL,
            "in_flight": in_flight,
            "deadline_s": settings.outcome_timeout,
            "bodies": bodies,
        }
    )
    await loadgen.start()
    await sampler.start()  # the baseline
    cpu_before, own_before = await stack_cpu(stack), own_cpu_seconds()
    await loadgen.go()
    desk.start_polling()
    await loadgen.done(timeout=settings.outcome_timeout + 60)
    cpu_outcomes, outcomes_at = await stack_cpu(stack), now()
    generated = await loadgen.result()
    decided = {i for i, p in enumerate(generated["attendees"]) if p["outcome"]}
    mail_deadline = outcomes_at + settings.mail_timeout
    while not decided.issubset(sampler.mails.first_mail) and now() < mail_deadline:
        await asyncio.sleep(0.5)
    cpu_mails, own_after = await stack_cpu(stack), own_cpu_seconds()
    await asyncio.sleep(1.0)  # one more point of the timeline after the last mail
    await desk.stop_polling()
    await sampler.stop()
    await decisions.stop()
    return Observed(
        people=generated["attendees"],
        start=generated["started"],
        outcomes_at=outcomes_at,
        cpu_before=cpu_before,
        cpu_outcomes=cpu_outcomes,
        cpu_mails=cpu_mails,
        loadgen_cpu_s=generated["cpu_s"],
        bench_cpu_s=own_after - own_before,
        sampler=sampler,
        decisions=decisions,
        desk=desk.summary(),
    )


def since(start: float, moment: float | None) -> float | None:
    return None if moment is None else round(moment - start, 2)


def numbers(seen: Observed, idle_cpu_per_s: float) -> dict[str, Any]:
    """The run's numbers: the targets' first (``report.TARGETS``), then the details."""
    people, start, decisions = seen.people, seen.start, seen.decisions
    n = len(people)
    known = [p for p in people if p["outcome"]]
    lost = n - len(known)
    outcome_times = [p["outcome_at"] for p in known]
    answered = [p["answered"] for p in people if p["http_status"] in ACCEPTED]
    confirmed = sum(1 for p in people if p["outcome"] == "confirmed")
    first_mail = seen.sampler.mails.first_mail
    mailed = [first_mail[i] for i, p in enumerate(people) if p["outcome"] and i in first_mail]
    every_mail = len(mailed) == len(known)
    to_outcomes = used_since(seen.cpu_before, seen.cpu_outcomes)
    to_mails = used_since(seen.cpu_before, seen.cpu_mails)
    rush_s = seen.outcomes_at - start
    timeline = seen.sampler.timeline(start, outcome_times)
    published = next(
        (
            v
            for t, v in zip(timeline["t"], timeline["outbox_published"], strict=True)
            if t >= rush_s
        ),
        timeline["outbox_published"][-1],
    )
    decision_count = sum(len(ids) for ids in decisions.decisions.values())
    seat = decisions.confirmed_at[CAPACITY - 1] if len(decisions.confirmed_at) >= CAPACITY else None
    return {
        "all_outcomes_s": None if lost else since(start, max(outcome_times)),
        "seat_300_confirmed_s": since(start, seat),
        "outcome_p99_s": None
        if lost
        else round(report.pct([p["outcome_at"] - p["sent"] for p in known], 0.99) or 0.0, 2),
        "cpu_ms_per_registration": round(1000 * sum(to_outcomes.values()) / n, 2),
        "cpu_ms_per_registration_mails": round(1000 * sum(to_mails.values()) / n, 2)
        if every_mail
        else None,
        "all_mails_s": since(start, max(mailed, default=None)) if every_mail else None,
        "peak_memory_mib": seen.sampler.peak_memory_mib()["total"],
        "overbooked": max(0, confirmed - CAPACITY, len(decisions.confirmed_at) - CAPACITY),
        "lost": lost,
        "duplicates": decisions.duplicates()["decided_twice"],
        "cpu_ms_per_registration_above_idle": round(
            1000 * (sum(to_outcomes.values()) - idle_cpu_per_s * rush_s) / n, 2
        ),
        "registrations_per_s": round(len(answered) / (max(answered) - start), 1)
        if answered
        else None,
        "decisions_per_s": round(decision_count / (decisions.last_at - start), 1)
        if decisions.last_at
        else None,
        "published_per_s": round(published / rush_s, 1),
        "load_generator_cpu_s": round(seen.loadgen_cpu_s, 2),
        "bench_cpu_s": round(seen.bench_cpu_s, 2),
        "confirmed": confirmed,
        "waitlisted": sum(1 for p in people if p["outcome"] == "waitlisted"),
        "errors": sum(1 for p in people if p["http_status"] not in ACCEPTED),
        "poll_errors": sum(p["poll_errors"] for p in people),
        "first_choice_share": round(decisions.ranks.count(1) / len(decisions.ranks), 3)
        if decisions.ranks
        else None,
        "request_latency_ms": ms([p["answered"] - p["sent"] for p in people if p["answered"]]),
        "outcome_latency_ms": ms([p["outcome_at"] - p["sent"] for p in known]),
        "mails": seen.sampler.mails.mails,
        "decision_copies": decisions.duplicates(),
        "peak_memory_mib_by_part": seen.sampler.peak_memory_mib(),
        "cpu_s_by_process": {"to_all_outcomes": to_outcomes, "to_all_mails": to_mails},
        "desk": seen.desk,
        "timeline": timeline,
    }


async def one_run(
    stack: Stack, desk: Desk, settings: Settings, in_flight: int, *, forums: bool
) -> dict[str, Any]:
    event = await create_event(stack, forums=forums)
    bodies = registrations(event, settings.attendees, seed=in_flight)
    seen = await observe(stack, desk, settings, event["event_id"], bodies, in_flight)
    return {
        "in_flight": in_flight,
        "forums": forums,
        "attendees": len(bodies),
        **numbers(seen, settings.idle_cpu_per_s),
    }


def run_line(name: str, number: int, r: dict[str, Any]) -> str:
    return (
        f"{name} run {number}: every outcome {r['all_outcomes_s']} s, 300th seat "
        f"{r['seat_300_confirmed_s']} s, p99 {r['outcome_p99_s']} s, every mail "
        f"{r['all_mails_s']} s, {r['cpu_ms_per_registration']} ms CPU/registration, "
        f"lost {r['lost']}, decided twice {r['duplicates']}, errors {r['errors']}\n"
    )


async def setting(
    stack: Stack,
    desk: Desk,
    settings: Settings,
    runs: int,
    in_flight: int,
    *,
    forums: bool,
    stem: str,
) -> dict[str, Any]:
    name = f"{'forums' if forums else 'rush'}-c{in_flight}"
    results = []
    for number in range(1, runs + 1):
        results.append(await one_run(stack, desk, settings, in_flight, forums=forums))
        sys.stderr.write(run_line(name, number, results[-1]))
    summary = report.summarise(name, results)
    shown = results[summary["median_run"] - 1]
    image = RESULTS / f"{stem}-{name}.png"
    plot(
        image,
        f"{'Praxisforen rush' if forums else 'Rush'}: {shown['attendees']} attendees, "
        f"{CAPACITY} seats, {in_flight} in flight (run {summary['median_run']} of {runs})",
        shown["timeline"],
        attendees=shown["attendees"],
        capacity=CAPACITY,
        marks={
            "every outcome known": shown["all_outcomes_s"],
            "every mail delivered": shown["all_mails_s"],
        },
    )
    summary["plot"] = image.name
    return summary


@contextlib.asynccontextmanager
async def running_stack(data: Path, database_url: str) -> AsyncIterator[Stack]:
    stack = Stack(StackConfig.for_tests(data, database_url))
    await stack.start()
    try:
        yield stack
    finally:
        await stack.stop()


def raise_file_limit() -> None:
    """2,000 attendees holding a connection each need more than the usual 1,024 files (the
    stack's processes and the load generator inherit the limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def main(args: argparse.Namespace, stem: str) -> dict[str, Any]:
    raise_file_limit()
    settings = Settings(args.attendees, args.outcome_timeout, args.mail_timeout)
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    data = Path(tempfile.mkdtemp(prefix="quartier-bench-"))
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(),
        "label": args.label,
        "broker": f"Apache Kafka {kafka_version()}",
        "attendees": args.attendees,
        "capacity": CAPACITY,
        "runs": args.runs,
        "targets": {t.key: {"label": t.label, "at_most": t.limit} for t in report.TARGETS},
        "settings": [],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        async with running_stack(data, database_url) as stack:
            desk = await Desk.log_in(stack.gateway_url, *await create_organiser(stack))
            idle = await idle_cpu_per_s(stack)
            summary["stack_idle_cpu_ms_per_s"] = round(1000 * idle, 1)
            settings = dataclasses.replace(settings, idle_cpu_per_s=idle)
            try:
                for forums, in_flights in ((False, args.in_flight), (True, args.forums_in_flight)):
                    for in_flight in in_flights:
                        summary["settings"].append(
                            await setting(
                                stack,
                                desk,
                                settings,
                                args.runs,
                                in_flight,
                                forums=forums,
                                stem=stem,
                            )
                        )
                if summary["settings"]:
                    summary["desk_cost"] = await desk_cost(stack, desk)
            finally:
                await desk.close()
            summary["stack_ready_s"] = stack.ready_seconds
            bare = await bare_uvicorn(registration(0, str(uuid4()), {}))
            summary["machine"] = {
                "bare_uvicorn_per_s": round(bare["per_s"], 1),
                "bare_uvicorn": bare,
                "postgres_commits_per_s": await postgres_commits_per_s(stack.server_dsn),
                "broker_produce_per_s": round(await broker_produce_per_s(stack.bootstrap), 1),
            }
    finally:
        shutil.rmtree(data, ignore_errors=True)
    for s in summary["settings"]:
        s["vs_machine"] = report.against_machine(s, summary["machine"])
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--attendees", type=int, default=ATTENDEES)
    parser.add_argument("--in-flight", type=int, nargs="*", default=[50, 200])
    parser.add_argument(
        "--forums-in-flight",
        type=int,
        nargs="*",
        default=[50],
        help="the Praxisforen rush (six forums ranked), at these settings",
    )
    parser.add_argument(
        "--outcome-timeout", type=float, default=600, help="s; a pending attendee is then lost"
    )
    parser.add_argument("--mail-timeout", type=float, default=600, help="s after the last outcome")
    parser.add_argument("--label", default="", help="appended to the result file's name")
    args = parser.parse_args()
    stem = f"{datetime.now(UTC):%Y-%m-%d}" + (f"-{args.label}" if args.label else "")
    result = asyncio.run(main(args, stem))
    out = RESULTS / f"{stem}.json"
    out.write_text(report.to_json(result))
    print(report.table(result))
    plots = ", ".join(s["plot"] for s in result["settings"])
    print(f"\nresults: {out.relative_to(ROOT)}; plots beside it: {plots}")
