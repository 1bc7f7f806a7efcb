"""Kafka producer settings and topic creation, for Apache Kafka or any Kafka-protocol cluster."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from contracts.topics import ALL_TOPICS


def producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """acks=all and idempotent: a retried send after a lost acknowledgement is written once,
    in order.  No transactions: the consumers are idempotent (``docs/operators.md``)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=10_000,
    )


async def ensure_topics(
    bootstrap: str, *, replication_factor: int = 1, min_insync_replicas: int = 1
) -> list[str]:
    """Create every registry topic and its DLQ with its partition count, replication factor
    and ``min.insync.replicas``; topics that exist are left as they are.  Returns the names
    created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="topic-setup")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=name,
                num_partitions=topic.partitions,
                replication_factor=replication_factor,
                topic_configs={"min.insync.replicas": str(min_insync_replicas)},
            )
            for topic in ALL_TOPICS
            for name in (topic.name, topic.dlq)
            if name not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()
