"""Following one topic in the background, without a consumer group: every gateway process
reads every partition itself and commits nothing; the broker may come up later, and a lost
connection is made anew."""

from __future__ import annotations

import abc
import asyncio
import contextlib
from typing import Any, ClassVar, Literal

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from contracts.topics import Topic
from servicekit.kafka import client_options
from servicekit.settings import KafkaSettings

log = structlog.get_logger(__name__)


class TopicFollower(abc.ABC):
    """Subclasses name the topic, where a new follower starts reading (``earliest``: all of
    it, ``latest``: what comes from now on) and what ``_follow`` does with the records."""

    topic: ClassVar[Topic]
    start_at: ClassVar[Literal["earliest", "latest"]]

    def __init__(
        self,
        kafka: KafkaSettings,
        *,
        client_id: str,
        retry_interval: float = 1.0,
        poll_timeout_ms: int = 500,
    ) -> None:
        self._kafka = kafka
        self._client_id = client_id
        self._retry_interval = retry_interval
        self._poll_timeout_ms = poll_timeout_ms
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start following in the background."""
        self._task = asyncio.create_task(self._run(), name=f"{self._client_id}-follower")

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
                self.topic.name,
                **client_options(self._kafka),
                client_id=self._client_id,
                group_id=None,  # every partition is assigned to this consumer
                enable_auto_commit=False,
                auto_offset_reset=self.start_at,
                metadata_max_age_ms=5000,  # a topic created later is found soon
            )
            try:
                await consumer.start()
                await self._follow(consumer)
            except (KafkaError, OSError) as exc:
                log.warning("follower reconnecting", topic=self.topic.name, error=repr(exc))
            except Exception:
                log.exception("follower failed, restarting", topic=self.topic.name)
            finally:
                await consumer.stop()
            await asyncio.sleep(self._retry_interval)

    @abc.abstractmethod
    async def _follow(self, consumer: Any) -> None:
        """Read ``consumer`` until an error (it is made anew then)."""
