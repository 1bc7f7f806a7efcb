"""The rush's event on ``capacity.decisions.v1``, read as an outside subscriber would: when
each seat was confirmed, and whether any registration was decided twice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.messages import SeatConfirmed
from contracts.topics import DECISIONS

now = time.monotonic


@dataclass
class DecisionWatcher:
    """From the end of the topic as it is at ``start`` (the event is new, so none of its
    decisions is older): every decision about the event, with the time it was read."""

    bootstrap: str
    event_id: str
    confirmed_at: list[float] = field(default_factory=list)
    """When each registration's first ``SeatConfirmed`` arrived, in order."""
    ranks: list[int | None] = field(default_factory=list)
    """The rank of each forum a confirmed seat came with (a Fachtag with Praxisforen)."""
    decisions: dict[str, list[str]] = field(default_factory=dict)
    """Per registration the ``decision_id`` of every decision read, in order."""
    last_at: float | None = None
    _seated: set[str] = field(default_factory=set)
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False
        )
        await consumer.start()
        partitions = [TopicPartition(DECISIONS.name, p) for p in range(DECISIONS.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:
            await consumer.position(partition)  # the seek is done before the rush starts
        self._consumer = consumer
        self._task = asyncio.create_task(self._read(consumer))

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        confirmed_type = SeatConfirmed.ce_type().encode()
        while True:
            for records in (await consumer.getmany(timeout_ms=100)).values():
                for record in records:
                    body = json.loads(record.value)
                    if body.get("event_id") != self.event_id:
                        continue
                    at = now()
                    registration_id = body["registration_id"]
                    self.decisions.setdefault(registration_id, []).append(body["decision_id"])
                    self.last_at = at
                    seat = dict(record.headers).get("ce_type") == confirmed_type
                    if seat and registration_id not in self._seated:
                        self._seated.add(registration_id)
                        self.confirmed_at.append(at)
                        self.ranks.extend(place["rank"] for place in body.get("sessions", []))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    def duplicates(self) -> dict[str, int]:
        """``decided_twice``: registrations with more than one decision (the rush cancels
        nobody, so each gets exactly one: confirmed, waitlisted or rejected); of the extra
        records, ``republished`` carry a ``decision_id`` already read (the same decision
        published again), ``redecided`` a new one (decided again: a seat counted twice)."""
        republished = redecided = 0
        for ids in self.decisions.values():
            copies = Counter(ids)
            republished += sum(n - 1 for n in copies.values())
            redecided += len(copies) - 1
        return {
            "decided_twice": sum(1 for ids in self.decisions.values() if len(ids) > 1),
            "republished": republished,
            "redecided": redecided,
        }
