"""Follows ``capacity.catalog.v1`` from the beginning into the in-memory catalog.

A restart simply reads the topic again (``TopicFollower``: no consumer group).  "Caught up"
means every partition reached the end offset it had when the follower was assigned to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import TopicPartition

from contracts import topics
from contracts.envelope import ContractError, decode
from contracts.messages import CatalogEvent
from gateway.adapters.topic_follower import TopicFollower
from gateway.domain.model import Catalog
from servicekit.settings import KafkaSettings

log = structlog.get_logger(__name__)


class KafkaCatalogFollower(TopicFollower):
    topic = topics.CATALOG
    start_at = "earliest"

    def __init__(
        self,
        kafka: KafkaSettings,
        catalog: Catalog,
        *,
        client_id: str = "gateway-catalog",
        **options: Any,
    ) -> None:
        """``options``: ``TopicFollower``'s (``retry_interval``, ``poll_timeout_ms``)."""
        super().__init__(kafka, client_id=client_id, **options)
        self._catalog = catalog
        self._caught_up = False

    @property
    def caught_up(self) -> bool:
        return self._caught_up

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
