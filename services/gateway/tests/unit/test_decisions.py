"""Long polls held by the gateway on the decisions it follows (``gateway.domain.decisions``,
``handlers.registration_state``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from uuid import UUID

import pytest

from contracts.http.registration import RegistrationState, RegistrationStatus
from contracts.messages import (
    RegistrationRejected,
    RejectionReason,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    Waitlisted,
)
from gateway.domain.commands import ShowRegistration
from gateway.domain.decisions import Decisions
from gateway.service_layer import handlers

EVENT = uuid.uuid4()
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def confirmed(registration_id: UUID) -> SeatConfirmed:
    return SeatConfirmed(
        decision_id=uuid.uuid4(), registration_id=registration_id, event_id=EVENT, decided_at=NOW
    )


def waitlisted(registration_id: UUID, position: int) -> Waitlisted:
    return Waitlisted(
        decision_id=uuid.uuid4(),
        registration_id=registration_id,
        event_id=EVENT,
        decided_at=NOW,
        position=position,
    )


class Service:
    """The registration service's status answers, and every question asked of it."""

    def __init__(self, status: RegistrationStatus = RegistrationStatus.PENDING) -> None:
        self.status = status
        self.asked: list[tuple[UUID, float]] = []

    async def state(
        self, registration_id: UUID, correlation_id: str, wait: float = 0
    ) -> RegistrationState | None:
        self.asked.append((registration_id, wait))
        return RegistrationState(
            registration_id=registration_id,
            event_id=EVENT,
            status=self.status,
            created_at=NOW,
        )


def test_the_latest_decision_counts_and_a_release_forgets():
    decisions = Decisions()
    rid = uuid.uuid4()
    decisions.record(waitlisted(rid, 7))
    latest = decisions.latest(rid)
    assert latest is not None
    assert (latest.status, latest.waitlist_position) == (RegistrationStatus.WAITLISTED, 7)
    decisions.record(confirmed(rid))
    latest = decisions.latest(rid)
    assert latest is not None
    assert latest.status is RegistrationStatus.CONFIRMED
    decisions.record(
        SeatReleased(
            decision_id=uuid.uuid4(),
            registration_id=rid,
            event_id=EVENT,
            decided_at=NOW,
            reason=ReleaseReason.CANCELLED_BY_ATTENDEE,
        )
    )
    assert decisions.latest(rid) is None


def test_only_the_last_decisions_are_kept():
    decisions = Decisions(keep=3)
    ids = [uuid.uuid4() for _ in range(5)]
    for rid in ids:
        decisions.record(confirmed(rid))
    assert len(decisions) == 3
    assert [decisions.latest(rid) is not None for rid in ids] == [False, False, True, True, True]


async def test_a_decision_wakes_whoever_watches_it():
    decisions = Decisions()
    rid, other = uuid.uuid4(), uuid.uuid4()
    with decisions.watch(rid) as decided, decisions.watch(other) as not_this:
        decisions.record(confirmed(rid))
        assert decided.is_set()
        assert not not_this.is_set()


async def test_a_pending_registration_is_answered_with_the_decision_seen():
    decisions, service = Decisions(), Service()
    rid = uuid.uuid4()

    async def decide() -> None:
        await asyncio.sleep(0.05)
        decisions.record(waitlisted(rid, 12))

    deciding = asyncio.create_task(decide())
    state = await handlers.registration_state(
        ShowRegistration(rid, "c", wait=5), service, decisions
    )
    await deciding
    assert state is not None
    assert (state.status, state.waitlist_position) == (RegistrationStatus.WAITLISTED, 12)
    assert state.created_at == NOW
    assert service.asked == [(rid, 0)]  # once, and not held there


async def test_a_rejection_carries_its_reason():
    decisions, service = Decisions(), Service()
    rid = uuid.uuid4()
    decisions.record(
        RegistrationRejected(
            decision_id=uuid.uuid4(),
            registration_id=rid,
            event_id=EVENT,
            decided_at=NOW,
            reason=RejectionReason.EVENT_FULL,
        )
    )
    state = await handlers.registration_state(
        ShowRegistration(rid, "c", wait=5), service, decisions
    )
    assert state is not None
    assert (state.status, state.rejection_reason) == (
        RegistrationStatus.REJECTED,
        RejectionReason.EVENT_FULL,
    )


async def test_without_a_decision_in_time_the_service_is_asked_again():
    decisions, service = Decisions(), Service()
    rid = uuid.uuid4()
    state = await handlers.registration_state(
        ShowRegistration(rid, "c", wait=0.05), service, decisions
    )
    assert state is not None
    assert state.status is RegistrationStatus.PENDING
    assert service.asked == [(rid, 0), (rid, 0)]


@pytest.mark.parametrize("status", [RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED])
async def test_a_decided_registration_is_answered_as_the_service_has_it(status):
    decisions, service = Decisions(), Service(status)
    rid = uuid.uuid4()
    decisions.record(waitlisted(rid, 3))  # older news than the service's
    state = await handlers.registration_state(
        ShowRegistration(rid, "c", wait=5), service, decisions
    )
    assert state is not None
    assert state.status is status
    assert service.asked == [(rid, 0)]


async def test_not_following_the_decisions_the_service_holds_the_poll():
    service = Service()
    rid = uuid.uuid4()
    await handlers.registration_state(ShowRegistration(rid, "c", wait=5), service, None)
    assert service.asked == [(rid, 5)]


async def test_a_decision_recorded_before_the_wait_is_not_missed():
    decisions = Decisions()
    rid = uuid.uuid4()
    decisions.record(confirmed(rid))
    decided = await asyncio.wait_for(decisions.wait_for(rid, 30), 1)
    assert decided is not None
    assert decided.status is RegistrationStatus.CONFIRMED
    assert await decisions.wait_for(uuid.uuid4(), 0.01) is None
