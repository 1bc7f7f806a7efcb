"""Generate the committed JSON Schema files and the AsyncAPI document from the models.

``contracts-schemas`` writes them; ``contracts-schemas --check`` fails when the committed
files differ from what the models generate (a contract change that was not committed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from contracts.envelope import Envelope
from contracts.messages import ALL_MESSAGES, IntegrationEvent
from contracts.topics import ALL_TOPICS

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DEV_BROKER = "127.0.0.1:19092"
"""``make run``'s broker; the services' default ``*_KAFKA_BOOTSTRAP``."""

SERVERS: dict[str, Any] = {
    "production": {
        "host": "kafka.quartier.example:9093",
        "protocol": "kafka-secure",
        "title": "Production cluster (placeholder host)",
        "description": "The operator's Kafka cluster: TLS (kafka-secure: SSL or SASL_SSL), the "
        "brokers' certificates signed by the CA the operator hands out, and a principal of "
        "your own (SASL/SCRAM or PLAIN, or a client certificate) that may READ and DESCRIBE "
        "the topics you subscribe to and READ your consumer group. Ask the operator for the "
        "bootstrap list; this host is a placeholder.",
        "security": [
            {"$ref": "#/components/securitySchemes/scramSha512"},
            {"$ref": "#/components/securitySchemes/scramSha256"},
            {"$ref": "#/components/securitySchemes/plain"},
            {"$ref": "#/components/securitySchemes/mutualTls"},
        ],
    },
    "development": {
        "host": DEV_BROKER,
        "protocol": "kafka",
        "title": "Dev broker (make run)",
        "description": "Apache Kafka on a developer's machine: plaintext, no authentication, "
        "bound to 127.0.0.1.",
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "scramSha512": {
        "type": "scramSha512",
        "description": "SASL/SCRAM-SHA-512 over TLS (security protocol SASL_SSL).",
    },
    "scramSha256": {
        "type": "scramSha256",
        "description": "SASL/SCRAM-SHA-256 over TLS (security protocol SASL_SSL).",
    },
    "plain": {
        "type": "plain",
        "description": "SASL/PLAIN over TLS (SASL_SSL), e.g. a managed cluster's API key.",
    },
    "mutualTls": {
        "type": "X509",
        "description": "A client certificate signed by a CA the cluster trusts (security "
        "protocol SSL).",
    },
}


def schema_file_name(message: type[IntegrationEvent]) -> str:
    return f"{message.ce_type()}.json"


def message_schema(message: type[IntegrationEvent]) -> dict[str, Any]:
    schema = message.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = schema_file_name(message)
    schema["x-ce-type"] = message.ce_type()
    return schema


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        channel_id = topic.name.replace(".", "_")
        channels[channel_id] = {
            "address": topic.name,
            "description": f"{topic.description} Key: {topic.key_field}. "
            f"Partitions: {topic.partitions}. Writer: {topic.owner}. DLQ: {topic.dlq}.",
            "messages": {
                msg.type_name: {
                    "name": msg.type_name,
                    "contentType": "application/json",
                    "headers": {"$ref": "#/components/schemas/Envelope"},
                    "payload": {"$ref": f"./{schema_file_name(msg)}"},
                }
                for msg in topic.messages
            },
        }
        operations[f"{topic.owner}_sends_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Quartier event registration platform",
            "version": "1.0.0",
            "description": "Topics other systems may subscribe to. Envelope attributes travel "
            "as Kafka headers (CloudEvents 1.0 binary mode); the value is the JSON payload.",
        },
        "defaultContentType": "application/json",
        "servers": SERVERS,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": {"Envelope": Envelope.model_json_schema()},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def generate() -> dict[str, str]:
    """File name → file content of everything under ``contracts/schemas/``."""
    files = {
        schema_file_name(msg): json.dumps(message_schema(msg), indent=2, sort_keys=True) + "\n"
        for msg in ALL_MESSAGES
    }
    files["asyncapi.json"] = json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n"
    return files


def differences(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of generated files that are missing, changed or extra in ``directory``."""
    generated = generate()
    committed = {p.name: p.read_text() for p in directory.glob("*.json")}
    return sorted(
        name
        for name in generated.keys() | committed.keys()
        if generated.get(name) != committed.get(name)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed files differ")
    args = parser.parse_args(argv)
    if args.check:
        diff = differences()
        if diff:
            sys.stderr.write(f"schemas differ from the models: {', '.join(diff)}\n")
            return 1
        return 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for stale in SCHEMA_DIR.glob("*.json"):
        stale.unlink()
    for name, content in generate().items():
        (SCHEMA_DIR / name).write_text(content)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
