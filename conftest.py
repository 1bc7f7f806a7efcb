"""Session fixtures on real infrastructure: Apache Kafka, Postgres, an SMTP sink.

Postgres is the server at ``DATABASE_URL`` (default 127.0.0.1:5432) or, when it does not
answer, a local cluster under a temporary folder.  Every database a test asks for is fresh
and dropped at the end of the session.  Every service runs in dev mode (its development
secrets are accepted), in the test process and in the processes it starts.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from devstack.broker import KafkaCluster
from devstack.databases import create_database, drop_database, migrate
from devstack.net import free_port, port_open
from devstack.postgres import LocalCluster, server_answers
from devstack.procs import spawn
from devstack.smtp_sink import read_mails
from devstack.stack import ROOT
from servicekit.kafka import ensure_topics
from tests.support import eventually

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEV_MODE = [
    f"{service}_DEV_MODE" for service in ("REGISTRATION", "CAPACITY", "NOTIFICATION", "GATEWAY")
]


@pytest.fixture(scope="session", autouse=True)
def dev_mode() -> Iterator[None]:
    """``<PREFIX>_DEV_MODE=true`` for every service, as ``make run`` starts them (a test of
    the rule itself takes it away with ``monkeypatch.delenv``)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in DEV_MODE:
            patch.setenv(name, "true")
        yield


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
async def broker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """Bootstrap address of a fresh one-node Kafka with every registry topic created; group
    sessions may be as short as 1 s."""
    folder = tmp_path_factory.mktemp("kafka")
    kafka = KafkaCluster.on_free_ports(
        folder / "data", folder, overrides={"group.min.session.timeout.ms": "1000"}
    )
    try:
        await kafka.start()
        await ensure_topics(kafka.bootstrap)
        yield kafka.bootstrap
    finally:
        kafka.stop()


@pytest.fixture(scope="session")
async def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if await server_answers(DATABASE_URL):
        yield DATABASE_URL
        return
    data = tmp_path_factory.mktemp("pg")
    cluster = LocalCluster(data, free_port(), data / "logs")
    await cluster.start()
    yield cluster.dsn
    cluster.stop()


ServiceDb = Callable[[str], Awaitable[str]]


@pytest.fixture(scope="session")
async def service_db(postgres_server: str) -> AsyncIterator[ServiceDb]:
    """``await service_db("capacity")`` → DSN of a fresh, migrated database of that service."""
    created: list[str] = []

    async def make(service: str) -> str:
        name = f"t{secrets.token_hex(4)}_{service}"
        dsn = await create_database(postgres_server, name)
        created.append(name)
        await migrate(dsn, ROOT / "services" / service / "migrations")
        return dsn

    yield make
    for name in created:
        await drop_database(postgres_server, name)


@dataclass
class SmtpSink:
    port: int
    directory: Path

    def messages(self) -> list[EmailMessage]:
        return read_mails(self.directory)


@pytest.fixture(scope="session")
async def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SmtpSink]:
    """A running SMTP sink (its own process) storing .eml files in a temporary folder."""
    folder = tmp_path_factory.mktemp("sink")
    port = free_port()
    proc = spawn(
        "smtp",
        [
            sys.executable,
            "-m",
            "devstack.smtp_sink",
            "--port",
            str(port),
            "--dir",
            str(folder / "mail"),
        ],
        log_dir=folder,
    )

    await eventually(lambda: port_open(port), what="the SMTP sink listening", timeout=15)
    yield SmtpSink(port, folder / "mail")
    proc.stop()


@pytest.fixture
def clean_smtp(smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    """The sink, emptied before the test."""
    for path in smtp_sink.directory.glob("*.eml"):
        path.unlink()
    yield smtp_sink
