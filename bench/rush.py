"""``make bench``: the Fachtag rush, measured, and the machine's limits beside it.

One event with capacity 300; 2,000 distinct attendees each send one registration through the
gateway's public JSON API at the same moment, with 50 and with 200 requests in flight, a
fresh connection per attendee, no retries; each then polls its status (long polling: the
answer is held until decided).  Then the Praxisforen rush: the same Fachtag with six
parallel forums (60/50/50/50/40/50 seats), each attendee ranking three (forum 1 the first
choice of 40 %); it reports the share of confirmed attendees who got their first choice.
Three runs per setting, medians.  Results: ``bench/results/<date>-kafka-<version>.json``
and a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from devstack.broker import kafka_version
from devstack.demo import fachtag_programme, skewed_ranking
from devstack.net import free_port, wait_until
from devstack.stack import ROOT, Stack, StackConfig

CAPACITY = 300
ATTENDEES = 2000
LONG_POLL = 20
RESULTS = ROOT / "bench" / "results"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def rss_kib(pid: int) -> int:
    """Proportional set size (shared pages split between processes), else RSS."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by each of the stack's processes (and Postgres), by role."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid in [*descendants(os.getpid()), *postgres_pids()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        role = next(
            (
                word
                for word in cmd.split()
                if ".entrypoints." in word or word in ("devstack.smtp_sink",)
            ),
            "postgres" if pid in postgres_pids() else cmd.split()[0],
        )
        role = "kafka" if "kafka.Kafka" in cmd else role.split(":")[0].replace(".entrypoints", "")
        used[role] = used.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return used


def own_cpu_seconds() -> float:
    """CPU time of this process: the load generator (httpx clients, the decision watcher)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def is_broker(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return b"kafka.Kafka" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


class MemorySampler:
    """Peak memory of the stack's processes (and of Postgres, and of the broker on its own)
    sampled every 100 ms."""

    def __init__(self) -> None:
        self.peak_stack_kib = 0
        self.peak_postgres_kib = 0
        self.peak_broker_kib = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        me = os.getpid()
        while True:
            pids = [p for p in descendants(me) if p not in postgres_pids()]
            stack = sum(rss_kib(p) for p in pids)
            pg = sum(rss_kib(p) for p in postgres_pids())
            broker = sum(rss_kib(p) for p in pids if is_broker(p))
            self.peak_stack_kib = max(self.peak_stack_kib, stack)
            self.peak_postgres_kib = max(self.peak_postgres_kib, pg)
            self.peak_broker_kib = max(self.peak_broker_kib, broker)
            await asyncio.sleep(0.1)

    def __enter__(self) -> MemorySampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


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
        await wait_until(lambda: _ok(client, url), what="event in the catalogue", timeout=30)
    return event


async def _ok(client: httpx.AsyncClient, url: str) -> bool:
    return (await client.get(url)).status_code == 200


async def watch_confirmations(
    bootstrap: str, event_id: str, seen: list[float], ranks: list[int | None]
) -> None:
    """Record when each SeatConfirmed of the event arrives on the decisions topic, and the
    rank of the forum it came with (a Fachtag with Praxisforen)."""
    consumer = AIOKafkaConsumer(
        "capacity.decisions.v1",
        bootstrap_servers=bootstrap,
        group_id=None,  # every partition is assigned to this consumer
        auto_offset_reset="earliest",  # from the start: the rush begins while this joins
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        ids: set[str] = set()
        while True:
            for records in (await consumer.getmany(timeout_ms=50)).values():
                for r in records:
                    headers = dict(r.headers)
                    if headers.get("ce_type") != b"quartier.SeatConfirmed.v1":
                        continue
                    body = json.loads(r.value)
                    if body["event_id"] == event_id and body["decision_id"] not in ids:
                        ids.add(body["decision_id"])
                        seen.append(time.perf_counter())
                        ranks.extend(place["rank"] for place in body.get("sessions", []))
    finally:
        await consumer.stop()


async def one_run(stack: Stack, in_flight: int, *, forums: bool = False) -> dict[str, Any]:
    event = await create_event(stack, forums=forums)
    event_id = event["event_id"]
    rng = random.Random(in_flight)
    choices: list[dict[str, list[str]]] = [{} for _ in range(ATTENDEES)]
    for slot in event["programme"]:
        if slot["sessions"]:
            sessions = [s["session_id"] for s in slot["sessions"]]
            for wish in choices:
                wish[slot["slot_id"]] = skewed_ranking(rng, sessions)
    url = f"{stack.gateway_url}/api/v1/events/{event_id}/registrations"
    confirmations: list[float] = []
    ranks: list[int | None] = []
    watcher = asyncio.create_task(
        watch_confirmations(stack.bootstrap, event_id, confirmations, ranks)
    )
    await asyncio.sleep(1.0)  # the watcher is reading
    gate = asyncio.Semaphore(in_flight)
    go = asyncio.Event()
    request_latency: list[float] = []
    outcome_latency: list[float] = []
    answered_at: list[float] = []
    outcomes: dict[str, str] = {}
    errors: list[str] = []
    poll_errors: list[int] = []

    # a fresh connection per attendee: no keep-alive, so every request connects anew
    fresh = httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=in_flight, max_keepalive_connections=0)
    )
    poller = httpx.AsyncClient(timeout=LONG_POLL + 10, limits=httpx.Limits(max_connections=None))

    async def attendee(i: int) -> None:
        await go.wait()
        async with gate:
            sent = time.perf_counter()
            try:
                answer = await fresh.post(
                    url,
                    json={
                        "name": f"Teilnehmer {i}",
                        "email": f"bench{i}.{event_id[:8]}@example.org",
                        "organisation": "Gemeinde",
                        "privacy_consent": True,
                        **({"choices": choices[i]} if choices[i] else {}),
                    },
                )
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                return
            done = time.perf_counter()
        request_latency.append(done - sent)
        answered_at.append(done)
        if answer.status_code != 202:
            errors.append(str(answer.status_code))
            return
        status_url = f"{stack.gateway_url}/api/v1/registrations/{answer.json()['registration_id']}"
        while True:  # long polling: the answer comes when the decision is there
            try:
                answer = await poller.get(status_url, params={"wait": LONG_POLL})
            except httpx.TransportError:
                poll_errors.append(1)
                continue
            if answer.status_code != 200:
                poll_errors.append(answer.status_code)
                await asyncio.sleep(0.5)
                continue
            status = answer.json()["status"]
            if status != "pending":
                outcome_latency.append(time.perf_counter() - sent)
                outcomes[str(i)] = status
                return

    tasks = [asyncio.create_task(attendee(i)) for i in range(ATTENDEES)]
    await asyncio.sleep(0.5)
    cpu_before, own_before = cpu_seconds(), own_cpu_seconds()
    start = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    all_outcomes = time.perf_counter() - start
    cpu_after, own_after = cpu_seconds(), own_cpu_seconds()
    await fresh.aclose()
    await poller.aclose()
    await asyncio.sleep(0.5)
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    confirmed = sorted(confirmations)
    return {
        "in_flight": in_flight,
        "forums": forums,
        "first_choice_share": ranks.count(1) / len(ranks) if ranks else None,
        "seat_300_confirmed_s": (confirmed[CAPACITY - 1] - start)
        if len(confirmed) >= CAPACITY
        else None,
        "all_outcomes_s": all_outcomes,
        "http_answers_per_s": len(answered_at) / (max(answered_at) - start) if answered_at else 0,
        "request_latency_ms": {
            q: 1000 * pct(request_latency, v)
            for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "outcome_latency_ms": {
            q: 1000 * pct(outcome_latency, v)
            for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "confirmed": sum(1 for s in outcomes.values() if s == "confirmed"),
        "waitlisted": sum(1 for s in outcomes.values() if s == "waitlisted"),
        "overbooked": max(0, sum(1 for s in outcomes.values() if s == "confirmed") - CAPACITY),
        "errors": len(errors),
        "poll_errors": len(poll_errors),
        "load_generator_cpu_s": round(own_after - own_before, 2),
        "cpu_s_by_process": {
            role: round(cpu_after[role] - cpu_before.get(role, 0.0), 2)
            for role in sorted(cpu_after, key=lambda r: cpu_before.get(r, 0) - cpu_after[r])
        },
    }


# --- the machine's limits -----------------------------------------------------------


async def postgres_commits_per_s(dsn: str, seconds: int = 5) -> dict[str, float]:
    """pgbench: single-row INSERT commits per second, 1 and 8 clients."""
    pgbench = shutil.which("pgbench") or next(
        (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pgbench")), None
    )
    if pgbench is None:
        return {}
    import asyncpg

    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE TABLE IF NOT EXISTS bench_commit (id bigserial, v int)")
    await conn.close()
    script = Path(tempfile.mkdtemp()) / "insert.sql"
    script.write_text("INSERT INTO bench_commit (v) VALUES (1);\n")
    result = {}
    for clients in (1, 8):
        out = subprocess.run(
            [
                pgbench,
                "-n",
                "-f",
                str(script),
                "-c",
                str(clients),
                "-j",
                str(min(clients, 2)),
                "-T",
                str(seconds),
                dsn,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        tps = next(line for line in out.splitlines() if line.startswith("tps"))
        result[f"clients_{clients}"] = float(tps.split("=")[1].split()[0])
    conn = await asyncpg.connect(dsn)
    await conn.execute("DROP TABLE bench_commit")
    await conn.close()
    return result


async def broker_produce_per_s(bootstrap: str, n: int = 100_000) -> float:
    """200-byte records to a topic of 8 partitions, acks=all, idempotent (as the platform's
    producers are)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("bench.produce", 8, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    value = b"x" * 200
    try:
        start = time.perf_counter()
        batch = []
        for i in range(n):
            batch.append(await producer.send("bench.produce", value, key=str(i % 64).encode()))
            if len(batch) >= 5000:
                await asyncio.gather(*batch)
                batch.clear()
        await asyncio.gather(*batch)
        return n / (time.perf_counter() - start)
    finally:
        await producer.stop()


BARE_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})
"""


async def bare_uvicorn_per_s(requests: int = 4000, in_flight: int = 50) -> float:
    """Requests per second of a bare uvicorn endpoint, same load generator and fresh
    connection per request as the rush."""
    folder = Path(tempfile.mkdtemp())
    (folder / "bare.py").write_text(BARE_APP)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bare:app",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=folder,
    )
    try:
        async with httpx.AsyncClient() as client:
            await wait_until(
                lambda: _ok(client, f"http://127.0.0.1:{port}/"), what="bare", timeout=20
            )
        gate = asyncio.Semaphore(in_flight)
        limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=0)
        async with httpx.AsyncClient(limits=limits) as fresh:

            async def one() -> None:
                async with gate:
                    (await fresh.get(f"http://127.0.0.1:{port}/")).raise_for_status()

            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(requests)))
            return requests / (time.perf_counter() - start)
    finally:
        proc.terminate()
        proc.wait()


@contextlib.asynccontextmanager
async def running_stack(data: Path, database_url: str) -> AsyncIterator[Stack]:
    config = StackConfig.for_tests(data, database_url)
    stack = Stack(config)
    await stack.start()
    try:
        yield stack
    finally:
        await stack.stop()


def table(summary: dict[str, Any]) -> str:
    rows = [
        (
            "setting",
            "300th seat s",
            "all outcomes s",
            "HTTP/s",
            "req p50/p95/p99 ms",
            "outcome p50/p95/p99 ms",
            "confirmed/cap",
            "errors",
        )
    ]
    for r in summary["rush"] + summary.get("forum_rush", []):
        forums = f", forums (1st choice {r['first_choice_share']:.0%})" if r.get("forums") else ""
        rows.append(
            (
                f"{r['in_flight']} in flight{forums}",
                f"{r['seat_300_confirmed_s']:.2f}",
                f"{r['all_outcomes_s']:.2f}",
                f"{r['http_answers_per_s']:.0f}",
                "/".join(f"{r['request_latency_ms'][q]:.0f}" for q in ("p50", "p95", "p99")),
                "/".join(f"{r['outcome_latency_ms'][q]:.0f}" for q in ("p50", "p95", "p99")),
                f"{r['confirmed']}/{CAPACITY}",
                str(r["errors"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    m = summary["machine"]
    lines += [
        "",
        f"peak memory: stack {summary['peak_stack_mib']:.0f} MiB (PSS), "
        f"Postgres {summary['peak_postgres_mib']:.0f} MiB (PSS), "
        f"of the stack the broker {summary['peak_broker_mib']:.0f} MiB",
        f"machine: Postgres single-row commits/s {m['postgres_commits_per_s']}, "
        f"broker produce msg/s {m['broker_produce_per_s']:.0f}, "
        f"bare uvicorn req/s {m['bare_uvicorn_per_s']:.0f}",
    ]
    return "\n".join(lines)


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str, sub: str | None = None) -> float:
        values = [r[key][sub] if sub else r[key] for r in runs]
        return statistics.median(v for v in values if v is not None)

    shares = [r["first_choice_share"] for r in runs if r.get("first_choice_share") is not None]
    return {
        "in_flight": runs[0]["in_flight"],
        "forums": runs[0].get("forums", False),
        "first_choice_share": statistics.median(shares) if shares else None,
        "runs": len(runs),
        "seat_300_confirmed_s": med("seat_300_confirmed_s"),
        "all_outcomes_s": med("all_outcomes_s"),
        "http_answers_per_s": med("http_answers_per_s"),
        "request_latency_ms": {q: med("request_latency_ms", q) for q in ("p50", "p95", "p99")},
        "outcome_latency_ms": {q: med("outcome_latency_ms", q) for q in ("p50", "p95", "p99")},
        "confirmed": max(r["confirmed"] for r in runs),
        "waitlisted": min(r["waitlisted"] for r in runs),
        "overbooked": max(r["overbooked"] for r in runs),
        "errors": max(r["errors"] for r in runs),
        "all_runs": runs,
    }


def raise_file_limit() -> None:
    """2,000 attendees holding a connection each need more than the usual 1,024 files (the
    stack's processes inherit the limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def rushes(stack: Stack, runs: int, in_flight: int, *, forums: bool) -> dict[str, Any]:
    results = []
    for run in range(runs):
        result = await one_run(stack, in_flight, forums=forums)
        label = "forum rush" if forums else "rush"
        sys.stderr.write(f"{label}, {in_flight} in flight, run {run + 1}: {json.dumps(result)}\n")
        results.append(result)
    return median_of(results)


async def main(runs: int, settings: list[int], forum_settings: list[int]) -> dict[str, Any]:
    raise_file_limit()
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    data = Path(tempfile.mkdtemp(prefix="quartier-bench-"))
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(),
        "rush": [],
        "forum_rush": [],
    }
    try:
        async with running_stack(data, database_url) as stack:
            with MemorySampler() as memory:
                for in_flight in settings:
                    summary["rush"].append(await rushes(stack, runs, in_flight, forums=False))
                for in_flight in forum_settings:
                    summary["forum_rush"].append(await rushes(stack, runs, in_flight, forums=True))
            summary["peak_stack_mib"] = memory.peak_stack_kib / 1024
            summary["peak_postgres_mib"] = memory.peak_postgres_kib / 1024
            summary["peak_broker_mib"] = memory.peak_broker_kib / 1024
            summary["broker"] = f"Apache Kafka {kafka_version()}"
            summary["stack_ready_s"] = stack.ready_seconds
            summary["machine"] = {
                "postgres_commits_per_s": await postgres_commits_per_s(stack.server_dsn),
                "broker_produce_per_s": await broker_produce_per_s(stack.bootstrap),
                "bare_uvicorn_per_s": await bare_uvicorn_per_s(),
            }
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-flight", type=int, nargs="*", default=[50, 200])
    parser.add_argument(
        "--forums-in-flight",
        type=int,
        nargs="*",
        default=[50],
        help="the Praxisforen rush (six forums ranked), at these settings",
    )
    parser.add_argument("--label", default="", help="appended to the result file's name")
    args = parser.parse_args()
    result = asyncio.run(main(args.runs, args.in_flight, args.forums_in_flight))
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    out = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-kafka-{kafka_version()}{label}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nresults: {out.relative_to(ROOT)}")
