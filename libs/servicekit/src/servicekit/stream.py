"""Faust apps and agents that decode the contract, call a handler and dead-letter what fails.

A handler gets ``(envelope, payload)``, a batch handler a list of them;
``WorkerDatabase.batches`` hands each batch to a service's batch use case with a fresh unit
of work (one transaction for a batch).  What happens when handling fails:

* the record breaks the contract (``ContractError``) or the handler raises ``Unprocessable``:
  the record goes to ``<topic>.dlq`` with the reason in headers, the stream goes on;
* a dependency is unavailable (Postgres, SMTP, network, a timeout, ``RetryLater``):
  retried with backoff until it works — the partition waits, nothing is lost;
* any other error: retried ``max_attempts`` times, then dead-lettered with the reason.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import asyncpg
import faust
import structlog
from faust.streams import Stream
from faust.transport.drivers import aiokafka as faust_kafka
from faust.types import EventT, StreamT
from faust.types.auth import CredentialsT
from faust.types.transports import TransportT

from contracts.envelope import ContractError, Envelope, decode
from contracts.messages import IntegrationEvent
from contracts.topics import Topic
from servicekit import heap, logging, metrics
from servicekit.context import Batch, Item, bind_message
from servicekit.database import open_pool_when_up, relay_running
from servicekit.health import Check, failed_checks
from servicekit.kafka import ssl_context
from servicekit.settings import KafkaSettings, ServiceSettings

log = structlog.get_logger(__name__)

Handler = Callable[[Envelope, IntegrationEvent], Awaitable[None]]
BatchHandler = Callable[[Sequence[Item]], Awaitable[None]]
U = TypeVar("U")


class RetryLater(Exception):
    """The message is fine but something it needs is not there yet; retried with backoff."""


class Unprocessable(Exception):
    """A well-formed message the handler can never process; it goes to the DLQ."""


TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    RetryLater,
)


class _IdempotentProducer(faust_kafka.Producer):
    """Faust's producer (it writes the dead letters) idempotent, like every producer here."""

    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class _Transport(faust_kafka.Transport):
    Producer = _IdempotentProducer


class App(faust.App):
    """A Faust app whose producer is idempotent (Faust turns idempotence on only inside
    ``exactly_once`` transactions)."""

    def _new_transport(self) -> TransportT:
        return _Transport(self.conf.broker_consumer, self)

    def _new_producer_transport(self) -> TransportT:
        return _Transport(self.conf.broker_producer, self)


def broker_credentials(kafka: KafkaSettings) -> CredentialsT | None:
    """Faust's form of the Kafka settings (``client_options`` is aiokafka's): SASL with
    or without TLS, TLS alone, or nothing for ``PLAINTEXT``."""
    if kafka.kafka_uses_sasl:
        assert kafka.kafka_sasl_password is not None  # the settings refuse SASL without one
        return faust.SASLCredentials(
            username=kafka.kafka_sasl_username,
            password=kafka.kafka_sasl_password.get_secret_value(),
            mechanism=kafka.kafka_sasl_mechanism,
            ssl_context=ssl_context(kafka),
        )
    if kafka.kafka_uses_tls:
        return faust.SSLCredentials(ssl_context(kafka))
    return None


def create_app(
    app_id: str,
    *,
    kafka: KafkaSettings,
    session_timeout: float,
    heartbeat_interval: float,
    web_port: int | None,
) -> faust.App:
    """A Faust app for the rules in docs/operators.md: at-least-once with idempotent
    consumers, no tables, state in Postgres."""
    return App(
        app_id,
        broker=[f"kafka://{server}" for server in kafka.kafka_bootstrap_servers],
        broker_credentials=broker_credentials(kafka),
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=session_timeout,
        broker_heartbeat_interval=heartbeat_interval,
        broker_commit_interval=0.5,
        topic_disable_leader=True,
        topic_allow_declare=False,
        producer_acks=-1,
        web_enabled=web_port is not None,
        web_bind="127.0.0.1",
        web_host="127.0.0.1",
        web_port=web_port or 6066,
    )


def add_health_pages(app: faust.App, checks: Mapping[str, Check]) -> None:
    """``/healthz`` (the worker runs), ``/readyz`` (every dependency answers) and
    ``/metrics`` (Prometheus; the consumer lag of every assigned partition sampled first)."""
    metrics.add_sampler(consumer_lag_sampler(app))

    @app.page(metrics.METRICS_PATH)
    async def scrape(web: Any, request: Any) -> Any:
        return web.bytes(await metrics.exposition(), content_type=metrics.CONTENT_TYPE_NO_CHARSET)

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        failed = await failed_checks(checks)
        status = 503 if failed else 200
        return web.json(
            {"status": "ok" if not failed else "unavailable", "failed": failed}, status=status
        )


def consumer_lag_sampler(app: faust.App) -> metrics.Sampler:
    """Sets ``quartier_consumer_lag`` for every partition assigned to ``app``: the
    partition's highwater (from the last fetch) minus the offset committed after handling
    (before the first commit of an assignment: the fetch position). Partitions no longer
    assigned are dropped."""
    group = app.conf.id
    reported: set[tuple[str, str, str, str]] = set()

    async def sample() -> None:
        consumer = app.consumer
        try:
            assigned = consumer.assignment()
        except Exception:  # not started, or between assignments
            assigned = set()
        committed: Mapping[Any, int | None] = getattr(consumer, "_committed_offset", {})
        now: set[tuple[str, str, str, str]] = set()
        for tp in assigned:
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            done = committed.get(tp)
            if done is None:
                done = await consumer.position(tp)
            labels = (group, group, tp.topic, str(tp.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(max(0, highwater - (done or 0)))
            now.add(labels)
        for gone in reported - now:
            metrics.CONSUMER_LAG.remove(*gone)
        reported.clear()
        reported.update(now)

    return sample


def header_list(
    headers: Sequence[tuple[str, bytes]] | Mapping[str, bytes] | None,
) -> list[tuple[str, bytes]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


class WorkerDatabase:
    """A worker's Postgres pool, opened when the worker starts, optionally with the outbox
    relay running beside the agents (several workers: one relays, see ``Relay``)."""

    def __init__(
        self,
        app: faust.App,
        dsn: str,
        *,
        pool_size: int = 10,
        relay: tuple[KafkaSettings, int] | None = None,
    ) -> None:
        """``relay``: (Kafka settings, advisory lock id) to run the outbox relay."""
        self._pool: asyncpg.Pool | None = None
        self._started = asyncio.Event()

        @app.task
        async def open_database() -> None:
            pool = await open_pool_when_up(dsn, pool_size)
            self._pool = pool
            self._started.set()
            if relay is not None:
                kafka, lock_id = relay
                async with relay_running(
                    pool, kafka, client_id=f"{app.conf.id}-relay", lock_id=lock_id
                ):
                    await asyncio.Event().wait()

    async def pool(self) -> asyncpg.Pool:
        """The pool, once open (handlers wait for it, under the handler timeout)."""
        await self._started.wait()
        assert self._pool is not None
        return self._pool

    def batches(
        self,
        use_case: Callable[[Batch, U], Awaitable[object]],
        uow_factory: Callable[[asyncpg.Pool], Callable[[], U]],
    ) -> BatchHandler:
        """A batch handler that hands every batch to the service's batch use case, called as
        ``use_case(items, uow)`` with a fresh unit of work from ``uow_factory(pool)`` (the
        use case opens and commits it: one transaction for the batch)."""

        async def handle(items: Sequence[Item]) -> None:
            await use_case(items, uow_factory(await self.pool())())

        return handle

    async def answers(self) -> object:
        if self._pool is None:
            raise RuntimeError("database pool not open yet")
        return await self._pool.fetchval("SELECT 1")


class _Failed(Exception):
    """Handling failed for good; the reason goes to the DLQ."""


class Consumer:
    """Decodes, handles and dead-letters the records of one topic, in order, in batches.

    A batch is handled in one call; if that fails for good, its records are handled one by
    one, so only the record that cannot be handled is dead-lettered."""

    def __init__(
        self,
        app: faust.App,
        topic: Topic,
        handler: BatchHandler,
        *,
        handler_timeout: float = 30.0,
        max_attempts: int = 3,
        max_backoff: float = 5.0,
    ) -> None:
        self.app = app
        self.topic = topic
        self.handler = handler
        self.handler_timeout = handler_timeout
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self._consumed = metrics.CONSUMED.labels(app.conf.id, topic.name)
        self._dead_letters = metrics.DEAD_LETTERS.labels(app.conf.id, topic.name)

    async def process(self, events: Sequence[EventT]) -> None:
        structlog.contextvars.clear_contextvars()
        self._consumed.inc(len(events))
        decoded: list[tuple[EventT, Item]] = []
        for event in events:
            try:
                item = decode(self.topic, header_list(event.message.headers), event.message.value)
            except ContractError as exc:
                await self.dead_letter(event, f"contract: {exc}")
                continue
            decoded.append((event, item))
        if len(decoded) > 1:
            try:
                await self._attempt([item for _, item in decoded], max_attempts=1)
                return
            except _Failed as exc:
                log.warning("batch failed, handling its records one by one", error=str(exc))
        for event, item in decoded:
            bind_message(item[0])
            try:
                await self._attempt([item], max_attempts=self.max_attempts)
            except _Failed as exc:
                await self.dead_letter(event, str(exc))

    async def _attempt(self, items: list[Item], *, max_attempts: int) -> None:
        """Run the handler: retried while a dependency is down, given up (``_Failed``) when
        the message is unprocessable or after ``max_attempts`` other errors."""
        attempt = 0
        while True:
            attempt += 1
            try:
                await asyncio.wait_for(self.handler(items), self.handler_timeout)
                return
            except Unprocessable as exc:
                raise _Failed(f"unprocessable: {exc}") from exc
            except TRANSIENT as exc:
                log.warning("dependency unavailable, retrying", error=repr(exc), attempt=attempt)
            except Exception as exc:
                if attempt >= max_attempts:
                    raise _Failed(f"error: {exc!r}; {traceback.format_exc(limit=3)}") from exc
                log.exception("handler failed, retrying", attempt=attempt)
            await asyncio.sleep(min(self.max_backoff, 0.1 * 2**attempt))

    async def dead_letter(self, event: EventT, reason: str) -> None:
        message = event.message
        dlq_headers = [
            *header_list(message.headers),
            ("dlq_reason", reason[:2000].encode()),
            ("dlq_source_topic", message.topic.encode()),
            ("dlq_source_partition", str(message.partition).encode()),
            ("dlq_source_offset", str(message.offset).encode()),
            ("dlq_consumer", self.app.conf.id.encode()),
        ]
        await self.app.producer.send_and_wait(
            self.topic.dlq, message.key, message.value, None, None, dlq_headers
        )
        self._dead_letters.inc()
        log.error(
            "message dead-lettered",
            dlq=self.topic.dlq,
            reason=reason[:300],
            partition=message.partition,
            offset=message.offset,
        )


def one_by_one(handler: Handler) -> BatchHandler:
    """A batch handler that calls a single-message handler for each message."""

    async def handle(items: Sequence[Item]) -> None:
        for envelope, payload in items:
            await handler(envelope, payload)

    return handle


def consume(
    app: faust.App,
    topic: Topic,
    handler: Handler | BatchHandler,
    *,
    batch_size: int = 1,
    batch_within: float = 0.1,
    **options: Any,
) -> Consumer:
    """Register an agent on ``topic`` that handles every record, in order.

    With ``batch_size`` 1, ``handler(envelope, payload)`` runs per record; above 1,
    ``handler(items)`` gets up to ``batch_size`` records that arrived within
    ``batch_within`` seconds (one transaction for many decisions in a rush).  Faust's
    batching wakes every ``batch_within`` also when nothing comes: 20 ms cost each idle
    worker a wake-up 50 times a second, and in a rush batches of one or two."""
    batch_handler = (
        cast(BatchHandler, handler) if batch_size > 1 else one_by_one(cast(Handler, handler))
    )
    consumer = Consumer(app, topic, batch_handler, **options)
    channel = app.topic(
        topic.name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=topic.partitions,
        internal=False,
    )

    async def agent(events_of: StreamT[bytes]) -> None:
        stream = cast(Stream[bytes], events_of)  # StreamT lacks take_events; Stream has it
        if batch_size == 1:
            async for event in stream.events():
                await consumer.process([event])
        else:
            async for events in stream.take_events(batch_size, batch_within):
                await consumer.process(events)

    app.agent(channel, name=f"{app.conf.id}.{topic.name}")(agent)
    return consumer


def worker(
    app_id: str, settings: ServiceSettings, *, relay_lock: int | None = None
) -> tuple[faust.App, WorkerDatabase]:
    """A service's Faust app with its database pool, health pages and (optionally) the
    outbox relay, all from the service's settings."""
    app = create_app(
        app_id,
        kafka=settings,
        session_timeout=settings.session_timeout,
        heartbeat_interval=settings.heartbeat_interval,
        web_port=settings.web_port,
    )
    database = WorkerDatabase(
        app,
        settings.database_url,
        pool_size=settings.pool_size,
        relay=None if relay_lock is None else (settings, relay_lock),
    )
    add_health_pages(app, {"database": database.answers, "consumer group": joined(app)})
    return app, database


def joined(app: faust.App) -> Check:
    """A check that passes once the worker has been through its first group assignment."""
    assignments: list[object] = []

    async def assigned(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
        assignments.append(sender)

    # mode's handler type uses mypy_extensions argument kinds that no def can spell
    app.on_partitions_assigned.connect(assigned)  # type: ignore[arg-type]

    async def check() -> object:
        if not assignments:
            raise RuntimeError("not yet in the consumer group")
        return True

    return check


def run_worker(app: faust.App, settings: ServiceSettings) -> None:
    """Run a Faust worker until SIGTERM/SIGINT, logging through our structlog handler only."""
    level = settings.log_level
    app.conf.loghandlers = [logging.configure(app.conf.id, level=level, json=settings.log_json)]
    heap.settle()
    faust.Worker(
        app,
        loglevel=level,
        logging_config={
            "version": 1,
            "disable_existing_loggers": False,
            "root": {"level": level, "handlers": []},
        },
    ).execute_from_commandline()
