"""What a subscribing system does: plain aiokafka, the committed JSON Schemas, no platform code
beyond the topic names."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.support import eventually

SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"
POISON = ("e2e-poison", b"1")
"""Marks records the tests inject to break the contract: not part of the platform's output."""


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]

    @property
    def type(self) -> str:
        return self.headers.get("ce_type", "")

    def json(self) -> dict[str, object]:
        assert self.value is not None
        data: dict[str, object] = json.loads(self.value)
        return data


@cache
def validator(ce_type: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{ce_type}.json").read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def validate(record: Record) -> dict[str, object]:
    """The record's payload, checked against the committed schema named by its ce_type."""
    for header in ("ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "correlation_id"):
        assert header in record.headers, f"{header} missing on {record.topic}@{record.offset}"
    payload = record.json()
    validator(record.type).validate(payload)
    return payload


async def read_all(bootstrap: str, topic: str, timeout: float = 30) -> list[Record]:
    """Every record of ``topic`` up to the end offsets it has now."""
    return await read_until(bootstrap, topic, None, timeout)


async def _at_end(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    partitions = consumer.assignment()
    if not partitions:
        return False
    ends.update(await consumer.end_offsets([tp for tp in partitions if tp not in ends]))
    return all([await consumer.position(tp) >= ends[tp] for tp in partitions])


async def read_until(
    bootstrap: str,
    topic: str,
    done: Callable[[list[Record]], bool] | None,
    timeout: float = 30,
    *,
    with_poison: bool = False,
) -> list[Record]:
    """Read every partition of ``topic`` from the beginning until ``done(records)`` holds,
    or with ``done`` None up to the end offsets (no consumer group: nothing to join, nothing
    committed).  Records the tests injected as poison are left out unless ``with_poison``
    (dead-letter queues keep their headers)."""
    ends: dict[TopicPartition, int] = {}
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,  # every partition is assigned to this consumer
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Record] = []

    async def read_enough() -> bool:
        if done(records) if done else await _at_end(consumer, ends):
            return True
        batch = await consumer.getmany(timeout_ms=300)
        for tp_records in batch.values():
            records.extend(
                Record(
                    r.topic,
                    r.partition,
                    r.offset,
                    r.key,
                    r.value,
                    {k: v.decode() for k, v in r.headers},
                )
                for r in tp_records
                if with_poison or POISON not in r.headers
            )
        raise AssertionError(f"{len(records)} records read")

    try:
        what = f"what the test waits for on {topic}" if done else f"the end of {topic}"
        await eventually(read_enough, what=what, timeout=timeout, interval=0)
    finally:
        await consumer.stop()
    return records


async def produce(
    bootstrap: str,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes]],
) -> tuple[int, int]:
    """Send one raw record; returns (partition, offset)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        meta = await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()
    return meta.partition, meta.offset


async def committed(bootstrap: str, group: str, topic: str, partition: int) -> int:
    """The consumer group's committed offset (-1 if none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        tp = TopicPartition(topic, partition)
        offsets = await admin.list_consumer_group_offsets(group, partitions=[tp])
        meta = offsets.get(tp)
        return meta.offset if meta is not None else -1
    finally:
        await admin.close()


async def lag(bootstrap: str, group: str, topic: str) -> int:
    """How many records of ``topic`` the consumer group has not committed yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
        partitions = [tp for tp in offsets if tp.topic == topic]
        ends = await consumer.end_offsets(partitions)
        return sum(ends[tp] - offsets[tp].offset for tp in partitions)
    finally:
        await consumer.stop()
        await admin.close()
