"""The envelope: CloudEvents 1.0 attributes plus correlation and causation id, as Kafka headers.

The value of a record is the payload as JSON; the headers carry::

    ce_specversion, ce_id, ce_source, ce_type, ce_time, content-type,
    correlation_id, causation_id (optional)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from contracts.messages import IntegrationEvent
from contracts.topics import Topic

Headers = list[tuple[str, bytes]]
SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"


class ContractError(ValueError):
    """A record that does not follow the contract; the reason goes to the DLQ."""


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    source: str
    type: str
    time: AwareDatetime
    correlation_id: str
    causation_id: str | None = None
    specversion: str = SPECVERSION

    @classmethod
    def new(
        cls,
        payload: IntegrationEvent,
        *,
        source: str,
        correlation_id: str | None = None,
        causation: Envelope | None = None,
    ) -> Envelope:
        """An envelope for ``payload``; a caused message inherits the correlation id."""
        message_id = uuid4()
        if correlation_id is None:
            correlation_id = causation.correlation_id if causation else str(message_id)
        return cls(
            id=message_id,
            source=source,
            type=payload.ce_type(),
            time=datetime.now(UTC),
            correlation_id=correlation_id,
            causation_id=str(causation.id) if causation else None,
        )

    def to_headers(self) -> Headers:
        headers: Headers = [
            ("ce_specversion", self.specversion.encode()),
            ("ce_id", str(self.id).encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", CONTENT_TYPE.encode()),
            ("correlation_id", self.correlation_id.encode()),
        ]
        if self.causation_id:
            headers.append(("causation_id", self.causation_id.encode()))
        return headers

    @classmethod
    def from_headers(cls, headers: Iterable[tuple[str, bytes | None]]) -> Envelope:
        raw = {k: (v or b"").decode("utf-8", "replace") for k, v in headers}
        try:
            return cls(
                id=raw.get("ce_id"),
                source=raw.get("ce_source"),
                type=raw.get("ce_type"),
                time=raw.get("ce_time"),
                correlation_id=raw.get("correlation_id") or raw.get("ce_id"),
                causation_id=raw.get("causation_id"),
                specversion=raw.get("ce_specversion", ""),
            )
        except ValidationError as exc:
            raise ContractError(f"invalid envelope headers: {_short(exc)}") from exc


def decode(
    topic: Topic, headers: Sequence[tuple[str, bytes | None]], value: bytes | None
) -> tuple[Envelope, IntegrationEvent]:
    """Envelope and payload of one record of ``topic``; ``ContractError`` says why not."""
    envelope = Envelope.from_headers(headers)
    if envelope.specversion != SPECVERSION:
        raise ContractError(f"unsupported ce_specversion {envelope.specversion!r}")
    message_type = topic.by_type.get(envelope.type)
    if message_type is None:
        raise ContractError(f"ce_type {envelope.type!r} is not a message of {topic.name}")
    if value is None:
        raise ContractError("record has no value")
    try:
        return envelope, message_type.model_validate_json(value)
    except ValidationError as exc:
        raise ContractError(f"{envelope.type} payload invalid: {_short(exc)}") from exc


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}" for err in exc.errors()
    )[:500]
