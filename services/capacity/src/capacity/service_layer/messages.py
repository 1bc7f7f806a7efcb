"""Domain objects → v1 contract messages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, Outcome, Seat
from contracts import messages as m


def snapshot(event: Event) -> m.EventSnapshot:
    details = event.details
    return m.EventSnapshot(
        event_id=event.event_id,
        title=details.title,
        kind=m.EventKind(details.kind),
        description=details.description,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        venue=details.venue,
        address=details.address,
        city=details.city,
        organiser_contact=details.organiser_contact,
        capacity=event.capacity,
        seats_taken=event.seats_taken,
        seats_left=max(0, event.seats_left),
        waitlist_enabled=details.waitlist_enabled,
        waitlist_length=event.waitlist_length,
        status=event.status,
        close_reason=event.close_reason,
        registration_deadline=details.registration_deadline,
        revision=event.revision,
    )


def decision_message(
    seat: Seat,
    decision_id: UUID,
    at: datetime,
    *,
    position: int | None = None,
    was_waitlisted: bool = False,
) -> m.Decision:
    """The decision message for the seat's current outcome."""
    ids = {
        "decision_id": decision_id,
        "registration_id": seat.registration_id,
        "event_id": seat.event_id,
        "decided_at": at,
    }
    if seat.outcome is Outcome.CONFIRMED:
        return m.SeatConfirmed(**ids, from_waitlist=seat.from_waitlist)
    if seat.outcome is Outcome.WAITLISTED:
        assert position is not None
        return m.Waitlisted(**ids, position=position)
    if seat.outcome is Outcome.RELEASED:
        assert seat.release_reason is not None
        return m.SeatReleased(**ids, reason=seat.release_reason, was_waitlisted=was_waitlisted)
    assert seat.rejection is not None
    return m.RegistrationRejected(**ids, reason=seat.rejection)


NOT_ANNOUNCED = {"revision", "waitlist_length"}
"""Snapshot fields that alone are no news for the catalog (they move with every decision)."""


def catalog_change(
    before: m.EventSnapshot, after: m.EventSnapshot, at: datetime
) -> m.CatalogEvent | None:
    """The catalog message that tells subscribers what changed, if anything they show did.
    Drafts are not on the catalog: publishing one is its ``EventPublished``."""
    if after.status is m.EventStatus.DRAFT:
        return None
    if before.status is m.EventStatus.DRAFT:
        return m.EventPublished(event=after, occurred_at=at)
    if after.status != before.status or after.close_reason != before.close_reason:
        if after.status is m.EventStatus.CANCELLED:
            return m.EventCancelled(event=after, occurred_at=at)
        if after.status is m.EventStatus.CLOSED:
            assert after.close_reason is not None
            return m.EventClosed(event=after, occurred_at=at, reason=after.close_reason)
        return m.EventReopened(event=after, occurred_at=at)
    if after.model_dump(exclude=NOT_ANNOUNCED) != before.model_dump(exclude=NOT_ANNOUNCED):
        return m.EventUpdated(event=after, occurred_at=at)
    return None
