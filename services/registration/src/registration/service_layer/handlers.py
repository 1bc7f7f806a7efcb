"""Use cases of the registration service.

A use case is ``handler(command, uow)`` (a query: ``handler(query, uow)``) and owns its
transaction (``async with uow: … await uow.commit()``); a batch of decisions is applied in
one transaction, each message recorded as processed in it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

import structlog

from contracts import messages as m
from contracts.envelope import Envelope
from registration.domain import commands
from registration.domain.model import (
    Accessibility,
    AccessibilityReport,
    CancelReason,
    Feedback,
    Registration,
    ranking,
)
from registration.domain.stands import NotAccepted
from registration.service_layer.unit_of_work import UnitOfWork
from servicekit.context import Batch, bind_message

log = structlog.get_logger(__name__)
SOURCE = "registration"
DECISIONS_CONSUMER = "registration.decisions"
CANCEL_REASONS = {
    m.CancelledBy.ATTENDEE: CancelReason.ATTENDEE,
    m.CancelledBy.ORGANISER: CancelReason.ORGANISER,
}
RELEASE_REASONS = {
    m.ReleaseReason.CANCELLED_BY_ATTENDEE: CancelReason.ATTENDEE,
    m.ReleaseReason.CANCELLED_BY_ORGANISER: CancelReason.ORGANISER,
    m.ReleaseReason.EVENT_CANCELLED: CancelReason.EVENT_CANCELLED,
    m.ReleaseReason.STAND_RELEASED: CancelReason.STAND_RELEASED,
}


def publish(uow: UnitOfWork, payload: m.IntegrationEvent, correlation_id: str | None) -> None:
    """Queue ``payload`` in the outbox, carrying the correlation id of the request."""
    uow.publish(payload, Envelope.new(payload, source=SOURCE, correlation_id=correlation_id))


async def register(cmd: commands.RegisterAttendee, uow: UnitOfWork) -> tuple[Registration, bool]:
    """Store a pending registration and ``RegistrationRequested`` in one transaction.

    Returns the registration and whether it is new; a repeated request (same idempotency
    key, or the same e-mail for the same event) returns the existing one.  Raises
    ``HealthConsentMissing`` for accessibility needs without consent (nothing is stored).

    A stand's staff member (``stand_seat``: their personal link) registers for the event of
    an accepted application, once per link; capacity gives the seat from the stand's
    contingent.  Raises ``NotAccepted`` when the application is not accepted (any more).
    """
    now = datetime.now(UTC)
    accessibility = Accessibility.declare(
        cmd.accessibility_needs,
        cmd.accessibility_other,
        consent=cmd.health_data_consent,
        at=now,
    )
    candidate = Registration(
        registration_id=uuid4(),
        event_id=cmd.event_id,
        name=cmd.name.strip(),
        email=cmd.email.strip(),
        organisation=cmd.organisation.strip(),
        locale=cmd.locale.value,
        idempotency_key=cmd.idempotency_key,
        privacy_consent_at=now,
        created_at=now,
        role=cmd.role,
        accessibility=accessibility,
        choices=ranking(cmd.choices),
    )
    async with uow:
        if cmd.stand_seat is not None:
            candidate = await _exhibitor(candidate, *cmd.stand_seat, uow)
        stored = await uow.registrations.add(candidate)
        created = stored.registration_id == candidate.registration_id
        if created:
            payload = m.RegistrationRequested(
                registration_id=stored.registration_id,
                event_id=stored.event_id,
                requested_at=now,
                locale=cmd.locale,
                choices=stored.choices,
                stand_application_id=stored.stand_application_id,
            )
            publish(uow, payload, cmd.correlation_id)
        await uow.commit()
    log.info(
        "registration stored" if created else "registration repeated",
        registration_id=str(stored.registration_id),
        event_id=str(stored.event_id),
    )
    return stored, created


async def _exhibitor(
    candidate: Registration, application_id: UUID, seat: int, uow: UnitOfWork
) -> Registration:
    """The registration of a stand's staff member: for the application's event, with the
    link as its idempotency key (the same link twice: the same registration)."""
    application = await uow.applications.get(application_id)
    if (
        application is None
        or not application.accepted
        or application.event_id != candidate.event_id
        or not 1 <= seat <= application.staff
    ):
        raise NotAccepted(application_id)
    return replace(
        candidate,
        stand_application_id=application_id,
        idempotency_key=f"exhibitor:{application_id}:{seat}",
    )


async def apply_decisions(batch: Batch, uow: UnitOfWork) -> int:
    """Keep the status of every registration in step with capacity's decisions, in one
    transaction and a few round trips for the whole batch; returns how many were new (a
    repeated message changes nothing, other messages are skipped)."""
    decisions: dict[UUID, tuple[Envelope, m.Decision]] = {}
    for envelope, payload in batch:
        if isinstance(payload, m.Decision):  # a second copy in the same batch is a repeat
            decisions.setdefault(envelope.id, (envelope, payload))
    async with uow:
        new = await uow.first_times(DECISIONS_CONSUMER, list(decisions))
        fresh = [item for message_id, item in decisions.items() if message_id in new]
        registrations = await uow.registrations.get_many(
            {decision.registration_id for _, decision in fresh}, lock=True
        )
        changed: dict[UUID, Registration] = {}
        for envelope, decision in fresh:
            bind_message(envelope)
            registration = registrations.get(decision.registration_id)
            if registration is None:
                log.warning(
                    "decision for an unknown registration",
                    registration_id=str(decision.registration_id),
                )
                continue
            _apply(registration, decision)
            changed[registration.registration_id] = registration
            log.info(
                "status updated",
                registration_id=str(registration.registration_id),
                status=registration.status.value,
            )
        await uow.registrations.save_many(changed.values())
        await uow.commit()
    return len(fresh)


def _apply(registration: Registration, decision: m.Decision) -> None:
    if isinstance(decision, m.SeatConfirmed):
        registration.confirm()
    elif isinstance(decision, m.Waitlisted):
        registration.waitlist(decision.decided_at)
    elif isinstance(decision, m.RegistrationRejected):
        registration.reject(decision.reason.value)
    elif isinstance(decision, m.SeatReleased):
        registration.cancel(decision.decided_at, RELEASE_REASONS[decision.reason])


async def cancel_registration(
    cmd: commands.CancelRegistration, uow: UnitOfWork
) -> tuple[Registration, bool] | None:
    """Cancel on the attendee's (or the organisers') request and tell capacity
    (``RegistrationCancelled``).

    Returns the registration and whether this call cancelled it (False: it was cancelled
    or rejected before — cancelling twice is harmless); ``None`` if it does not exist."""
    async with uow:
        registration = await uow.registrations.get(cmd.registration_id, lock=True)
        if registration is None:
            return None
        now = datetime.now(UTC)
        changed = registration.cancel(now, CANCEL_REASONS[cmd.by])
        if changed:
            await uow.registrations.save(registration)
            payload = m.RegistrationCancelled(
                registration_id=registration.registration_id,
                event_id=registration.event_id,
                cancelled_at=now,
                cancelled_by=cmd.by,
            )
            publish(uow, payload, cmd.correlation_id)
        await uow.commit()
    log.info(
        "registration cancelled" if changed else "cancellation repeated",
        registration_id=str(cmd.registration_id),
        cancelled_by=cmd.by.value,
    )
    return registration, changed


async def change_choices(cmd: commands.ChangeChoices, uow: UnitOfWork) -> Registration | None:
    """Store the attendee's new ranking and tell capacity (``SessionChoicesChanged``, which
    capacity decides) in one transaction; ``None`` if the registration does not exist.

    Raises ``NotActive`` (nothing stored) once it no longer holds or waits for a seat."""
    async with uow:
        registration = await uow.registrations.get(cmd.registration_id, lock=True)
        if registration is None:
            return None
        changed = registration.rank(cmd.choices)
        await uow.registrations.save(registration)
        payload = m.SessionChoicesChanged(
            registration_id=registration.registration_id,
            event_id=registration.event_id,
            choices=changed,
            changed_at=datetime.now(UTC),
        )
        publish(uow, payload, cmd.correlation_id)
        await uow.commit()
    log.info("choices changed", registration_id=str(cmd.registration_id), slots=len(changed))
    return registration


async def get_registration(
    registration_id: UUID, uow: UnitOfWork
) -> tuple[Registration, int | None] | None:
    """The registration and its current waiting-list place (``None`` unless waiting)."""
    async with uow:
        registration = await uow.registrations.get(registration_id)
        if registration is None:
            return None
        return registration, await uow.registrations.position(registration)


async def event_registration(
    event_id: UUID, registration_id: UUID, uow: UnitOfWork
) -> tuple[Registration, int | None] | None:
    """One registration of the event with its current waiting-list place; ``None`` when
    the event has no registration with this id (another event's id included)."""
    async with uow:
        registration = await uow.registrations.get(registration_id)
        if registration is None or registration.event_id != event_id:
            return None
        return registration, await uow.registrations.position(registration)


async def event_registrations(
    event_id: UUID, uow: UnitOfWork
) -> list[tuple[Registration, int | None]]:
    """The organisers' list of an event: every registration with its waiting-list place."""
    async with uow:
        return await uow.registrations.of_event(event_id)


async def participant_page(
    query: commands.ListParticipants, uow: UnitOfWork
) -> tuple[list[tuple[Registration, int | None]], int]:
    """One page of the organisers' list, and how many registrations match in all."""
    async with uow:
        return await uow.registrations.page_of_event(query)


async def registration_counts(
    event_id: UUID, since: datetime | None, uow: UnitOfWork
) -> tuple[dict[str, int], int, datetime | None]:
    """Per status, new after ``since``, the newest's time: for a desk page that is open."""
    async with uow:
        return await uow.registrations.counts_of_event(event_id, since)


async def accessibility_report(event_id: UUID, uow: UnitOfWork) -> AccessibilityReport:
    async with uow:
        return await uow.registrations.accessibility_report(event_id)


async def submit_feedback(cmd: commands.SubmitFeedback, uow: UnitOfWork) -> Feedback:
    feedback = Feedback(
        feedback_id=uuid4(),
        message=cmd.message,
        name=cmd.name,
        email=cmd.email,
        page=cmd.page,
        locale=cmd.locale.value,
        received_at=datetime.now(UTC),
    )
    async with uow:
        await uow.feedback.add(feedback)
        await uow.commit()
    log.info("feedback received", feedback_id=str(feedback.feedback_id))
    return feedback


async def latest_feedback(limit: int, uow: UnitOfWork) -> list[Feedback]:
    async with uow:
        return await uow.feedback.latest(limit)
