"""Use cases: keep the event catalogue, send one mail per seat decision (confirmation,
promotion, waiting list, rejection, cancellation, event cancelled), per change of session
that is news for the person and per change of a stand application (to its applicant).

A use case is ``handler(command, deps)``: mail sending needs more than a unit of work, so
``Dependencies`` carries the ports, and each step opens and commits its own unit of work
(``async with deps.uow() as uow: … await uow.commit()``) around the mail it sends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog

from contracts.envelope import Envelope
from contracts.messages import NotificationFailed, NotificationSent
from notification.domain.commands import MailApplicationChange, MailDecision, RecordEvent
from notification.domain.model import (
    CALENDAR_UPDATES,
    WITH_CANCEL_LINK,
    Delivery,
    DeliveryStatus,
    EventInfo,
    Letter,
    Mail,
    compose,
    mailed,
    needs_event,
    sessions_named,
)
from notification.domain.stands import StandMail, compose_stand_mail, lags_behind
from notification.service_layer.ports import (
    ContactDirectory,
    ContactUnavailable,
    EventNotKnownYet,
    MailDeferred,
    Mailer,
    MailRejected,
)
from notification.service_layer.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

SOURCE = "notification"
CONTACT_NOT_FOUND = "contact not found"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    """The ports the handlers use; ``bootstrap`` wires them."""

    uow: Callable[[], UnitOfWork]
    contacts: ContactDirectory
    mailer: Mailer
    public_base_url: str
    contact_lookups: int = 5
    """How often a registration the registration service does not know (404) is looked up
    before the delivery fails for good. The registration is stored before it is published,
    so a 404 means it was deleted; a few lookups cover a replica that lags behind."""
    clock: Callable[[], datetime] = field(default=_now)


async def record_event(cmd: RecordEvent, deps: Dependencies) -> bool:
    """Keep the newest revision of an event for mail texts and calendar entries, whatever
    the catalogue message (published, updated, closed, reopened, cancelled)."""
    async with deps.uow() as uow:
        stored = await uow.events.upsert(EventInfo.from_snapshot(cmd.snapshot))
        await uow.commit()
    return stored


async def handle_decision(cmd: MailDecision, deps: Dependencies) -> DeliveryStatus | None:
    """Send the mail for the decision once, however often the decision is delivered;
    ``None`` for a decision that gets no mail (``mailed``).

    Raises a ``TransientError`` while something the mail needs is missing (the event, the
    sessions it names in the event's programme, the contact); the caller retries. A crash
    between sending and recording sends the mail again on redelivery (same Message-ID): at
    least once, never lost.
    """
    decision, envelope = cmd.decision, cmd.envelope
    if not mailed(decision):
        log.info("no mail for this decision", decision=type(decision).__name__)
        return None

    async def prepare(event: EventInfo | None, sequence: int) -> Mail | None:
        if event is None and needs_event(decision):
            raise EventNotKnownYet(f"event {decision.event_id} is not in the catalogue yet")
        if event is not None and not event.knows(sessions_named(decision)):
            raise EventNotKnownYet(
                f"the programme of event {decision.event_id} lacks a session yet"
            )
        contact = await deps.contacts.find(decision.registration_id)
        if contact is None:
            return None
        mail = compose(
            decision,
            contact,
            event,
            correlation_id=envelope.correlation_id,
            public_base_url=deps.public_base_url,
            calendar_sequence=sequence,
        )
        if mail.kind in WITH_CANCEL_LINK and mail.cancel_url is None:
            log.warning("no cancel token from the registration service, mail without cancel link")
        return mail

    return await _deliver(deps, Delivery.for_decision(decision), envelope, prepare)


async def handle_application_change(
    cmd: MailApplicationChange, deps: Dependencies
) -> DeliveryStatus:
    """Send a stand's applicant the mail for a change of the application once per
    ``(application_id, revision)``, however often the message is delivered.

    Waits (a ``TransientError``) for the event in the catalogue and for the registration
    service to know the change; an application it does not know is looked up
    ``contact_lookups`` times, then the delivery fails. Not reported on
    ``notification.deliveries.v1``, which is about registrations.
    """
    change, envelope = cmd.change, cmd.envelope

    async def prepare(event: EventInfo | None, sequence: int) -> StandMail | None:
        if event is None:
            raise EventNotKnownYet(f"event {change.event_id} is not in the catalogue yet")
        contact = await deps.contacts.find_application(change.application_id)
        if contact is None:
            return None
        if lags_behind(contact, change):
            raise ContactUnavailable(
                f"stand application {change.application_id} not at revision {change.revision} yet"
            )
        return compose_stand_mail(
            change,
            contact,
            event,
            correlation_id=envelope.correlation_id,
            public_base_url=deps.public_base_url,
        )

    return await _deliver(deps, Delivery.for_application_change(change), envelope, prepare)


Prepare = Callable[[EventInfo | None, int], Awaitable[Letter | None]]
"""The part of a delivery that depends on what is mailed: given the ledger's copy of the
event (``None``: not in the catalogue) and the calendar entry's SEQUENCE, check that the
mail has what it needs (else raise a ``TransientError``), look up the recipient and compose
the mail; ``None`` when the registration service does not know the recipient."""


async def _deliver(
    deps: Dependencies, delivery: Delivery, cause: Envelope, prepare: Prepare
) -> DeliveryStatus:
    """Claim ``delivery`` in the ledger and send its mail unless it is done: retried on a
    deferred mail, failed for good on a refused one or an unknown recipient, each end
    recorded in the ledger."""
    event, sequence = None, 0
    async with deps.uow() as uow:  # one transaction: the claim and what the mail needs
        delivery = await uow.deliveries.claim(delivery)
        if not delivery.done:
            event = await uow.events.get(delivery.event_id)
            # an update of the calendar entry: one more than the updates sent before (the
            # mails of a registration go one after the other, so a retry counts the same)
            if delivery.kind in CALENDAR_UPDATES and delivery.registration_id is not None:
                sent = await uow.deliveries.count_sent(delivery.registration_id, delivery.kind)
                sequence = sent + 1
        await uow.commit()
    if delivery.done:
        log.info("already handled", kind=delivery.kind, status=delivery.status)
        return delivery.status

    mail = await prepare(event, sequence)
    if mail is None:
        if delivery.attempts + 1 < deps.contact_lookups:
            await _save(deps, delivery.attempt_failed(CONTACT_NOT_FOUND))
            raise ContactUnavailable(f"{delivery.subject} not found")
        return await _give_up(deps, delivery, cause, CONTACT_NOT_FOUND)
    try:
        await deps.mailer.send(mail)
    except MailRejected as exc:
        return await _give_up(deps, delivery, cause, str(exc))
    except MailDeferred as exc:
        await _save(deps, delivery.attempt_failed(str(exc)))
        raise

    sent_at = deps.clock()
    delivery = delivery.sent(sent_at)
    await _conclude(deps, delivery, cause, NotificationSent, sent_at=sent_at)
    log.info("mail sent", kind=delivery.kind, attempts=delivery.attempts)
    return delivery.status


async def _conclude(
    deps: Dependencies,
    delivery: Delivery,
    cause: Envelope,
    report: type[NotificationSent | NotificationFailed],
    **outcome: object,
) -> None:
    """Record the delivery's end in the ledger and, for a registration's mail, publish it
    as ``report`` (the delivery's ids and kind, and ``outcome``), in one transaction. A stand
    application's mail is in the ledger only: the deliveries topic is about registrations."""
    async with deps.uow() as uow:
        await uow.deliveries.save(delivery)
        if delivery.registration_id is not None:
            message = report(
                notification_id=delivery.notification_id,
                decision_id=delivery.decision_id,
                registration_id=delivery.registration_id,
                event_id=delivery.event_id,
                kind=delivery.kind,
                **outcome,
            )
            uow.publish(message, Envelope.new(message, source=SOURCE, causation=cause))
        await uow.commit()


async def _save(deps: Dependencies, delivery: Delivery) -> None:
    async with deps.uow() as uow:
        await uow.deliveries.save(delivery)
        await uow.commit()
    log.warning(
        "mail not sent yet",
        kind=delivery.kind,
        attempts=delivery.attempts,
        error=delivery.last_error,
    )


async def _give_up(
    deps: Dependencies, delivery: Delivery, envelope: Envelope, error: str
) -> DeliveryStatus:
    delivery = delivery.failed(error)
    await _conclude(
        deps,
        delivery,
        envelope,
        NotificationFailed,
        failed_at=deps.clock(),
        attempts=delivery.attempts,
        error=error,
    )
    log.warning("mail failed for good", kind=delivery.kind, attempts=delivery.attempts, error=error)
    return delivery.status
