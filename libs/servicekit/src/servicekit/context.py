"""What a use case knows of the messages it handles, free of Faust and asyncpg (service layers
may import it): a batch of decoded messages, and the log context bound for each of them."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent

Item = tuple[Envelope, IntegrationEvent]
"""One decoded message: its envelope and its payload."""
Batch = Sequence[Item]
"""Messages of one topic in the order they arrived; a batch use case handles them in one
unit of work."""


def bind_message(envelope: Envelope) -> None:
    """Log lines from here on carry the message's correlation id."""
    structlog.contextvars.bind_contextvars(
        correlation_id=envelope.correlation_id,
        message_id=str(envelope.id),
        message_type=envelope.type,
    )
