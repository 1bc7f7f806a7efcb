"""Follows ``capacity.decisions.v1`` from the moment the gateway starts into ``Decisions``
(the registrations decided before are answered by the registration service)."""

from __future__ import annotations

from typing import Any

import structlog

from contracts import topics
from contracts.envelope import ContractError, decode
from contracts.messages import Decision
from gateway.adapters.topic_follower import TopicFollower
from gateway.domain.decisions import Decisions
from servicekit.settings import KafkaSettings

log = structlog.get_logger(__name__)


class KafkaDecisionFollower(TopicFollower):
    topic = topics.DECISIONS
    start_at = "latest"

    def __init__(
        self,
        kafka: KafkaSettings,
        decisions: Decisions,
        *,
        client_id: str = "gateway-decisions",
        **options: Any,
    ) -> None:
        """``options``: ``TopicFollower``'s (``retry_interval``, ``poll_timeout_ms``)."""
        super().__init__(kafka, client_id=client_id, **options)
        self._decisions = decisions
        self._following = False

    @property
    def following(self) -> bool:
        """True while every partition is read from a known place: from then on no decision
        passes unseen (until the connection is lost)."""
        return self._following

    async def _follow(self, consumer: Any) -> None:
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=self._poll_timeout_ms)
                for records in batches.values():
                    for record in records:
                        self._apply(record)
                if not self._following and consumer.assignment():
                    for tp in consumer.assignment():
                        await consumer.position(tp)  # fixes where "latest" is
                    self._following = True
        finally:
            self._following = False

    def _apply(self, record: Any) -> None:
        try:
            _, payload = decode(self.topic, list(record.headers or ()), record.value)
        except ContractError as exc:
            log.warning(
                "decision record skipped",
                reason=str(exc),
                partition=record.partition,
                offset=record.offset,
            )
            return
        if isinstance(payload, Decision):
            self._decisions.record(payload)
