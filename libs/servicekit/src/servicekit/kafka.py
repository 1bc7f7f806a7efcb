"""Kafka clients from settings, and topic creation, for Apache Kafka or any Kafka-protocol
cluster (self-hosted or managed: SASL/SCRAM, TLS with a CA file, mutual TLS)."""

from __future__ import annotations

import argparse
import asyncio
import ssl
import sys
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code
from aiokafka.helpers import create_ssl_context
from pydantic import ValidationError

from contracts.topics import ALL_TOPICS
from servicekit.settings import KafkaSettings, TopicSettings


def ssl_context(kafka: KafkaSettings) -> ssl.SSLContext | None:
    """The TLS context of ``SSL`` and ``SASL_SSL``: the broker's certificate checked against
    ``kafka_ssl_cafile`` (else the system's CAs) and its host name; the client certificate
    for mutual TLS. ``None`` without TLS."""
    if not kafka.kafka_uses_tls:
        return None
    key_password = kafka.kafka_ssl_key_password
    context: ssl.SSLContext = create_ssl_context(
        cafile=kafka.kafka_ssl_cafile,
        certfile=kafka.kafka_ssl_certfile,
        keyfile=kafka.kafka_ssl_keyfile,
        password=key_password.get_secret_value() if key_password else None,
    )
    return context


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for every aiokafka client (producer, consumer, admin): the brokers
    and how to authenticate to them. The one place that reads the Kafka settings."""
    options: dict[str, Any] = {
        "bootstrap_servers": kafka.kafka_bootstrap_servers,
        "security_protocol": kafka.kafka_security_protocol,
    }
    if kafka.kafka_uses_sasl:
        assert kafka.kafka_sasl_password is not None  # the settings refuse SASL without one
        options |= {
            "sasl_mechanism": kafka.kafka_sasl_mechanism,
            # aiokafka's names; SCRAM takes the same two
            "sasl_plain_username": kafka.kafka_sasl_username,
            "sasl_plain_password": kafka.kafka_sasl_password.get_secret_value(),
        }
    if kafka.kafka_uses_tls:
        options["ssl_context"] = ssl_context(kafka)
    return options


def producer(kafka: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    """acks=all and idempotent: a retried send after a lost acknowledgement is written once,
    in order.  No transactions: the consumers are idempotent (``docs/operators.md``)."""
    return AIOKafkaProducer(
        **client_options(kafka),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=10_000,
    )


async def ensure_topics(
    kafka: str | KafkaSettings, *, replication_factor: int = 1, min_insync_replicas: int = 1
) -> list[str]:
    """Create every registry topic and its DLQ with its partition count, replication factor
    and ``min.insync.replicas``; topics that exist are left as they are.  Returns the names
    created; raises ``KafkaError`` naming every topic the cluster refused.

    ``kafka`` is the cluster's settings, or just a bootstrap list (the dev and test broker,
    no authentication)."""
    settings = kafka if isinstance(kafka, KafkaSettings) else _unauthenticated(kafka)
    admin = AIOKafkaAdminClient(**client_options(settings), client_id="topic-setup")
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
            response = await admin.create_topics(wanted)
            refused = [
                f"{name}: {for_code(code).__name__} {details[0] if details else ''}".rstrip()
                for name, code, *details in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)
            ]
            if refused:
                raise KafkaError("topics not created: " + "; ".join(refused))
        return [t.name for t in wanted]
    finally:
        await admin.close()


def _unauthenticated(bootstrap: str) -> KafkaSettings:
    """Settings for a bootstrap list alone, whatever ``KAFKA_*`` the environment has."""
    return KafkaSettings.model_construct(kafka_bootstrap=bootstrap)


def main(argv: list[str] | None = None) -> int:
    """``servicekit-topics``: create the registry's topics on a cluster, once, before the
    services start (settings from ``KAFKA_*``, see ``TopicSettings``)."""
    parser = argparse.ArgumentParser(
        prog="servicekit-topics",
        description="Create every registry topic and its .dlq on the cluster KAFKA_BOOTSTRAP "
        "names (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, "
        "KAFKA_SASL_PASSWORD, KAFKA_SSL_CAFILE, KAFKA_SSL_CERTFILE, KAFKA_SSL_KEYFILE), with "
        "KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS (production: 3 and 2). "
        "Topics that exist are left as they are.",
    )
    parser.parse_args(argv)
    try:
        settings = TopicSettings()
        created = asyncio.run(
            ensure_topics(
                settings,
                replication_factor=settings.kafka_replication_factor,
                min_insync_replicas=settings.kafka_min_insync_replicas,
            )
        )
    except (ValidationError, KafkaError) as exc:
        sys.stderr.write(f"servicekit-topics: {exc}\n")
        return 1
    sys.stdout.write("".join(f"created {name}\n" for name in created) or "nothing to create\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
