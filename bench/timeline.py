"""What the stack does during a rush, second by second: every process's ``/metrics``, the
stack's CPU and memory from /proc, the mails in the SMTP sink's folder; and its plot.

Every second the :class:`Sampler` scrapes all processes at once (the HTTP apps on their
port, the Faust workers on their health port: where ``Stack`` waits for ``/readyz``) and
reads the metrics the timeline shows with prometheus-client's text parser; a process that
does not answer within 2 s keeps its last values (counted in ``scrape_failures``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.processes import KAFKA, POSTGRES, cpu_seconds, memory_kib_by_role, stack_roles
from devstack.stack import Stack

now = time.monotonic
WANTED = (
    "quartier_registrations_accepted",
    "quartier_decisions",
    "quartier_mails_queued",
    "quartier_mails_sent",
    "quartier_mails_failed",
    "quartier_outbox_waiting",
    "quartier_outbox_published",
    "quartier_consumer_lag",
)
Sample = tuple[str, dict[str, str], float]


def metrics_urls(stack: Stack) -> dict[str, str]:
    """Every process's ``/metrics``, by the name ``Stack`` gives it."""
    return {spec.name: spec.ready_url.replace("/readyz", "/metrics") for spec in stack.services()}


def parse(text: str) -> list[Sample]:
    """The samples of the metrics the timeline needs (the rest of the page is left out
    before parsing: histograms of every route cost the parser more than the bench needs)."""

    def wanted(line: str) -> bool:
        if line.startswith("#"):
            parts = line.split(" ", 3)
            return len(parts) > 2 and parts[2].startswith(WANTED)
        return line.startswith(WANTED)

    kept = "\n".join(line for line in text.splitlines() if wanted(line)) + "\n"
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(kept)
        for s in family.samples
    ]


def total(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(
        v for n, ls, v in samples if n == name and all(ls.get(k) == x for k, x in labels.items())
    )


def by_label(
    samples: list[Sample], name: str, label: str, *, largest: bool = False
) -> dict[str, float]:
    """``name`` summed (or, ``largest``, the largest value) per value of ``label``."""
    out: dict[str, float] = {}
    for n, ls, v in samples:
        if n == name:
            key = ls.get(label, "")
            out[key] = max(out.get(key, v), v) if largest else out.get(key, 0.0) + v
    return out


@dataclass
class Point:
    at: float
    samples: list[Sample]
    cpu_s: dict[str, float]
    memory_kib: dict[str, int]


class MailWatcher:
    """Which attendees got a mail: the SMTP sink's ``.eml`` files addressed to
    ``bench<i>.<tag>@example.org``, with the time each was written (its mtime)."""

    def __init__(self, folder: Path, tag: str) -> None:
        self.folder = folder
        self.pattern = re.compile(rb"bench(\d+)\." + re.escape(tag.encode()) + rb"@example\.org")
        self.seen: set[str] = set(self._names())
        self.first_mail: dict[int, float] = {}
        self.mails = 0

    def _names(self) -> Iterator[str]:
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.folder):
                if entry.name.endswith(".eml"):
                    yield entry.name

    def scan(self) -> None:
        """Read the new files (in a thread: ``first_mail`` is replaced, never changed, so
        the event loop may read it meanwhile)."""
        offset = time.time() - now()  # the files' wall-clock times onto the monotonic clock
        first = dict(self.first_mail)
        for name in list(self._names()):
            if name in self.seen:
                continue
            self.seen.add(name)
            path = self.folder / name
            try:
                found = self.pattern.search(path.read_bytes())
                written = path.stat().st_mtime - offset
            except OSError:
                continue
            if found:
                self.mails += 1
                attendee = int(found.group(1))
                first[attendee] = min(first.get(attendee, written), written)
        self.first_mail = first


@dataclass
class Sampler:
    """Every ``interval`` seconds, on a fixed beat: all ``/metrics`` pages, CPU seconds per
    role of the stack (memory every third beat), the mail folder.  A page not there within
    ``patience`` is awaited on in the background; the point takes that process's last
    values (``scrapes_late``), so a busy process does not stretch the beat."""

    stack: Stack
    mails: MailWatcher
    interval: float = 1.0
    patience: float = 0.7
    points: list[Point] = field(default_factory=list)
    scrape_failures: int = 0
    scrapes_late: int = 0
    _last: dict[str, list[Sample]] = field(default_factory=dict)
    _scrapes: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _roles: dict[int, str] = field(default_factory=dict)
    _memory: dict[str, int] = field(default_factory=dict)
    _reads: int = 0
    _client: httpx.AsyncClient | None = None
    _task: asyncio.Task[None] | None = None

    async def _scrape(self, client: httpx.AsyncClient, name: str, url: str) -> None:
        try:
            answer = await client.get(url)
            answer.raise_for_status()
            self._last[name] = parse(answer.text)
        except (httpx.HTTPError, ValueError):
            self.scrape_failures += 1

    def _read_procs(self) -> tuple[dict[str, float], dict[str, int]]:
        if self._reads % 5 == 0:  # who is who changes seldom (Postgres backends)
            self._roles = stack_roles(self.stack)
        if self._reads % 3 == 0:  # the broker's PSS costs the kernel ~20 ms to add up
            self._memory = memory_kib_by_role(self._roles)
        self._reads += 1
        self.mails.scan()
        return cpu_seconds(self._roles), self._memory

    async def _point(self, at: float, patience: float | None) -> None:
        assert self._client is not None
        urls = metrics_urls(self.stack)
        for name, url in urls.items():
            if name not in self._scrapes or self._scrapes[name].done():
                self._scrapes[name] = asyncio.create_task(self._scrape(self._client, name, url))
        _, late = await asyncio.wait(self._scrapes.values(), timeout=patience)
        self.scrapes_late += len(late)
        cpu, memory = await asyncio.to_thread(self._read_procs)
        samples = [s for name in urls for s in self._last.get(name, [])]
        self.points.append(Point(at, samples, cpu, memory))

    async def _run(self) -> None:
        beat = now()
        while True:
            beat = max(beat + self.interval, now())
            await asyncio.sleep(beat - now())
            await self._point(beat, self.patience)

    async def start(self) -> None:
        """The first point (the baseline, every page answered) is taken before this returns."""
        self._client = httpx.AsyncClient(timeout=2)
        await self._point(now(), None)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._scrapes.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def peak_memory_mib(self) -> dict[str, float]:
        """The largest sum over the whole stack seen at one moment, and each part's own
        peak: the services' processes, the broker, Postgres."""

        def part(point: Point, roles: str) -> int:
            kib = point.memory_kib
            if roles == "broker":
                return kib.get(KAFKA, 0)
            if roles == "postgres":
                return kib.get(POSTGRES, 0)
            if roles == "services":
                return sum(v for r, v in kib.items() if r not in (KAFKA, POSTGRES))
            return sum(kib.values())

        return {
            roles: round(max((part(p, roles) for p in self.points), default=0) / 1024, 1)
            for roles in ("total", "services", "broker", "postgres")
        }

    def timeline(self, start: float, outcome_times: list[float]) -> dict[str, Any]:
        """The points as columns, times in seconds from ``start`` (the first, negative, is
        the baseline before the rush), counters as what was added since the baseline."""
        points = self.points
        base = points[0].samples
        ts = [p.at for p in points]

        def counter(name: str, **labels: str) -> list[float]:
            zero = total(base, name, **labels)
            return [total(p.samples, name, **labels) - zero for p in points]

        def gauges(name: str, label: str, largest: bool = False) -> dict[str, list[float]]:
            rows = [by_label(p.samples, name, label, largest=largest) for p in points]
            keys = sorted({k for row in rows for k in row})
            return {k: [row.get(k, 0.0) for row in rows] for k in keys}

        kinds = sorted(by_label(points[-1].samples, "quartier_decisions_total", "kind"))
        roles = sorted({r for p in points for r in p.cpu_s})
        cpu_percent: dict[str, list[float]] = {}
        for role in roles:
            used = [p.cpu_s.get(role, 0.0) for p in points]
            cpu_percent[role] = [0.0] + [
                round(100 * max(0.0, b - a) / (t1 - t0), 1)
                for a, b, t0, t1 in zip(used, used[1:], ts, ts[1:], strict=False)
            ]
        delivered = sorted(self.mails.first_mail.values())
        known = sorted(outcome_times)
        return {
            "t": [round(t - start, 2) for t in ts],
            "accepted": counter("quartier_registrations_accepted_total", outcome="new"),
            "decided": {k: counter("quartier_decisions_total", kind=k) for k in kinds},
            "outcomes_known": [sum(1 for x in known if x <= t) for t in ts],
            "mails_queued": counter("quartier_mails_queued_total"),
            "mails_sent": counter("quartier_mails_sent_total"),
            "mails_failed": counter("quartier_mails_failed_total"),
            "mails_delivered": [sum(1 for x in delivered if x <= t) for t in ts],
            "outbox_published": counter("quartier_outbox_published_total"),
            "outbox_waiting": gauges("quartier_outbox_waiting", "service", largest=True),
            "consumer_lag": gauges("quartier_consumer_lag", "group"),
            "cpu_percent": cpu_percent,
            "memory_mib": [round(sum(p.memory_kib.values()) / 1024, 1) for p in points],
            "scrape_failures": self.scrape_failures,
            "scrapes_late": self.scrapes_late,
        }


def plot(
    path: Path,
    title: str,
    timeline: dict[str, Any],
    *,
    attendees: int,
    capacity: int,
    marks: dict[str, float | None],
) -> None:
    """Three panels over the same seconds: the cumulative counts (accepted, decided,
    confirmed, outcome known, mail delivered), the queues (outbox rows, consumer lag,
    accepted but undecided, mails queued but not sent) and CPU per process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = timeline["t"]
    decided = [sum(col) for col in zip(*timeline["decided"].values(), strict=True)] or [0] * len(t)
    fig, (counts, queues, cpu) = plt.subplots(
        3, 1, sharex=True, figsize=(11, 11), height_ratios=[3, 2, 2], layout="constrained"
    )
    counts.plot(t, timeline["accepted"], label="accepted (registration API)")
    counts.plot(t, decided, label="decided (capacity, every kind)")
    if "confirmed" in timeline["decided"]:
        counts.plot(t, timeline["decided"]["confirmed"], ls="--", label="confirmed")
    counts.plot(t, timeline["outcomes_known"], label="outcome known (attendees' answers)")
    counts.plot(t, timeline["mails_sent"], ls=":", label="mails sent (notification)")
    counts.plot(t, timeline["mails_delivered"], label="mail delivered (attendees, SMTP sink)")
    for level in (attendees, capacity):
        counts.axhline(level, color="grey", lw=0.5)
    counts.set_ylabel("registrations since the start")
    counts.set_title(title)

    for service, values in timeline["outbox_waiting"].items():
        queues.plot(t, values, label=f"outbox waiting: {service}")
    for group, values in timeline["consumer_lag"].items():
        queues.plot(t, values, ls="--", label=f"consumer lag: {group}")
    undecided = [a - d for a, d in zip(timeline["accepted"], decided, strict=True)]
    queues.plot(t, undecided, ls=":", label="accepted, not yet decided")
    unsent = [q - s for q, s in zip(timeline["mails_queued"], timeline["mails_sent"], strict=True)]
    queues.plot(t, unsent, ls=":", label="mails queued, not yet sent")
    queues.set_ylabel("waiting (records, rows)")

    roles = list(timeline["cpu_percent"])
    cpu.stackplot(t, *(timeline["cpu_percent"][r] for r in roles), labels=roles)
    cpu.axhline(100 * (os.cpu_count() or 1), color="black", lw=0.8)
    cpu.set_ylabel("CPU % (100 = one core)")
    cpu.set_xlabel("seconds since the start of the rush")

    for axis in (counts, queues, cpu):
        for label, x in marks.items():
            if x is not None:
                axis.axvline(x, color="grey", ls="--", lw=0.8)
                if axis is counts:
                    axis.annotate(label, (x, attendees), rotation=90, va="top", ha="right")
        axis.legend(loc="upper left", fontsize="small", ncols=2 if axis is cpu else 1)
        axis.grid(alpha=0.3)
    fig.savefig(path, dpi=90)
    plt.close(fig)
