"""``python -m bench.profile``: where one rush's CPU goes, per process of the stack.

The same rush as ``make bench`` (``bench.rush``: the load generator in a process of its own,
the desk open, every mail waited for), once, with ``py-spy record`` attached to every Python
process of the stack from the start line until every attendee knows the outcome.  Per
process it writes the collapsed stacks (``<process>.txt``, one ``frame;frame;… count`` line
per stack: speedscope, inferno or flamegraph.pl draw them) and a summary ``README.md`` with
each process's CPU seconds and the functions the samples sit in most (inclusive: the frame
anywhere on the stack; own: the innermost frame) into ``bench/results/profile-<date>[-label]/``.

py-spy samples from outside (``--nonblocking``), yet it takes CPU on the same two cores: the
run's timings are no benchmark result, the shares within a process are what it is for.
``py-spy`` is looked up on ``PATH`` (``uv tool install py-spy``).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.desk import Desk, create_organiser
from bench.processes import used_since
from bench.rush import (
    RESULTS,
    Settings,
    create_event,
    observe,
    raise_file_limit,
    registrations,
    running_stack,
)
from devstack.stack import Stack

RATE = 100
"""Samples per second and process."""
NOT_PYTHON = {"kafka", "postgres"}
TOP = 25


def collapsed(path: Path) -> Counter[str]:
    stacks: Counter[str] = Counter()
    for line in gzip.decompress(path.read_bytes()).decode().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def frame_name(frame: str) -> str:
    """``handle (gateway/app.py:12)`` → ``handle (gateway/app.py)``: one line per function."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].split('site-packages/')[-1]})" if where else name


def top_frames(stacks: Counter[str]) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    total, inclusive, own = 0, Counter[str](), Counter[str]()
    for stack, count in stacks.items():
        frames = [frame_name(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return total, inclusive.most_common(TOP), own.most_common(TOP)


def summary(out: Path, cpu: dict[str, float], attendees: int, in_flight: int) -> str:
    lines = [
        "# Where the rush's CPU goes (py-spy)",
        "",
        f"`python -m bench.profile --attendees {attendees} --in-flight {in_flight}`, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: every Python process of the stack sampled "
        f"at {RATE} Hz from the start line until every attendee knew the outcome.  "
        "`<process>.txt.gz` holds the collapsed stacks.",
        "",
        "| process | CPU s to all outcomes | ms per registration |",
        "|---|---|---|",
        *(
            f"| {role} | {seconds:.2f} | {1000 * seconds / attendees:.2f} |"
            for role, seconds in sorted(cpu.items(), key=lambda item: -item[1])
        ),
    ]
    for path in sorted(out.glob("*.txt.gz")):
        total, inclusive, own = top_frames(collapsed(path))
        if not total:
            continue
        name = path.name.removesuffix(".txt.gz")
        lines += ["", f"## {name} ({total} samples)", "", "| inclusive | own | function |"]
        lines.append("|---|---|---|")
        own_share = dict(own)
        for name, count in inclusive:
            lines.append(
                f"| {100 * count / total:.0f} % | {100 * own_share.get(name, 0) / total:.0f} % "
                f"| `{name}` |"
            )
        lines += ["", "Most own samples:", ""]
        lines += [f"- {100 * count / total:.1f} % `{name}`" for name, count in own[:12]]
    return "\n".join(lines) + "\n"


def record(stack: Stack, out: Path) -> list[subprocess.Popen[bytes]]:
    spy = shutil.which("py-spy") or sys.exit("bench.profile: py-spy is not on PATH")
    return [
        subprocess.Popen(
            [
                *(spy, "record", "--pid", str(proc.pid), "--rate", str(RATE), "--nonblocking"),
                *("--format", "raw", "--output", str(out / f"{name}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, proc in stack.procs.items()
        if name not in NOT_PYTHON and proc.alive()
    ]


async def main(args: argparse.Namespace, out: Path) -> None:
    raise_file_limit()
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    data = Path(tempfile.mkdtemp(prefix="quartier-profile-"))
    try:
        async with running_stack(data, database_url) as stack:
            desk = await Desk.log_in(stack.gateway_url, *await create_organiser(stack))
            try:
                event = await create_event(stack, forums=args.forums)
                bodies = registrations(event, args.attendees, seed=args.in_flight)
                spies = record(stack, out)
                await asyncio.sleep(1.0)  # py-spy attached
                settings = Settings(args.attendees, outcome_timeout=600, mail_timeout=0)
                seen = await observe(
                    stack, desk, settings, event["event_id"], bodies, args.in_flight
                )
                for spy in spies:
                    spy.send_signal(signal.SIGINT)
                for spy in spies:
                    await asyncio.to_thread(spy.wait, 30)
                for raw in out.glob("*.txt"):
                    raw.with_suffix(".txt.gz").write_bytes(gzip.compress(raw.read_bytes()))
                    raw.unlink()
            finally:
                await desk.close()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    cpu = used_since(seen.cpu_before, seen.cpu_outcomes)
    (out / "README.md").write_text(summary(out, cpu, args.attendees, args.in_flight))
    print(f"every outcome after {max(p['outcome_at'] for p in seen.people) - seen.start:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--forums", action="store_true", help="the Praxisforen rush")
    parser.add_argument("--label", default="", help="appended to the folder's name")
    args = parser.parse_args()
    out = RESULTS / (
        f"profile-{datetime.now(UTC):%Y-%m-%d}" + (f"-{args.label}" if args.label else "")
    )
    out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args, out))
    print(f"profiles: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
