"""Domain objects → v1 contract messages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, Outcome, SeatDecision
from contracts import messages as m


def snapshot(event: Event) -> m.EventSnapshot:
    return m.EventSnapshot(
        event_id=event.event_id,
        title=event.title,
        kind=m.EventKind(event.kind),
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        city=event.city,
        capacity=event.capacity,
        seats_taken=event.seats_taken,
        seats_left=event.seats_left,
        waitlist_enabled=event.waitlist_enabled,
        waitlist_length=event.waitlist_length,
        status=m.EventStatus(event.status),
        close_reason=event.close_reason,
        revision=event.revision,
    )


def decision_message(decision: SeatDecision, decision_id: UUID, at: datetime) -> m.Decision:
    common = {
        "decision_id": decision_id,
        "registration_id": decision.registration_id,
        "event_id": decision.event_id,
        "decided_at": at,
    }
    if decision.outcome is Outcome.CONFIRMED:
        return m.SeatConfirmed(**common)
    if decision.outcome is Outcome.WAITLISTED:
        assert decision.waitlist_position is not None
        return m.Waitlisted(**common, position=decision.waitlist_position)
    assert decision.rejection is not None
    return m.RegistrationRejected(**common, reason=m.RejectionReason(decision.rejection))
