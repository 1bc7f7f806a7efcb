"""The load generator, a process of its own: ``python -m bench.loadgen JOB RESULT``.

aiohttp on uvloop, so that the client steals as little of the two cores as it can.  Each
attendee registers over a fresh connection (``TCPConnector(force_close=True)``: no
keep-alive, every POST connects anew, as 2,000 browsers would), at most ``in_flight`` at a
time, no retries, with ``Prefer: wait=20``: the answer (201) then carries the outcome when
it was decided within that time.  An attendee still ``pending`` (202) long-polls its status
(``GET /api/v1/registrations/{registration_id}?wait=20``, connections kept alive as a
browser's status page would) until it is no longer ``pending``.

The job is a JSON file (``JOB``).  The process prints ``ready`` when every attendee waits at
the start line, starts on a line ``go`` on its stdin, prints ``done`` when the last attendee
knows the outcome (or gave up at the deadline), and writes to ``RESULT``: per attendee the
time the POST was sent and answered, its HTTP status, the outcome and when it was known,
and its own CPU seconds from ``go`` to ``done``.  Times are ``time.monotonic()``, one clock for
every process of the machine, so the bench lines them up with its ``/metrics`` timeline.

``mode: bare`` sends ``requests`` POSTs of the same kind to a bare uvicorn endpoint, the same
way: the machine's limit the rush is compared with.

:class:`LoadGenerator` is the bench's side: it starts the process and talks to it.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from devstack.stack import ROOT

now = time.monotonic
ACCEPTED = (201, 202)
"""The answers to a registration: 201 decided within ``Prefer: wait``, 202 still pending."""


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Attendee:
    sent: float | None = None
    answered: float | None = None
    http_status: int | None = None
    error: str | None = None
    outcome: str | None = None
    outcome_at: float | None = None
    polls: int = 0
    poll_errors: int = 0


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def start_line() -> None:
    """Wait for ``go`` on stdin."""
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if line.strip() != "go":
        raise SystemExit(f"loadgen: expected 'go', got {line!r}")


async def rush(job: dict[str, Any]) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = job["bodies"]
    status_url: str = job["status_url"]
    long_poll: float = job["long_poll"]
    gate = asyncio.Semaphore(job["in_flight"])
    go = asyncio.Event()
    deadline = 0.0
    people = [Attendee() for _ in bodies]
    prefer = {"Prefer": f"wait={long_poll:g}"}
    fresh = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True, limit=0),
        timeout=aiohttp.ClientTimeout(total=30),
    )
    poller = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=long_poll + 10),
    )

    async def attendee(person: Attendee, body: dict[str, Any]) -> None:
        await go.wait()
        async with gate:
            person.sent = now()
            try:
                async with fresh.post(job["url"], json=body, headers=prefer) as answer:
                    person.http_status = answer.status
                    if answer.status in ACCEPTED:
                        accepted = await answer.json(content_type=None)
                    else:
                        await answer.read()
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                person.error = type(exc).__name__
                return
            person.answered = now()
        if person.http_status not in ACCEPTED:
            return
        if accepted["status"] != "pending":
            person.outcome, person.outcome_at = accepted["status"], person.answered
            return
        registration_id = accepted["registration_id"]
        url = f"{status_url}/{registration_id}"
        while now() < deadline:
            person.polls += 1
            try:
                async with poller.get(url, params={"wait": str(long_poll)}) as answer:
                    if answer.status != 200:
                        person.poll_errors += 1
                        await asyncio.sleep(0.5)
                        continue
                    status = (await answer.json(content_type=None))["status"]
            except (aiohttp.ClientError, TimeoutError, ValueError):
                person.poll_errors += 1
                await asyncio.sleep(0.5)
                continue
            if status != "pending":
                person.outcome, person.outcome_at = status, now()
                return

    tasks = [asyncio.create_task(attendee(p, b)) for p, b in zip(people, bodies, strict=True)]
    await asyncio.sleep(0)  # every attendee waits at the start line
    say("ready")
    await start_line()
    cpu_before, started = cpu_seconds(), now()
    deadline = started + job["deadline_s"]
    go.set()
    await asyncio.gather(*tasks)
    done, cpu_after = now(), cpu_seconds()
    say("done")
    await fresh.close()
    await poller.close()
    return {
        "started": started,
        "done": done,
        "cpu_s": cpu_after - cpu_before,
        "attendees": [asdict(p) for p in people],
    }


async def bare(job: dict[str, Any]) -> dict[str, Any]:
    gate = asyncio.Semaphore(job["in_flight"])
    go = asyncio.Event()
    errors = 0
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True, limit=0),
        timeout=aiohttp.ClientTimeout(total=30),
    )

    async def one() -> None:
        nonlocal errors
        await go.wait()
        async with gate:
            try:
                async with session.post(job["url"], json=job["body"]) as answer:
                    await answer.read()
                    errors += answer.status != 200
            except (aiohttp.ClientError, TimeoutError):
                errors += 1

    tasks = [asyncio.create_task(one()) for _ in range(job["requests"])]
    await asyncio.sleep(0)
    say("ready")
    await start_line()
    cpu_before, started = cpu_seconds(), now()
    go.set()
    await asyncio.gather(*tasks)
    seconds, cpu_after = now() - started, cpu_seconds()
    say("done")
    await session.close()
    return {
        "requests": job["requests"],
        "errors": errors,
        "seconds": seconds,
        "per_s": job["requests"] / seconds,
        "cpu_s": cpu_after - cpu_before,
    }


def main() -> None:
    job_file, result_file = map(Path, sys.argv[1:3])
    job = json.loads(job_file.read_text())
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a connection per attendee
    work = rush(job) if job["mode"] == "rush" else bare(job)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(work)
    else:
        result = uvloop.run(work)
    result_file.write_text(json.dumps(result))


class LoadGenerator:
    """The bench's side: ``start`` (the process is ready), ``go``, ``done`` (the last
    attendee knows; the process's pid stays out of the stack's CPU), ``result``."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="quartier-loadgen-"))
        (self.folder / "job.json").write_text(json.dumps(job))
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def _line(self, expected: str, timeout: float) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if line.decode().strip() != expected:
            await self.proc.wait()
            raise RuntimeError(f"load generator: expected {expected!r}, got {line!r}")

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.loadgen",
            str(self.folder / "job.json"),
            str(self.folder / "result.json"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        await self._line("ready", timeout=60)

    async def go(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        await self.proc.stdin.drain()

    async def done(self, timeout: float) -> None:
        await self._line("done", timeout)

    async def result(self) -> dict[str, Any]:
        assert self.proc is not None
        if await self.proc.wait() != 0:
            raise RuntimeError(f"load generator exited {self.proc.returncode}")
        result: dict[str, Any] = json.loads((self.folder / "result.json").read_text())
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()
        return result

    async def run(self) -> dict[str, Any]:
        """Start, go at once, the result."""
        await self.start()
        await self.go()
        await self.done(timeout=600)
        return await self.result()


if __name__ == "__main__":
    main()
