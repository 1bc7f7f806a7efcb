"""The whole platform as processes: broker, Postgres, SMTP sink, topics, migrations, services."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog

from devstack.broker import KafkaCluster, Node
from devstack.databases import create_database, drop_database, migrate
from devstack.net import NotReady, free_port, wait_until
from devstack.postgres import LocalCluster, server_answers
from devstack.procs import Proc, spawn
from servicekit.http import INTERNAL_TOKEN_HEADER
from servicekit.kafka import ensure_topics

log = structlog.get_logger(__name__)
ROOT = Path(__file__).resolve().parents[3]
DATABASE_SERVICES = ("registration", "capacity", "notification", "gateway")
# Where a run leaves the gateway's database address for `gateway-admin` (`make admin`).
GATEWAY_DSN_FILE = "gateway-database-url"
# Where a run leaves its internal token for tools that change events (`make demo-event`).
INTERNAL_TOKEN_FILE = "internal-token"  # noqa: S105 - a file name, not a secret


@dataclass
class Ports:
    gateway: int = 8000
    registration: int = 8001
    capacity: int = 8002
    broker: int = 19092
    controller: int = 19093
    smtp: int = 2525
    postgres: int = 54329
    registration_stream: int = 8010
    notification: int = 8013
    capacity_workers: list[int] = field(default_factory=lambda: [8011, 8012])

    @classmethod
    def free(cls, capacity_workers: int) -> Ports:
        return cls(
            gateway=free_port(),
            registration=free_port(),
            capacity=free_port(),
            broker=free_port(),
            controller=free_port(),
            smtp=free_port(),
            postgres=free_port(),
            registration_stream=free_port(),
            notification=free_port(),
            capacity_workers=[free_port() for _ in range(capacity_workers)],
        )


@dataclass
class StackConfig:
    data_dir: Path
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    db_prefix: str = "quartier"
    ports: Ports = field(default_factory=Ports)
    capacity_workers: int = 2
    session_timeout: float = 10.0
    heartbeat_interval: float = 3.0
    log_json: bool = True
    keep_databases: bool = True
    """False: the databases are dropped when the stack stops (tests)."""
    broker_overrides: dict[str, str] = field(default_factory=dict)
    """Extra settings of the Kafka nodes, e.g. shorter group sessions for tests."""
    kafka_nodes: int = 1
    """Kafka nodes (broker and controller each); with 3, topics get RF 3 and min ISR 2."""
    kafka_heap: str = "512m"
    internal_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    """Registration's and capacity's internal APIs, for every service that calls them."""
    gateway_budget_burst: int = 300
    """Registrations one client address may send at once before the gateway asks for a
    solved challenge (``GATEWAY_BUDGET_BURST``); 0 turns the budget and the challenge off."""

    @classmethod
    def for_tests(cls, data_dir: Path, database_url: str, capacity_workers: int = 2) -> StackConfig:
        """Free ports, fresh databases dropped afterwards, short group sessions (a killed
        worker's partitions move in about 3 s), no registration budget (the rush registers
        thousands of people from 127.0.0.1)."""
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            db_prefix=f"t{secrets.token_hex(4)}",
            ports=Ports.free(capacity_workers),
            capacity_workers=capacity_workers,
            session_timeout=3.0,
            heartbeat_interval=1.0,
            keep_databases=False,
            broker_overrides={"group.min.session.timeout.ms": "1000"},
            gateway_budget_burst=0,
        )


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str
    nice: int = 0
    """Lower CPU priority: mail is not on the path a person waits on."""


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.procs: dict[str, Proc] = {}
        self.cluster: LocalCluster | None = None
        first = Node(1, config.ports.broker, config.ports.controller)
        more = [Node(i, free_port(), free_port()) for i in range(2, config.kafka_nodes + 1)]
        self.kafka = KafkaCluster(
            config.data_dir / "kafka",
            self.log_dir,
            [first, *more],
            heap=config.kafka_heap,
            overrides=config.broker_overrides,
        )
        self.server_dsn = config.database_url
        self.dsns: dict[str, str] = {}
        self.ready_seconds: dict[str, float] = {}
        self.extra_specs: dict[str, ServiceSpec] = {}

    # --- addresses -------------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return self.kafka.bootstrap

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.config.ports.gateway}"

    @property
    def registration_url(self) -> str:
        return f"http://127.0.0.1:{self.config.ports.registration}"

    @property
    def capacity_url(self) -> str:
        return f"http://127.0.0.1:{self.config.ports.capacity}"

    @property
    def internal_headers(self) -> dict[str, str]:
        """What callers of the internal APIs send: capacity's changes, registration's
        organiser endpoints."""
        return {INTERNAL_TOKEN_HEADER: self.config.internal_token}

    @property
    def mail_dir(self) -> Path:
        return self.config.data_dir / "mail"

    @property
    def log_dir(self) -> Path:
        return self.config.data_dir / "logs"

    # --- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        """Start everything and wait until every service is ready; stops all on failure."""
        started = time.monotonic()
        try:
            await self._timed("infrastructure", self._start_infrastructure())
            await self._timed("topics+migrations", self._prepare())
            for spec in self.services():
                self._spawn(spec)
            await self._timed("services", self._wait_services_ready())
        except BaseException:
            await self.stop()
            raise
        self.ready_seconds["total"] = time.monotonic() - started

    async def _timed(self, what: str, step: Awaitable[None]) -> None:
        started = time.monotonic()
        await step
        self.ready_seconds[what] = time.monotonic() - started

    async def _start_infrastructure(self) -> None:
        ports = self.config.ports
        await self.kafka.start()
        if self.cluster is None and not await server_answers(self.config.database_url):
            log.info(
                "DATABASE_URL does not answer; starting a local cluster",
                url=self.config.database_url,
            )
            self.cluster = LocalCluster(self.config.data_dir / "pg", ports.postgres, self.log_dir)
            await self.cluster.start()
            self.server_dsn = self.cluster.dsn
        self.procs["smtp"] = self._smtp()

    def _smtp(self) -> Proc:
        return spawn(
            "smtp",
            [
                sys.executable,
                "-m",
                "devstack.smtp_sink",
                "--port",
                str(self.config.ports.smtp),
                "--dir",
                str(self.mail_dir),
            ],
            log_dir=self.log_dir,
        )

    async def _prepare(self) -> None:
        """Topics and migrated databases; both are kept from one run to the next."""
        replicas = self.kafka.replication
        await ensure_topics(
            self.bootstrap, replication_factor=replicas, min_insync_replicas=min(2, replicas)
        )
        for service in DATABASE_SERVICES:
            name = f"{self.config.db_prefix}_{service}"
            self.dsns[service] = await create_database(self.server_dsn, name)
            await migrate(self.dsns[service], ROOT / "services" / service / "migrations")
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        (self.config.data_dir / GATEWAY_DSN_FILE).write_text(self.dsns["gateway"] + "\n")
        token_file = self.config.data_dir / INTERNAL_TOKEN_FILE
        token_file.touch(mode=0o600)
        token_file.chmod(0o600)
        token_file.write_text(self.config.internal_token + "\n")

    def services(self) -> list[ServiceSpec]:
        c, p = self.config, self.config.ports
        py = sys.executable
        # dev mode: the services accept their development secrets (cancel links, CSRF);
        # outside it each refuses to start on one
        common = {
            "LOG_JSON": str(c.log_json).lower(),
            "KAFKA_BOOTSTRAP": self.bootstrap,
            "DEV_MODE": "true",
        }
        stream = {
            "SESSION_TIMEOUT": str(c.session_timeout),
            "HEARTBEAT_INTERVAL": str(c.heartbeat_interval),
        }

        def env(prefix: str, **values: str) -> dict[str, str]:
            return {f"{prefix}_{k.upper()}": v for k, v in {**common, **values}.items()}

        def uvicorn(app: str, port: int) -> list[str]:
            return [
                py,
                "-m",
                "uvicorn",
                app,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]

        registration = env(
            "REGISTRATION",
            database_url=self.dsns["registration"],
            internal_token=c.internal_token,
            capacity_url=self.capacity_url,
        )
        capacity = env(
            "CAPACITY", database_url=self.dsns["capacity"], internal_token=c.internal_token
        )
        specs = [
            ServiceSpec(
                "registration-http",
                uvicorn("registration.entrypoints.http:create_app", p.registration),
                registration,
                f"{self.registration_url}/readyz",
            ),
            ServiceSpec(
                "registration-stream",
                [py, "-m", "registration.entrypoints.stream"],
                {
                    **registration,
                    **env("REGISTRATION", **stream, web_port=str(p.registration_stream)),
                },
                f"http://127.0.0.1:{p.registration_stream}/readyz",
            ),
            ServiceSpec(
                "capacity-http",
                uvicorn("capacity.entrypoints.http:create_app", p.capacity),
                capacity,
                f"{self.capacity_url}/readyz",
            ),
        ]
        specs += [
            ServiceSpec(
                f"capacity-worker-{i + 1}",
                [py, "-m", "capacity.entrypoints.stream"],
                {**capacity, **env("CAPACITY", **stream, web_port=str(port))},
                f"http://127.0.0.1:{port}/readyz",
            )
            for i, port in enumerate(p.capacity_workers[: c.capacity_workers])
        ]
        specs += [
            ServiceSpec(
                "notification",
                [py, "-m", "notification.entrypoints.stream"],
                env(
                    "NOTIFICATION",
                    **stream,
                    database_url=self.dsns["notification"],
                    web_port=str(p.notification),
                    smtp_host="127.0.0.1",
                    smtp_port=str(p.smtp),
                    registration_url=self.registration_url,
                    internal_token=c.internal_token,
                    public_base_url=self.gateway_url,
                ),
                f"http://127.0.0.1:{p.notification}/readyz",
                nice=10,
            ),
            ServiceSpec(
                "gateway",
                uvicorn("gateway.app:create_app", p.gateway),
                env(
                    "GATEWAY",
                    registration_url=self.registration_url,
                    public_base_url=self.gateway_url,
                    database_url=self.dsns["gateway"],
                    capacity_url=self.capacity_url,
                    internal_token=c.internal_token,
                    budget_burst=str(c.gateway_budget_burst),
                ),
                f"{self.gateway_url}/readyz",
            ),
        ]
        return specs

    def _spawn(self, spec: ServiceSpec) -> Proc:
        workdir = self.config.data_dir / "run" / spec.name
        workdir.mkdir(parents=True, exist_ok=True)
        proc = spawn(
            spec.name, spec.argv, log_dir=self.log_dir, env=spec.env, cwd=workdir, nice=spec.nice
        )
        self.procs[spec.name] = proc
        return proc

    async def _wait_services_ready(self) -> None:
        await self.wait_ready(*(spec.name for spec in self.services()))

    async def wait_ready(self, *names: str, timeout: float = 90) -> None:
        """Wait until the named services answer ``/readyz`` with 200."""
        async with httpx.AsyncClient(timeout=2) as client:

            async def ready(spec: ServiceSpec) -> None:
                async def check() -> bool:
                    proc = self.procs[spec.name]
                    if not proc.alive():
                        raise NotReady(f"{spec.name} exited:\n{proc.log_tail()}")
                    return (await client.get(spec.ready_url)).status_code == 200

                try:
                    await wait_until(check, what=spec.name, timeout=timeout, interval=0.2)
                except NotReady as exc:
                    raise NotReady(
                        f"{exc}\n--- {spec.name} log:\n{self.procs[spec.name].log_tail()}"
                    ) from None

            await asyncio.gather(*(ready(self.spec(name)) for name in names))

    def spec(self, name: str) -> ServiceSpec:
        if name in self.extra_specs:
            return self.extra_specs[name]
        return next(s for s in self.services() if s.name == name)

    async def spawn_gateway(self, env: Mapping[str, str] | None = None) -> str:
        """Start one more gateway on a free port, with ``env`` over the usual environment
        (e.g. ``{"GATEWAY_BUDGET_BURST": "3"}``); it stops with the stack.  Its base URL."""
        usual = self.spec("gateway")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        argv = list(usual.argv)
        argv[argv.index("--port") + 1] = str(port)
        name = f"gateway-{len(self.extra_specs) + 2}"
        self.extra_specs[name] = ServiceSpec(
            name,
            argv,
            {**usual.env, "GATEWAY_PUBLIC_BASE_URL": url, **(env or {})},
            f"{url}/readyz",
        )
        self._spawn(self.extra_specs[name])
        await self.wait_ready(name)
        return url

    def kill(self, name: str) -> None:
        """SIGKILL one service, as a crash would."""
        self.procs[name].kill()

    def restart(self, name: str) -> Proc:
        """Start a service again (after ``kill``, or stopping it first)."""
        self.procs[name].stop()
        return self._spawn(self.spec(name))

    def stop_service(self, name: str) -> None:
        """Stop one process cleanly (e.g. the SMTP sink, to test an outage)."""
        self.procs[name].stop()

    def start_smtp(self) -> Proc:
        """Start the SMTP sink again after ``stop_service("smtp")``."""
        self.procs["smtp"] = self._smtp()
        return self.procs["smtp"]

    async def halt(self) -> None:
        """Stop services first, then the SMTP sink and the broker; databases, the Kafka log
        and mails stay (``start`` again carries on where this left off)."""
        for name in reversed(list(self.procs)):
            await asyncio.to_thread(self.procs.pop(name).stop)
        await asyncio.to_thread(self.kafka.stop)

    async def stop(self) -> None:
        """``halt``, then drop the databases unless kept, then stop a local Postgres."""
        await self.halt()
        if not self.config.keep_databases:
            for service in list(self.dsns):
                await drop_database(self.server_dsn, f"{self.config.db_prefix}_{service}")
                del self.dsns[service]
        if self.cluster:
            await asyncio.to_thread(self.cluster.stop)
            self.cluster = None
