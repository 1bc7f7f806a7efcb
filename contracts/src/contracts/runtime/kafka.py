"""Kafka producer settings that work on Apache Kafka, Redpanda and the dev broker."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from contracts.topics import ALL_TOPICS


def producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """acks=all, no idempotence and no transactions (the dev broker cannot do them; the
    consumers are idempotent instead)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        request_timeout_ms=10_000,
    )


async def ensure_topics(bootstrap: str) -> list[str]:
    """Create every registry topic and its DLQ with its partition count; returns created names."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="topic-setup")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name=name, num_partitions=topic.partitions, replication_factor=1)
            for topic in ALL_TOPICS
            for name in (topic.name, topic.dlq)
            if name not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()
