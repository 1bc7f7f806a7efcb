"""The contracts as outside subscribers see them: schema files, topic registry, envelope."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import jsonschema
import pytest

from contracts import messages as m
from contracts import topics
from contracts.envelope import ContractError, Envelope, decode
from contracts.schemas import SCHEMA_DIR, differences, schema_file_name


def test_committed_schemas_are_what_the_models_generate() -> None:
    assert differences() == [], "run `make schemas` and commit contracts/schemas/"


def test_one_writer_and_one_topic_per_message_type() -> None:
    owners = {t.name: t.owner for t in topics.ALL_TOPICS}
    assert all(name.startswith(f"{owner}.") for name, owner in owners.items())
    for message in m.ALL_MESSAGES:
        homes = [t.name for t in topics.ALL_TOPICS if message in t.messages]
        assert len(homes) == 1, f"{message.__name__} is on {homes}"


def test_topics_have_enough_partitions_to_scale_and_a_dead_letter_queue() -> None:
    for topic in topics.ALL_TOPICS:
        assert topic.partitions >= 8
        assert topic.dlq == f"{topic.name}.dlq"


def test_every_message_has_a_committed_schema_and_an_asyncapi_entry() -> None:
    asyncapi = json.loads((SCHEMA_DIR / "asyncapi.json").read_text())
    addresses = {c["address"]: c for c in asyncapi["channels"].values()}
    for topic in topics.ALL_TOPICS:
        channel = addresses[topic.name]
        for message in topic.messages:
            assert (SCHEMA_DIR / schema_file_name(message)).exists()
            assert channel["messages"][message.type_name]["payload"]["$ref"].endswith(
                schema_file_name(message)
            )


def sample() -> m.SeatConfirmed:
    return m.SeatConfirmed(
        decision_id=uuid4(),
        registration_id=uuid4(),
        event_id=uuid4(),
        decided_at=datetime.now(UTC),
        from_waitlist=True,
    )


def test_a_message_validates_against_its_committed_schema() -> None:
    payload = sample()
    schema = json.loads((SCHEMA_DIR / schema_file_name(type(payload))).read_text())
    jsonschema.validate(json.loads(payload.model_dump_json()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"registration_id": "x"}, schema)


def test_the_envelope_travels_as_headers_and_keeps_correlation() -> None:
    payload = sample()
    cause = Envelope.new(payload, source="registration", correlation_id="corr-9")
    envelope = Envelope.new(payload, source="capacity", causation=cause)
    headers = envelope.to_headers()
    assert dict(headers)["ce_type"] == b"quartier.SeatConfirmed.v1"
    decoded, again = decode(topics.DECISIONS, headers, payload.model_dump_json().encode())
    assert again == payload
    assert decoded.correlation_id == "corr-9"
    assert decoded.causation_id == str(cause.id)


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        ([], b"{}", "invalid envelope"),
        ("wrong-type", b"{}", "is not a message of"),
        ("ok", b"{not json", "payload invalid"),
        ("ok", None, "no value"),
    ],
)
def test_records_that_break_the_contract_say_why(
    headers: object, value: bytes | None, reason: str
) -> None:
    envelope = Envelope.new(sample(), source="t").to_headers()
    if headers == "wrong-type":
        envelope = [(k, b"quartier.EventClosed.v1" if k == "ce_type" else v) for k, v in envelope]
    with pytest.raises(ContractError, match=reason):
        decode(topics.DECISIONS, envelope if headers else [], value)
