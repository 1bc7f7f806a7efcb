"""Turning a catalog record into a message, or saying why not."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from contracts.envelope import ContractError, Envelope
from contracts.messages import EventPublished, SeatConfirmed
from gateway.adapters.catalog_follower import catalog_message

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_a_valid_record(make_snapshot):
    message = EventPublished(event=make_snapshot(), occurred_at=NOW)
    headers = Envelope.new(message, source="capacity").to_headers()

    assert catalog_message(headers, message.model_dump_json().encode()) == message


def test_records_that_break_the_contract_are_refused(make_snapshot):
    message = EventPublished(event=make_snapshot(), occurred_at=NOW)
    headers = Envelope.new(message, source="capacity").to_headers()
    decision = SeatConfirmed(
        decision_id=uuid4(), registration_id=uuid4(), event_id=uuid4(), decided_at=NOW
    )

    with pytest.raises(ContractError, match="envelope"):
        catalog_message(None, message.model_dump_json().encode())
    with pytest.raises(ContractError, match="payload invalid"):
        catalog_message(headers, b'{"event": {}}')
    with pytest.raises(ContractError, match=r"not a message of capacity\.catalog\.v1"):
        catalog_message(
            Envelope.new(decision, source="capacity").to_headers(),
            decision.model_dump_json().encode(),
        )
