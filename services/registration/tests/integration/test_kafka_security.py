"""Registration on a secured Kafka cluster, set up the way docs/operators.md tells operators:
a TLS listener with SASL users, an authorizer, the topics made by ``servicekit-topics`` and
the service's principal holding only the ACLs the guide lists for registration.

The node keeps a plaintext listener on 127.0.0.1 for its controller, inter-broker traffic and
``KafkaCluster``'s readiness check (its anonymous principal is a super user); every client
here talks to the SASL_SSL listener only, whose metadata names no other address.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope, decode
from devstack.broker import KafkaCluster, Node, kafka_lib
from devstack.net import free_port
from devstack.procs import Proc, spawn
from devstack.tls import issue, make_ca
from registration.config import Settings
from registration.entrypoints.http import create_app
from servicekit import outbox
from servicekit.database import create_pool, relay_running
from servicekit.kafka import client_options, producer
from servicekit.settings import KafkaSettings
from tests.support import eventually, until_ready

from .conftest import body

PASSWORDS = {"admin": "admin-secret", "registration": "registration-secret"}
ACLS = [  # registration's lines of "ACLs per service" in docs/operators.md: operations, resources
    (
        ("Write", "Describe"),
        (
            "--topic",
            topics.REGISTRATIONS.name,
            "--topic",
            topics.STAND_APPLICATIONS.name,
            "--topic",
            topics.DECISIONS.dlq,
        ),
    ),
    (("Read", "Describe"), ("--topic", topics.DECISIONS.name)),
    (("Read",), ("--group", "registration")),
]


@dataclass(frozen=True)
class SecuredCluster:
    bootstrap: str
    """The SASL_SSL listener."""
    ca: Path
    folder: Path

    def env(self, user: str, password: str | None = None, prefix: str = "") -> dict[str, str]:
        """The ``<prefix>KAFKA_*`` variables of a process that connects as ``user``."""
        values = {
            "KAFKA_BOOTSTRAP": self.bootstrap,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": user,
            "KAFKA_SASL_PASSWORD": password or PASSWORDS[user],
            "KAFKA_SSL_CAFILE": str(self.ca),
        }
        return {prefix + name: value for name, value in values.items()}

    def settings(self, user: str) -> KafkaSettings:
        return KafkaSettings(**{name.lower(): value for name, value in self.env(user).items()})

    def kafka_acls(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``kafka-acls.sh --bootstrap-server … --command-config admin.properties …``, as an
        operator runs it (the Java tool from the broker's jars)."""
        config = self.folder / "admin.properties"
        config.write_text(
            "security.protocol=SASL_SSL\n"
            "sasl.mechanism=PLAIN\n"
            "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'username="admin" password="{PASSWORDS["admin"]}";\n'
            "ssl.truststore.type=PEM\n"
            f"ssl.truststore.location={self.ca}\n"
        )
        command = [
            *("java", "-Xmx128m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
            *("-cp", f"{kafka_lib()}/*", acl_command()),
            *("--bootstrap-server", self.bootstrap, "--command-config", str(config), *args),
        ]
        return subprocess.run(command, capture_output=True, text=True)


def acl_command() -> str:
    """``kafka-acls.sh``'s main class: in the core jar up to Kafka 3.9, in kafka-tools since."""
    moved = any(
        "org/apache/kafka/tools/AclCommand.class" in zipfile.ZipFile(jar).namelist()
        for jar in kafka_lib().glob("kafka-tools-*.jar")
    )
    return "org.apache.kafka.tools.AclCommand" if moved else "kafka.admin.AclCommand"


def contracts_topics(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The ``servicekit-topics`` command with ``env`` as its only ``KAFKA_*`` settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    return subprocess.run(
        [sys.executable, "-m", "servicekit.kafka"],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
async def secured(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SecuredCluster]:
    folder = tmp_path_factory.mktemp("kafka-secured")
    ca = make_ca(folder / "tls")
    keystore = folder / "tls" / "broker-keystore.pem"
    keystore.write_text(issue(ca, folder / "tls", "broker", server_ip="127.0.0.1").key_and_chain)
    node, port = Node(1, free_port(), free_port()), free_port()
    users = " ".join(f'user_{user}="{password}"' for user, password in PASSWORDS.items())
    kafka = KafkaCluster(
        folder / "data",
        folder,
        [node],
        overrides={
            "listeners": f"PLAINTEXT://{node.address},SASL_SSL://127.0.0.1:{port},"
            f"CONTROLLER://127.0.0.1:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{node.address},SASL_SSL://127.0.0.1:{port}",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,"
            "SASL_SSL:SASL_SSL",
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_ssl.plain.sasl.jaas.config": "org.apache.kafka.common.security"
            f".plain.PlainLoginModule required {users};",
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(keystore),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": "User:ANONYMOUS;User:admin",
        },
    )
    try:
        await kafka.start()
        cluster = SecuredCluster(f"127.0.0.1:{port}", ca.cert, folder)
        created = await asyncio.to_thread(contracts_topics, cluster.env("admin"))
        assert created.returncode == 0, created.stderr
        for operations, resources in ACLS:
            added = await asyncio.to_thread(
                cluster.kafka_acls,
                *("--add", "--allow-principal", "User:registration", *resources),
                *(arg for operation in operations for arg in ("--operation", operation)),
            )
            assert added.returncode == 0, added.stdout + added.stderr
        yield cluster
    finally:
        kafka.stop()


@pytest.fixture
async def registration_env(
    secured: SecuredCluster, service_db, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """What an operator sets for the registration service on the secured cluster."""
    env = {
        "REGISTRATION_DATABASE_URL": await service_db("registration"),
        "REGISTRATION_LOG_JSON": "false",
        **secured.env("registration", prefix="REGISTRATION_"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
async def stream_worker(registration_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Proc]:
    """``python -m registration.entrypoints.stream`` with the same settings, once it is in its
    consumer group (``/readyz``)."""
    web_port = free_port()
    proc = spawn(
        "registration-stream",
        [sys.executable, "-m", "registration.entrypoints.stream"],
        log_dir=tmp_path,
        env={**registration_env, "REGISTRATION_WEB_PORT": str(web_port)},
        cwd=tmp_path,
    )

    try:
        await until_ready(
            proc, web_port, what="the registration stream (in its group)", interval=0.3
        )
        yield proc
    finally:
        proc.stop()


async def test_registration_runs_on_the_secured_cluster_with_only_its_acls(
    secured: SecuredCluster, registration_env: dict[str, str], stream_worker: Proc
) -> None:
    """The API's outbox relay publishes the registration; the Faust worker, in its group,
    applies capacity's decision; all over SASL_SSL with registration's ACLs alone."""
    admin = secured.settings("admin")
    subscriber = AIOKafkaConsumer(
        topics.REGISTRATIONS.name,
        **client_options(admin),
        group_id=f"t-{uuid4()}",
        auto_offset_reset="earliest",
    )
    app = create_app(Settings())  # every Kafka setting from REGISTRATION_KAFKA_*
    async with app.router.lifespan_context(app):  # the outbox relay runs meanwhile
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            answer = await client.post("/registrations", json=body())
            assert answer.status_code == 202
            registration_id = UUID(answer.json()["registration_id"])

            try:
                await subscriber.start()
                async with asyncio.timeout(20):
                    async for record in subscriber:
                        _, requested = decode(
                            topics.REGISTRATIONS, list(record.headers), record.value
                        )
                        if getattr(requested, "registration_id", None) == registration_id:
                            break
            finally:
                await subscriber.stop()
            assert isinstance(requested, m.RegistrationRequested)

            decision = m.SeatConfirmed(
                decision_id=uuid4(),
                registration_id=registration_id,
                event_id=requested.event_id,
                decided_at=datetime.now(UTC),
                from_waitlist=False,
            )
            capacity = producer(admin, "test-capacity")
            try:
                await capacity.start()
                await capacity.send_and_wait(
                    topics.DECISIONS.name,
                    decision.model_dump_json().encode(),
                    key=topics.DECISIONS.key_of(decision),
                    headers=Envelope.new(decision, source="capacity").to_headers(),
                )
            finally:
                await capacity.stop()
            status = await client.get(f"/registrations/{registration_id}?wait=20")
    assert status.json()["status"] == "confirmed", stream_worker.log_tail()


async def test_the_service_reads_decisions_in_its_group_and_writes_dead_letters(
    secured: SecuredCluster,
) -> None:
    decision = f"decision-{uuid4()}".encode()
    capacity = producer(secured.settings("admin"), "test-capacity")
    try:
        await capacity.start()
        await capacity.send_and_wait(topics.DECISIONS.name, decision, key=b"k")
    finally:
        await capacity.stop()
    registration = secured.settings("registration")
    follower = AIOKafkaConsumer(
        topics.DECISIONS.name,
        **client_options(registration),
        group_id="registration",
        auto_offset_reset="earliest",
    )
    try:
        await follower.start()
        async with asyncio.timeout(20):
            async for record in follower:
                if record.value == decision:
                    break
        await follower.commit()
    finally:
        await follower.stop()
    dead_letters = producer(registration, "registration-test")  # idempotent: WRITE is enough
    try:
        await dead_letters.start()
        written = await dead_letters.send_and_wait(topics.DECISIONS.dlq, decision, key=b"k")
    finally:
        await dead_letters.stop()
    assert written.topic == topics.DECISIONS.dlq


async def test_the_service_cannot_write_another_owners_topic_or_join_its_group(
    secured: SecuredCluster,
) -> None:
    registration = secured.settings("registration")
    intruder = producer(registration, "registration-test")
    try:
        await intruder.start()
        with pytest.raises(TopicAuthorizationFailedError):
            await intruder.send_and_wait(topics.DECISIONS.name, b"forged", key=b"k")
    finally:
        await intruder.stop()
    other_group = AIOKafkaConsumer(
        topics.DECISIONS.name, **client_options(registration), group_id="capacity"
    )
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            await other_group.start()  # joins the group
    finally:
        await other_group.stop()


@pytest.mark.parametrize(
    ("changed", "logged"),
    [
        ({"REGISTRATION_KAFKA_SASL_PASSWORD": "wrong"}, "SaslAuthenticationFailed"),
        ({"REGISTRATION_KAFKA_SSL_CAFILE": None}, "CERTIFICATE_VERIFY_FAILED"),
    ],
    ids=["wrong password", "system CAs only"],
)
async def test_the_service_does_not_start_when_the_cluster_refuses_it_and_logs_why(
    registration_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    changed: dict[str, str | None],
    logged: str,
) -> None:
    for name, value in changed.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    app = create_app(Settings())
    with pytest.raises(KafkaConnectionError):
        async with app.router.lifespan_context(app):
            pass
    assert logged in capsys.readouterr().err


async def test_a_topic_the_relay_may_not_write_holds_the_outbox_until_it_may(
    secured: SecuredCluster, registration_env: dict[str, str]
) -> None:
    """A missing ACL delays publishing and loses nothing: the relay retries the row (in
    order, so the rows after it wait too) until the operator adds the ACL."""
    pool = await create_pool(registration_env["REGISTRATION_DATABASE_URL"])
    try:
        await pool.execute(outbox.QUEUE, [topics.DELIVERIES.name], ["k"], ["{}"], ["[]"])
        async with relay_running(pool, Settings(), client_id="test-relay", lock_id=4712):
            granted = await asyncio.to_thread(
                secured.kafka_acls,
                *("--add", "--allow-principal", "User:registration"),
                *("--operation", "Write", "--topic", topics.DELIVERIES.name),
            )  # a JVM start: the relay has been refused a few times by now
            assert granted.returncode == 0, granted.stderr
            await eventually(
                lambda: outbox_empty(pool), what="the outbox published", timeout=30, interval=0.2
            )
    finally:
        await pool.close()


async def outbox_empty(pool: asyncpg.Pool) -> bool:
    waiting = await pool.fetchval("SELECT count(*) FROM outbox")
    assert waiting == 0, f"{waiting} rows in the outbox"
    return True


def test_topic_setup_can_run_again_and_names_what_the_cluster_refused(
    secured: SecuredCluster,
) -> None:
    again = contracts_topics(secured.env("admin"))
    assert (again.returncode, again.stdout) == (0, "nothing to create\n")
    refused = contracts_topics(secured.env("registration"))  # no CREATE
    assert refused.returncode == 1
    assert "TopicAuthorizationFailedError" in refused.stderr
    assert topics.DELIVERIES.name in refused.stderr
