"""The machine's limits, measured in the same session as the rush: a bare uvicorn endpoint
with the rush's own load generator, Postgres single-row commits, broker produce rate."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.loadgen import LoadGenerator
from devstack.net import free_port, wait_until

BARE_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})
"""


async def bare_uvicorn(
    body: dict[str, Any], requests: int = 4000, in_flight: int = 50
) -> dict[str, Any]:
    """POSTs per second to a bare uvicorn endpoint (one process, as each service's HTTP
    app), sent by the rush's load generator the same way: a fresh connection each, ``body``
    a registration's."""
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
    url = f"http://127.0.0.1:{port}/"
    try:
        async with httpx.AsyncClient() as client:

            async def up() -> bool:
                return (await client.post(url)).status_code == 200

            await wait_until(up, what="bare uvicorn", timeout=20)
        job = {"mode": "bare", "url": url, "body": body, "requests": requests}
        return await LoadGenerator({**job, "in_flight": in_flight}).run()
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


async def postgres_commits_per_s(dsn: str, seconds: int = 5) -> dict[str, float]:
    """pgbench: single-row INSERT commits per second, 1 and 8 clients."""
    pgbench = shutil.which("pgbench") or next(
        (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pgbench")), None
    )
    if pgbench is None:
        return {}
    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE TABLE IF NOT EXISTS bench_commit (id bigserial, v int)")
    await conn.close()
    folder = Path(tempfile.mkdtemp())
    script = folder / "insert.sql"
    script.write_text("INSERT INTO bench_commit (v) VALUES (1);\n")
    result = {}
    try:
        for clients in (1, 8):
            argv = [pgbench, "-n", "-f", str(script), "-c", str(clients)]
            argv += ["-j", str(min(clients, 2)), "-T", str(seconds), dsn]
            done = await asyncio.to_thread(
                subprocess.run, argv, capture_output=True, text=True, check=True
            )
            tps = next(line for line in done.stdout.splitlines() if line.startswith("tps"))
            result[f"clients_{clients}"] = float(tps.split("=")[1].split()[0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
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
        # every partition's leader known and answering before the clock starts
        await asyncio.gather(
            *[await producer.send("bench.produce", value, partition=p) for p in range(8)]
        )
        started = asyncio.get_running_loop().time()
        batch = []
        for i in range(n):
            batch.append(await producer.send("bench.produce", value, key=str(i % 64).encode()))
            if len(batch) >= 5000:
                await asyncio.gather(*batch)
                batch.clear()
        await asyncio.gather(*batch)
        return n / (asyncio.get_running_loop().time() - started)
    finally:
        await producer.stop()
