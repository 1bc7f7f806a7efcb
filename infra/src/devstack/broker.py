"""Apache Kafka for dev and tests: KRaft nodes from Maven Central jars, bound to 127.0.0.1.

``make kafka-deps`` copies ``org.apache.kafka:kafka_2.13`` and one logging backend
(``infra/kafka/pom.xml``) into ``~/.cache/quartier/kafka-<version>/lib``.  A node is a
combined broker and controller (``process.roles=broker,controller``) with a static quorum;
its storage is formatted on first start and kept, so topics, records and committed offsets
outlive a restart.  ``KafkaCluster`` runs one node (dev, tests) or three (the fault test).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import os
import re
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from devstack.net import NotReady, free_port, port_open, wait_until
from devstack.procs import Proc, spawn

ROOT = Path(__file__).resolve().parents[3]
POM = ROOT / "infra" / "kafka" / "pom.xml"


def kafka_version() -> str:
    """``KAFKA_VERSION``, else the version ``infra/kafka/pom.xml`` names."""
    if version := os.environ.get("KAFKA_VERSION"):
        return version
    found = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM.read_text())
    assert found, f"no <kafka.version> in {POM}"
    return found.group(1)


def kafka_lib(version: str | None = None) -> Path:
    """Where ``make kafka-deps`` put the broker's jars (``KAFKA_LIB`` overrides)."""
    if lib := os.environ.get("KAFKA_LIB"):
        return Path(lib)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "quartier" / f"kafka-{version or kafka_version()}" / "lib"


def _classpath() -> str:
    lib = kafka_lib()
    if not (lib / ".complete").exists():
        raise NotReady(
            f"Apache Kafka {kafka_version()} is not installed in {lib}: run `make kafka-deps`"
        )
    return f"{lib}/*"  # the JVM expands the wildcard itself


def new_cluster_id() -> str:
    """A KRaft cluster id: a random UUID, URL-safe base64 without padding (Kafka's Uuid);
    like Kafka's ``random-uuid``, never one that starts with "-" (it reads as an option)."""
    while (found := base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode())[0] == "-":
        pass
    return found


@dataclass(frozen=True)
class Node:
    node_id: int
    port: int
    controller_port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


# Small on 2 cores: the log cleaner would take 128 MiB of heap at start, internal topics
# 50 partitions each, and 8 I/O and 3 network threads.
SMALL_NODE = {
    "log.cleaner.dedupe.buffer.size": str(8 * 1024 * 1024),
    "num.network.threads": "2",
    "num.io.threads": "2",
    "background.threads": "2",
    "num.recovery.threads.per.data.dir": "1",
    "offsets.topic.num.partitions": "4",
    "transaction.state.log.num.partitions": "2",
    "group.initial.rebalance.delay.ms": "0",
    "auto.create.topics.enable": "false",
    "num.partitions": "1",
}


@dataclass
class KafkaCluster:
    """``len(nodes)`` KRaft nodes (each broker and controller) under ``data_dir``."""

    data_dir: Path
    log_dir: Path
    nodes: list[Node]
    heap: str = "512m"
    overrides: Mapping[str, str] = field(default_factory=dict)
    """Extra broker settings, e.g. ``group.min.session.timeout.ms`` for short test sessions."""
    procs: dict[int, Proc] = field(default_factory=dict)

    @classmethod
    def on_free_ports(
        cls,
        data_dir: Path,
        log_dir: Path,
        size: int = 1,
        *,
        heap: str = "512m",
        overrides: Mapping[str, str] | None = None,
    ) -> KafkaCluster:
        nodes = [Node(i + 1, free_port(), free_port()) for i in range(size)]
        return cls(data_dir, log_dir, nodes, heap=heap, overrides=dict(overrides or {}))

    @property
    def bootstrap(self) -> str:
        return ",".join(node.address for node in self.nodes)

    @property
    def replication(self) -> int:
        """The replication factor internal and registry topics get: 3 at most."""
        return min(3, len(self.nodes))

    def properties(self, node: Node) -> dict[str, str]:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        rf = str(self.replication)
        return {
            "process.roles": "broker,controller",
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://{node.address},CONTROLLER://127.0.0.1:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{node.address}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self._node_dir(node) / "data"),
            "offsets.topic.replication.factor": rf,
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": str(min(2, self.replication)),
            "default.replication.factor": rf,
            **SMALL_NODE,
            **self.overrides,
        }

    def _node_dir(self, node: Node) -> Path:
        return self.data_dir / f"node-{node.node_id}" if len(self.nodes) > 1 else self.data_dir

    def _write_config(self, node: Node) -> Path:
        folder = self._node_dir(node)
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        config = folder / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in self.properties(node).items()))
        return config

    def _format(self, cluster_id: str) -> None:
        """Format the storage of every node that has none yet (first start)."""
        for node in self.nodes:
            config = self._write_config(node)
            if (self._node_dir(node) / "data" / "meta.properties").exists():
                continue
            done = subprocess.run(
                [
                    "java",
                    "-cp",
                    _classpath(),
                    "kafka.tools.StorageTool",
                    "format",
                    f"--cluster-id={cluster_id}",  # an id may start with "-"
                    "-c",
                    str(config),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise NotReady(f"formatting Kafka storage failed:\n{done.stdout}{done.stderr}")

    def _cluster_id(self) -> str:
        """The id the storage was formatted with, or a new one."""
        for node in self.nodes:
            meta = self._node_dir(node) / "data" / "meta.properties"
            if meta.exists():
                found = re.search(r"^cluster\.id=(\S+)$", meta.read_text(), re.M)
                if found:
                    return found.group(1)
        return new_cluster_id()

    async def start(self) -> None:
        """Start every node and wait until each is a registered, answering broker."""
        for node in self.nodes:
            for port in (node.port, node.controller_port):
                if port_open(port):
                    raise NotReady(f"port {port} is taken: another broker or program listens")
        await asyncio.to_thread(self._format, self._cluster_id())
        for node in self.nodes:
            self._spawn(node)
        await self.wait_ready()

    def _spawn(self, node: Node) -> None:
        folder = self._node_dir(node)
        self.procs[node.node_id] = spawn(
            f"kafka-{node.node_id}" if len(self.nodes) > 1 else "kafka",
            [
                "java",
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                f"-Djava.io.tmpdir={folder / 'tmp'}",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-cp",
                _classpath(),
                "kafka.Kafka",
                str(folder / "server.properties"),
            ],
            log_dir=self.log_dir,
        )

    async def wait_ready(self, timeout: float = 90) -> None:
        """Until describe-cluster from every node lists every node (a real Kafka request)."""
        wanted = {node.node_id for node in self.nodes}

        async def ready(node: Node) -> bool:
            proc = self.procs[node.node_id]
            if not proc.alive():
                raise NotReady(f"Kafka node {node.node_id} exited:\n{proc.log_tail()}")
            if not port_open(node.port):
                return False
            return wanted <= await registered_brokers(node.address)

        for node in self.nodes:
            try:
                await wait_until(functools.partial(ready, node), what="Kafka", timeout=timeout)
            except NotReady as exc:
                tail = self.procs[node.node_id].log_tail()
                raise NotReady(f"{exc}\n--- kafka log:\n{tail}") from None

    def kill(self, node_id: int) -> None:
        """SIGKILL one node, as a crash would."""
        self.procs[node_id].kill()

    async def restart(self, node_id: int) -> None:
        """Start a killed or stopped node again on its kept storage."""
        self.procs[node_id].stop()
        self._spawn(next(n for n in self.nodes if n.node_id == node_id))
        await self.wait_ready()

    def stop(self) -> None:
        """Controlled shutdown of every node (SIGTERM, SIGKILL after 30 s)."""
        for proc in self.procs.values():
            if proc.alive():
                proc.popen.terminate()
        for proc in self.procs.values():
            proc.stop(timeout=30)
        self.procs.clear()


async def registered_brokers(bootstrap: str) -> set[int]:
    """The node ids a describe-cluster request through ``bootstrap`` lists."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return {int(b["node_id"]) for b in cluster["brokers"]}
    finally:
        await admin.close()
