"""Domain objects → v1 contract messages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from capacity.domain.model import Event, Outcome, Seat
from capacity.domain.sessions import Place, SessionChange, Slot
from contracts import messages as m


def programme(event: Event) -> list[m.SlotSnapshot]:
    return [_slot(slot, event.session_counts) for slot in event.details.programme]


def _slot(slot: Slot, counts: dict[UUID, tuple[int, int]]) -> m.SlotSnapshot:
    sessions = []
    for session in slot.sessions:
        taken, waiting = counts.get(session.session_id, (0, 0))
        sessions.append(
            m.SessionSnapshot(
                session_id=session.session_id,
                title=session.title,
                description=session.description,
                room=session.room,
                moderation=session.moderation,
                capacity=session.capacity,
                seats_taken=taken,
                seats_left=max(0, session.capacity - taken),
                waitlist_length=waiting,
            )
        )
    return m.SlotSnapshot(
        slot_id=slot.slot_id,
        title=slot.title,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sessions=sessions,
        ranks=slot.ranks,
        choice_required=slot.choice_required,
        fallback=slot.fallback,
    )


def session_places(places: list[Place]) -> list[m.SessionPlace]:
    return [
        m.SessionPlace(
            slot_id=place.slot_id,
            session_id=place.session_id,
            rank=place.rank,
            waiting=[m.SessionWait(session_id=s, position=p) for s, p in place.waiting],
        )
        for place in places
    ]


def session_message(
    change: SessionChange, event_id: UUID, decision_id: UUID, at: datetime
) -> m.SessionDecision:
    """The ``capacity.sessions.v1`` message for one change."""
    ids = {
        "decision_id": decision_id,
        "registration_id": change.registration_id,
        "event_id": event_id,
        "decided_at": at,
        "slot_id": change.slot_id,
    }
    if change.position is not None:
        assert change.session_id is not None
        return m.SessionWaitlisted(**ids, session_id=change.session_id, position=change.position)
    if change.session_id is None:
        assert isinstance(change.reason, m.SessionReleaseReason) and change.previous is not None
        return m.SessionSeatReleased(**ids, session_id=change.previous, reason=change.reason)
    assert isinstance(change.reason, m.SessionMoveReason)
    return m.SessionSeatAssigned(
        **ids,
        session_id=change.session_id,
        previous_session_id=change.previous,
        rank=change.rank,
        reason=change.reason,
    )


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
        programme=programme(event),
        choice_deadline=details.choice_deadline,
        stand_call=details.stand_call,
        stands_taken=event.stands_taken,
        revision=event.revision,
    )


def decision_message(
    seat: Seat,
    decision_id: UUID,
    at: datetime,
    *,
    position: int | None = None,
    was_waitlisted: bool = False,
    sessions: list[Place] | None = None,
) -> m.Decision:
    """The decision message for the seat's current outcome (``sessions``: what a
    confirmed seat holds in the programme's choice slots)."""
    ids = {
        "decision_id": decision_id,
        "registration_id": seat.registration_id,
        "event_id": seat.event_id,
        "decided_at": at,
    }
    if seat.outcome is Outcome.CONFIRMED:
        return m.SeatConfirmed(
            **ids, from_waitlist=seat.from_waitlist, sessions=session_places(sessions or [])
        )
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
