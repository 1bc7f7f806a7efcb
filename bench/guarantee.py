"""Faust's ``exactly_once`` against ``at_least_once``, measured on a real Apache Kafka broker.

``.venv/bin/python bench/guarantee.py`` starts its own one-node KRaft broker on free ports in
a temporary folder and, for each processing guarantee, a Faust worker (a subprocess, our
``servicekit.stream.App``: idempotent producer, ``acks=all``, commit every 0.5 s)
whose one agent forwards each record of an 8-partition input topic to the same partition of
an 8-partition output topic.  A ``read_committed`` reader in this process notes when each
record becomes visible on the output.  Three workers, one after the other (``VARIANTS``):
``at_least_once``; ``exactly_once`` as Faust ships it (the agent calls ``topic.send``); and
``exactly_once_in_txn``, the same with the record sent through the transactional producer of
its input partition, what exactly_once needs to mean anything.  Per worker:

* throughput: N records produced in one burst, first send to last record visible;
* latency: records produced at a steady rate, send to visible (p50/p99);
* CPU seconds of the worker (and of the broker) for the burst;
* a crash: the worker is SIGKILLed mid-stream and started again; the output is then read
  from the start, ``read_committed`` and ``read_uncommitted``, and copies are counted; the
  broker's log of the output (``kafka.tools.DumpLogSegments``) shows how many record batches
  are inside transactions and how many transactions were committed and aborted.

Results: ``bench/results/guarantee-<date>.json`` and a table.  ``worker`` is the subprocess.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiokafka
import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.protocol import transaction

from devstack.broker import ROOT, KafkaCluster, kafka_lib, kafka_version
from devstack.net import NotReady
from devstack.procs import Proc, spawn

RESULTS = ROOT / "bench" / "results"
PARTITIONS = 8
COMMIT_INTERVAL = 0.5  # what servicekit.stream.create_app uses
SESSION_TIMEOUT = 3.0  # the tests' setting: a killed worker's partitions move after 3 s
IN_TXN = "exactly_once_in_txn"
VARIANTS = {
    "at_least_once": "processing_guarantee=at_least_once; the agent calls topic.send",
    "exactly_once": "processing_guarantee=exactly_once; the agent calls topic.send",
    IN_TXN: "processing_guarantee=exactly_once; the agent sends through the transactional "
    "producer of the record's input partition (the one that commits that partition's offset)",
}
GUARANTEES = tuple(VARIANTS)
TXN_APIS = {
    "InitProducerId": transaction.InitProducerIdRequest,
    "AddPartitionsToTxn": transaction.AddPartitionsToTxnRequest,
    "AddOffsetsToTxn": transaction.AddOffsetsToTxnRequest,
    "EndTxn": transaction.EndTxnRequest,
    "TxnOffsetCommit": transaction.TxnOffsetCommitRequest,
}


class WorkerFailed(RuntimeError):
    """The worker died or stopped forwarding; the message carries its log's tail."""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(1000 * pct(values, 0.5), 1),
        "p99": round(1000 * pct(values, 0.99), 1),
        "max": round(1000 * max(values), 1) if values else float("nan"),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the worker (a subprocess) ------------------------------------------------------


def raw_topic(app: faust.App, name: str) -> faust.TopicT:
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=PARTITIONS,
        internal=False,
    )


def run_worker(args: argparse.Namespace) -> None:
    """A Faust worker that forwards every record of ``source`` to ``sink``, same partition,
    and touches ``ready`` once it has partitions (and, for exactly_once, its transactions)."""
    from servicekit.stream import App

    app = App(
        args.app_id,
        broker=f"kafka://{args.bootstrap}",
        processing_guarantee=args.guarantee.removesuffix("_in_txn"),
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=SESSION_TIMEOUT,
        broker_heartbeat_interval=0.5,
        broker_commit_interval=COMMIT_INTERVAL,
        topic_disable_leader=True,
        topic_allow_declare=False,
        producer_acks=-1,
        web_enabled=False,
        datadir=args.datadir,
    )
    source, sink = raw_topic(app, args.source), raw_topic(app, args.sink)
    ready = Path(args.ready)
    Path(args.datadir).mkdir(parents=True, exist_ok=True)

    async def forward(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await sink.send(key=event.key, value=event.value, partition=event.message.partition)

    async def forward_in_transaction(stream: faust.StreamT[bytes]) -> None:
        # Faust's TransactionManager.send picks the transactional producer by the partition
        # of the *output* topic as the consumer's metadata knows it; the consumer knows only
        # the topics it reads, so for any other topic it finds none and sends the record
        # outside every transaction (faust-streaming#177).  Here the record goes through the
        # producer whose transaction also commits the input partition's offset.
        producer = app.producer
        async for event in stream.events():
            message = event.message
            group = app.assignor.group_for_topic(message.topic)
            await producer.send(
                sink.get_topic_name(),
                message.key,
                message.value,
                message.partition,
                None,
                None,
                transactional_id=f"{app.conf.id}-{group}-{message.partition}",
            )

    async def assigned(sender: Any, *sent: Any, signal: Any, **kwargs: Any) -> None:
        if sent and sent[0]:  # the assigned partitions
            ready.write_text(f"{time.time()}\n")

    app.agent(source, name="forward")(
        forward_in_transaction if args.guarantee == IN_TXN else forward
    )
    # mode's handler type uses mypy_extensions argument kinds that no def can spell
    app.on_partitions_assigned.connect(assigned)  # type: ignore[arg-type]
    faust.Worker(app, loglevel=args.loglevel, workdir=args.datadir).execute_from_commandline()


# --- the bench ----------------------------------------------------------------------


async def poll(done: Callable[[], bool], worker: Worker, *, what: str, timeout: float) -> None:
    """Until ``done()``; fails at once when the worker has died, else after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not done():
        worker.check()
        if time.monotonic() > deadline:
            raise WorkerFailed(f"{what}: not after {timeout:.0f} s\n{worker.log_tail()}")
        await asyncio.sleep(0.01)


@dataclass
class Reader:
    """Everything on ``topic`` as a read_committed consumer sees it, live, with the moment
    each record first became visible."""

    bootstrap: str
    topic: str
    first_seen: dict[int, float] = field(default_factory=dict)
    copies: collections.Counter[int] = field(default_factory=collections.Counter)
    _visible: dict[range, int] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    async def _run(self, ready: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            consumer.assign([TopicPartition(self.topic, p) for p in range(PARTITIONS)])
            await consumer.seek_to_beginning()
            ready.set()
            while True:
                batches = await consumer.getmany(timeout_ms=20, max_records=5000)
                now = time.perf_counter()
                for records in batches.values():
                    for record in records:
                        seq = int(record.value or b"-1")
                        self.copies[seq] += 1
                        if seq not in self.first_seen:
                            self.first_seen[seq] = now
                            for seqs in self._visible:
                                if seq in seqs:
                                    self._visible[seqs] += 1
        finally:
            await consumer.stop()

    async def start(self) -> None:
        ready = asyncio.Event()
        self._task = asyncio.create_task(self._run(ready))
        await asyncio.wait_for(ready.wait(), 30)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def watch(self, seqs: range) -> None:
        """Count the visible records of ``seqs`` from now on (before any is sent)."""
        self._visible[seqs] = 0

    def seen(self, seqs: range) -> int:
        return self._visible[seqs]

    async def wait_for(self, seqs: range, worker: Worker, timeout: float) -> float:
        """Until every record of ``seqs`` is visible; the moment the last one became so."""
        await poll(
            lambda: self.seen(seqs) == len(seqs),
            worker,
            what=f"records {seqs.start}..{seqs.stop - 1} visible on the output",
            timeout=timeout,
        )
        return max(self.first_seen[s] for s in seqs)


@dataclass
class Worker:
    """The Faust worker subprocess for one guarantee; restartable."""

    bootstrap: str
    guarantee: str
    source: str
    sink: str
    folder: Path
    proc: Proc | None = None
    starts: int = 0

    @property
    def ready_file(self) -> Path:
        return self.folder / "ready"

    async def start(self) -> float:
        """Start the worker; the seconds until it had its partitions."""
        self.ready_file.unlink(missing_ok=True)
        self.starts += 1
        started = time.perf_counter()
        self.proc = spawn(
            f"worker-{self.guarantee}",
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "worker",
                "--bootstrap",
                self.bootstrap,
                "--guarantee",
                self.guarantee,
                "--app-id",
                f"bench-{self.guarantee.replace('_', '-')}",
                "--source",
                self.source,
                "--sink",
                self.sink,
                "--ready",
                str(self.ready_file),
                "--datadir",
                str(self.folder / "data"),
            ],
            log_dir=self.folder,
            cwd=self.folder,
        )
        await poll(self.ready_file.exists, self, what="worker assigned", timeout=60)
        return time.perf_counter() - started

    def check(self) -> None:
        if self.proc is not None and not self.proc.alive():
            raise WorkerFailed(f"the worker exited\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop(timeout=15)

    def log_tail(self) -> str:
        return self.proc.log_tail(60) if self.proc is not None else ""


async def create_topics(bootstrap: str, *names: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, PARTITIONS, 1) for n in names])
    finally:
        await admin.close()


async def produce(
    producer: AIOKafkaProducer,
    topic: str,
    seqs: range,
    sent: dict[int, float],
    rate: float | None = None,
) -> None:
    """Send ``seqs`` (the value is the number), as fast as possible or at ``rate`` per
    second; notes when each was handed to the producer."""
    start = time.perf_counter()
    pending = []
    for i, seq in enumerate(seqs):
        if rate is not None and (due := start + i / rate) > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        sent[seq] = time.perf_counter()
        pending.append(await producer.send(topic, str(seq).encode(), key=str(seq).encode()))
        if len(pending) >= 2000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)


async def read_log(bootstrap: str, topic: str, isolation: str) -> collections.Counter[int]:
    """How often each record is in ``topic`` for a consumer reading from the start."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level=isolation,
    )
    await consumer.start()
    copies: collections.Counter[int] = collections.Counter()
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning()
        end = await consumer.end_offsets(tps)
        deadline = time.monotonic() + 60
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            if time.monotonic() > deadline:
                raise NotReady(f"reading {topic} ({isolation}) did not reach the end")
            for records in (await consumer.getmany(timeout_ms=200, max_records=5000)).values():
                for record in records:
                    copies[int(record.value or b"-1")] += 1
    finally:
        await consumer.stop()
    return copies


def log_batches(log_dirs: Path, topic: str) -> dict[str, int]:
    """What the broker's log of ``topic`` holds, by ``kafka.tools.DumpLogSegments``: record
    batches inside and outside transactions, and the commit and abort markers."""
    files = sorted(str(f) for f in log_dirs.glob(f"{topic}-*/*.log"))
    dump = subprocess.run(
        [
            "java",
            "-Xmx128m",
            "-cp",
            f"{kafka_lib()}/*",
            "kafka.tools.DumpLogSegments",
            "--deep-iteration",
            "--files",
            ",".join(files),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = collections.Counter(
        {"batches_in_transactions": 0, "batches_outside": 0, "commits": 0, "aborts": 0}
    )
    for line in dump.splitlines():
        if line.startswith("baseOffset:") and "isControl: false" in line:
            inside = "isTransactional: true" in line
            found["batches_in_transactions" if inside else "batches_outside"] += 1
        elif "endTxnMarker: COMMIT" in line:
            found["commits"] += 1
        elif "endTxnMarker: ABORT" in line:
            found["aborts"] += 1
    return dict(found)


def copies_in(copies: collections.Counter[int], seqs: range) -> dict[str, int]:
    return {
        "records": len(seqs),
        "missing": sum(1 for s in seqs if copies[s] == 0),
        "duplicates": sum(max(0, copies[s] - 1) for s in seqs),
    }


async def one_guarantee(
    bootstrap: str,
    guarantee: str,
    broker_pid: int,
    log_dirs: Path,
    folder: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    tag = guarantee.replace("_", "-")
    source, sink = f"bench.{tag}.in", f"bench.{tag}.out"
    await create_topics(bootstrap, source, sink)
    folder.mkdir(parents=True, exist_ok=True)
    worker = Worker(bootstrap, guarantee, source, sink, folder)
    reader = Reader(bootstrap, sink)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    sent: dict[int, float] = {}
    warmup = range(0, 1000)
    burst = range(warmup.stop, warmup.stop + args.records)
    steady = range(burst.stop, burst.stop + args.steady_records)
    crash = range(steady.stop, steady.stop + args.crash_records)
    result: dict[str, Any] = {"guarantee": guarantee}
    for seqs in (warmup, burst, steady, crash):
        reader.watch(seqs)
    await producer.start()
    await reader.start()
    try:
        result["worker_ready_s"] = round(await worker.start(), 2)
        await produce(producer, source, warmup, sent)
        await reader.wait_for(warmup, worker, timeout=120)

        # throughput: one burst, first send to last record visible
        await asyncio.sleep(1.0)  # the warm-up's last commit
        cpu_worker, cpu_broker = cpu_seconds(worker.pid), cpu_seconds(broker_pid)
        start = time.perf_counter()
        await produce(producer, source, burst, sent)
        produced = time.perf_counter()
        last = await reader.wait_for(burst, worker, timeout=600)
        elapsed = last - start
        result["burst"] = {
            "records": len(burst),
            "seconds": round(elapsed, 2),
            "records_per_s": round(len(burst) / elapsed),
            "produce_s": round(produced - start, 2),
            "worker_cpu_s": round(cpu_seconds(worker.pid) - cpu_worker, 2),
            "broker_cpu_s": round(cpu_seconds(broker_pid) - cpu_broker, 2),
            "latency_ms": ms([reader.first_seen[s] - sent[s] for s in burst]),
        }

        # latency at a steady rate well below the throughput
        await asyncio.sleep(1.0)
        cpu_worker = cpu_seconds(worker.pid)
        start = time.perf_counter()
        await produce(producer, source, steady, sent, rate=args.rate)
        await reader.wait_for(steady, worker, timeout=120)
        result["steady"] = {
            "records": len(steady),
            "rate_per_s": args.rate,
            "latency_ms": ms([reader.first_seen[s] - sent[s] for s in steady]),
            "worker_cpu_s": round(cpu_seconds(worker.pid) - cpu_worker, 2),
            "seconds": round(time.perf_counter() - start, 2),
        }

        # a crash: SIGKILL once 40 % of the stream is visible, start again at once
        feeding = asyncio.create_task(produce(producer, source, crash, sent, rate=args.crash_rate))
        crash_point = int(0.4 * len(crash))
        await poll(
            lambda: reader.seen(crash) >= crash_point, worker, what="crash point", timeout=120
        )
        visible_at_kill = reader.seen(crash)
        killed = time.perf_counter()
        worker.kill()
        restart_s = await worker.start()
        await feeding
        last = await reader.wait_for(crash, worker, timeout=300)
        after_kill = sorted(t for s in crash if (t := reader.first_seen[s]) > killed)
        gaps = [b - a for a, b in zip([killed, *after_kill], after_kill, strict=False)]
        result["crash"] = {
            "records": len(crash),
            "rate_per_s": args.crash_rate,
            "visible_at_kill": visible_at_kill,
            "restart_to_assigned_s": round(restart_s, 2),
            "kill_to_all_visible_s": round(last - killed, 2),
            "longest_output_gap_s": round(max(gaps, default=0.0), 2),
            "live_read_committed": copies_in(reader.copies, crash),
        }
        committed = await read_log(bootstrap, sink, "read_committed")
        uncommitted = await read_log(bootstrap, sink, "read_uncommitted")
        everything = range(0, crash.stop)
        result["output_read_committed"] = copies_in(committed, everything)
        result["output_read_uncommitted"] = copies_in(uncommitted, everything)
        result["crash"]["read_committed"] = copies_in(committed, crash)
        result["crash"]["read_uncommitted"] = copies_in(uncommitted, crash)
        result["output_log"] = await asyncio.to_thread(log_batches, log_dirs, sink)
        seen = result["output_read_committed"]
        result["ran"] = True
        result["exactly_once_held"] = seen["missing"] == 0 and seen["duplicates"] == 0
    except WorkerFailed as exc:
        result["ran"] = False
        result["error"] = str(exc)[-6000:]
    finally:
        worker.stop()
        await reader.stop()
        await producer.stop()
    return result


async def broker_transaction_apis(bootstrap: str) -> dict[str, dict[str, Any]]:
    """The versions of the transaction requests the broker accepts and aiokafka can send."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    try:
        node = next(iter(client.cluster.brokers())).nodeId
        conn = await client._get_conn(node)
        broker: dict[int, tuple[int, int]] = conn._versions
    finally:
        await client.close()
    found = {}
    for name, request in TXN_APIS.items():
        low, high = broker.get(request.API_KEY, (-1, -1))
        client_versions = [c.API_VERSION for c in request._CLASSES]
        usable = [v for v in client_versions if low <= v <= high]
        found[name] = {
            "broker": [low, high],
            "aiokafka": client_versions,
            "sent": max(usable) if usable else None,
        }
    return found


async def main(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="quartier-guarantee-"))
    cluster = KafkaCluster.on_free_ports(
        folder / "kafka",
        folder / "logs",
        overrides={"group.min.session.timeout.ms": "1000"},
    )
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(),
        "versions": {
            "kafka": kafka_version(),
            "faust_streaming": faust.__version__,
            "aiokafka": aiokafka.__version__,
            "python": platform.python_version(),
        },
        "machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()},
        "settings": {
            "partitions": PARTITIONS,
            "commit_interval_s": COMMIT_INTERVAL,
            "session_timeout_s": SESSION_TIMEOUT,
            "producer": "acks=all, idempotent (worker and load generator)",
            "records": {
                "warm_up": 1000,
                "burst": args.records,
                "steady": args.steady_records,
                "steady_rate_per_s": args.rate,
                "crash": args.crash_records,
                "crash_rate_per_s": args.crash_rate,
                "killed_at": "40 % of the crash records visible",
            },
        },
        "variants": {g: VARIANTS[g] for g in args.guarantees},
        "runs": {},
    }
    try:
        await cluster.start()
        broker_pid = cluster.procs[1].pid
        summary["transaction_apis"] = await broker_transaction_apis(cluster.bootstrap)
        for guarantee in args.guarantees:
            result = await one_guarantee(
                cluster.bootstrap,
                guarantee,
                broker_pid,
                cluster.data_dir / "data",
                folder / guarantee,
                args,
            )
            sys.stderr.write(f"{guarantee}: {json.dumps(result)}\n")
            summary["runs"][guarantee] = result
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    summary["machine"]["load_at_end"] = os.getloadavg()
    return summary


def table(summary: dict[str, Any]) -> str:
    rows = [
        (
            "guarantee",
            "records/s",
            "burst p50/p99 ms",
            "steady p50/p99 ms",
            "worker CPU s",
            "broker CPU s",
            "crash: dup committed/uncommitted",
            "missing",
            "kill->all visible s",
            "output batches in txn/outside",
        )
    ]
    for name, r in summary["runs"].items():
        if "crash" not in r:
            rows.append((name, "failed", *([""] * 8)))
            continue
        b, s, c = r["burst"], r["steady"], r["crash"]
        rows.append(
            (
                name,
                str(b["records_per_s"]),
                f"{b['latency_ms']['p50']:.0f}/{b['latency_ms']['p99']:.0f}",
                f"{s['latency_ms']['p50']:.0f}/{s['latency_ms']['p99']:.0f}",
                f"{b['worker_cpu_s']:.2f}",
                f"{b['broker_cpu_s']:.2f}",
                f"{c['read_committed']['duplicates']}/{c['read_uncommitted']['duplicates']}",
                str(r["output_read_committed"]["missing"]),
                f"{c['kill_to_all_visible_s']:.2f}",
                f"{r['output_log']['batches_in_transactions']}/{r['output_log']['batches_outside']}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000, help="records in the burst")
    parser.add_argument("--steady-records", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=500, help="steady records per second")
    parser.add_argument("--crash-records", type=int, default=8000)
    parser.add_argument("--crash-rate", type=float, default=1000)
    parser.add_argument("--guarantees", nargs="+", choices=GUARANTEES, default=list(GUARANTEES))
    parser.add_argument("--no-save", action="store_true", help="print only, write no results")
    sub = parser.add_subparsers(dest="command")
    worker = sub.add_parser("worker", help="the Faust worker the benchmark starts")
    for name in ("bootstrap", "app-id", "source", "sink", "ready", "datadir"):
        worker.add_argument(f"--{name}", required=True)
    worker.add_argument("--guarantee", choices=GUARANTEES, required=True)
    worker.add_argument("--loglevel", default="warning")
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    if args.command == "worker":
        run_worker(args)
        sys.exit(0)
    summary = asyncio.run(main(args))
    print(table(summary))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"guarantee-{datetime.now(UTC):%Y-%m-%d}.json"
        out.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"\nresults: {out.relative_to(ROOT)}")
    for name, r in summary["runs"].items():
        if not r["ran"]:
            print(f"{name}: FAILED: {r['error'][:2000]}")
            continue
        seen = r["output_read_committed"]
        print(
            f"{name}: {seen['missing']} lost, {seen['duplicates']} duplicates of "
            f"{seen['records']} records (read_committed, after the crash)"
        )
