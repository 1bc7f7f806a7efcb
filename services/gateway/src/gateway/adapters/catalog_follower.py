"""Follows ``capacity.catalog.v1`` from the beginning into the in-memory catalog.

No consumer group: every gateway process reads every partition itself and commits nothing,
so a restart simply reads the topic again.  "Caught up" means every partition reached the
end offset it had when the follower was assigned to it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from contracts import topics
from contracts.envelope import ContractError, decode
from contracts.messages import CatalogEvent
from gateway.domain.model import Catalog
from servicekit.kafka import client_options
from servicekit.settings import KafkaSettings

log = structlog.get_logger(__name__)


class KafkaCatalogFollower:
    def __init__(
        self,
        kafka: KafkaSettings,
        catalog: Catalog,
        *,
        client_id: str = "gateway-catalog",
        retry_interval: float = 1.0,
        poll_timeout_ms: int = 500,
    ) -> None:
        self._kafka = kafka
        self._catalog = catalog
        self._client_id = client_id
        self._retry_interval = retry_interval
        self._poll_timeout_ms = poll_timeout_ms
        self._caught_up = False
        self._task: asyncio.Task[None] | None = None

    @property
    def caught_up(self) -> bool:
        return self._caught_up

    async def start(self) -> None:
        """Start following in the background; the broker may come up later."""
        self._task = asyncio.create_task(self._run(), name="catalog-follower")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            consumer = AIOKafkaConsumer(
                topics.CATALOG.name,
                **client_options(self._kafka),
                client_id=self._client_id,
                group_id=None,  # every partition is assigned to this consumer
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                metadata_max_age_ms=5000,  # a topic created later is found soon
            )
            try:
                await consumer.start()
                await self._follow(consumer)
            except (KafkaError, OSError) as exc:
                log.warning("catalog follower reconnecting", error=repr(exc))
            except Exception:
                log.exception("catalog follower failed, restarting")
            finally:
                await consumer.stop()
            await asyncio.sleep(self._retry_interval)

    async def _follow(self, consumer: Any) -> None:
        targets: dict[TopicPartition, int] = {}
        while True:
            batches = await consumer.getmany(timeout_ms=self._poll_timeout_ms)
            for records in batches.values():
                for record in records:
                    self._apply(record)
            if not self._caught_up and await self._reached(consumer, targets):
                self._caught_up = True
                log.info("catalog caught up", events=len(self._catalog))

    @staticmethod
    async def _reached(consumer: Any, targets: dict[TopicPartition, int]) -> bool:
        """Whether every partition got to the end offset it had when first assigned."""
        partitions = consumer.assignment()
        if not partitions:
            return False  # the topic is not there yet
        missing = [tp for tp in partitions if tp not in targets]
        if missing:
            targets.update(await consumer.end_offsets(missing))
        for tp in partitions:
            if await consumer.position(tp) < targets[tp]:
                return False
        return True

    def _apply(self, record: Any) -> None:
        try:
            payload = catalog_message(record.headers, record.value)
        except ContractError as exc:
            log.warning(
                "catalog record skipped",
                reason=str(exc),
                partition=record.partition,
                offset=record.offset,
            )
            return
        if self._catalog.apply(payload):
            log.debug(
                "catalog updated",
                event_id=str(payload.event.event_id),
                revision=payload.event.revision,
            )


def catalog_message(
    headers: Sequence[tuple[str, bytes | None]] | None, value: bytes | None
) -> CatalogEvent:
    """The catalog message in one record; ``ContractError`` says why there is none."""
    _, payload = decode(topics.CATALOG, list(headers or ()), value)
    if not isinstance(payload, CatalogEvent):
        raise ContractError(f"{payload.ce_type()} carries no event snapshot")
    return payload
