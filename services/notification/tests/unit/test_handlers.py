"""handle_decision / record_event with fakes: one mail per decision, whatever happens."""

from __future__ import annotations

import pytest

from contracts.messages import (
    EventStatus,
    Locale,
    NotificationFailed,
    NotificationKind,
    NotificationSent,
    RegistrationRejected,
    RejectionReason,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    Waitlisted,
)
from notification.domain.commands import MailDecision, RecordEvent
from notification.domain.model import RELEASE_MAILS, DeliveryStatus, EventInfo
from notification.service_layer.handlers import handle_decision, record_event
from notification.service_layer.ports import (
    ContactUnavailable,
    EventNotKnownYet,
    MailDeferred,
    MailRejected,
    TransientError,
)


async def test_a_confirmed_seat_gets_one_mail_and_a_notification_sent(world):
    decision = world.decision(SeatConfirmed)
    envelope = world.envelope(decision)

    status = await handle_decision(MailDecision(decision, envelope), world.deps)

    assert status is DeliveryStatus.SENT
    [mail] = world.mailer.sent
    assert mail.kind is NotificationKind.CONFIRMATION
    assert mail.recipient.email == "joerg.mueller@kreis.example"
    assert mail.correlation_id == envelope.correlation_id
    assert mail.message_id == f"<{decision.decision_id}@quartier.example>"
    [(sent, sent_envelope)] = world.store.outbox
    assert isinstance(sent, NotificationSent)
    assert (sent.decision_id, sent.registration_id, sent.event_id) == (
        decision.decision_id,
        decision.registration_id,
        decision.event_id,
    )
    assert sent_envelope.causation_id == str(envelope.id)
    assert sent_envelope.correlation_id == envelope.correlation_id
    assert sent_envelope.source == "notification"
    ledger = world.store.deliveries[decision.decision_id]
    assert (ledger.status, ledger.attempts) == (DeliveryStatus.SENT, 1)


async def test_a_redelivered_decision_sends_no_second_mail(world):
    decision = world.decision(SeatConfirmed)
    envelope = world.envelope(decision)

    await handle_decision(MailDecision(decision, envelope), world.deps)
    again = await handle_decision(MailDecision(decision, envelope), world.deps)

    assert again is DeliveryStatus.SENT
    assert len(world.mailer.sent) == 1
    assert len(world.store.outbox) == 1


CANCELLED_BY_ATTENDEE = {"reason": ReleaseReason.CANCELLED_BY_ATTENDEE}
CANCELLED_BY_ORGANISER = {"reason": ReleaseReason.CANCELLED_BY_ORGANISER}
EVENT_CANCELLED = {"reason": ReleaseReason.EVENT_CANCELLED}
STAND_RELEASED = {"reason": ReleaseReason.STAND_RELEASED}
RELEASES = [
    (SeatReleased, {**reason, "was_waitlisted": was_waitlisted}, kind, False, False)
    for reason, kind in (
        (CANCELLED_BY_ATTENDEE, NotificationKind.CANCELLATION),
        (CANCELLED_BY_ORGANISER, NotificationKind.CANCELLED_BY_ORGANISER),
        (EVENT_CANCELLED, NotificationKind.EVENT_CANCELLED),
        (STAND_RELEASED, NotificationKind.STAND_RELEASED),
    )
    for was_waitlisted in (False, True)
]
"""Every release, of a seat and of a waiting-list place: no link, no calendar entry."""


@pytest.mark.parametrize(
    ("decision_type", "fields", "kind", "with_link", "with_calendar"),
    [
        (SeatConfirmed, {}, NotificationKind.CONFIRMATION, True, True),
        (SeatConfirmed, {"from_waitlist": True}, NotificationKind.PROMOTION, True, True),
        (Waitlisted, {"position": 3}, NotificationKind.WAITLIST, True, False),
        (
            RegistrationRejected,
            {"reason": RejectionReason.EVENT_FULL},
            NotificationKind.REJECTION,
            False,
            False,
        ),
        *RELEASES,
    ],
)
async def test_each_decision_gets_its_kind_of_mail(
    world, decision_type, fields, kind, with_link, with_calendar
):
    decision = world.decision(decision_type, **fields)

    await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    [mail] = world.mailer.sent
    assert mail.kind is kind
    assert mail.position == fields.get("position")
    assert mail.from_waitlist is fields.get("from_waitlist", False)
    assert mail.was_waitlisted is fields.get("was_waitlisted", False)
    assert mail.with_calendar is with_calendar
    token = world.contacts.known[decision.registration_id].cancel_token
    expected = f"https://veranstaltungen.quartier.example/abmeldung/{token}"
    assert mail.cancel_url == (expected if with_link else None)
    [sent] = world.store.published()
    assert isinstance(sent, NotificationSent)
    assert sent.kind is kind
    assert world.store.deliveries[decision.decision_id].kind is kind


def test_every_release_reason_has_its_mail():
    assert set(RELEASE_MAILS) == set(ReleaseReason)


async def test_a_registration_gets_one_mail_per_decision_along_its_way(world):
    """Waiting list, then promotion, then cancellation: three decisions, three mails."""
    event = world.known_event()
    waitlisted = world.decision(Waitlisted, event=event, position=1)
    ids = {"event": event, "registration_id": waitlisted.registration_id}
    promoted = world.decision(SeatConfirmed, **ids, from_waitlist=True)
    released = world.decision(SeatReleased, **ids, **CANCELLED_BY_ATTENDEE)

    for decision in (waitlisted, promoted, released, promoted, waitlisted):
        await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    assert [mail.kind for mail in world.mailer.sent] == [
        NotificationKind.WAITLIST,
        NotificationKind.PROMOTION,
        NotificationKind.CANCELLATION,
    ]
    assert len(world.store.published()) == 3


async def test_a_contact_without_cancel_token_still_gets_the_mail(world):
    decision = world.decision(SeatConfirmed, locale=None)
    world.known_contact(decision.registration_id, cancel_token=None)

    status = await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    assert status is DeliveryStatus.SENT
    [mail] = world.mailer.sent
    assert mail.cancel_url is None


async def test_a_release_waits_for_its_event_in_the_catalogue(world):
    event = EventInfo.from_snapshot(world.snapshot())
    decision = world.decision(SeatReleased, event=event, **EVENT_CANCELLED)
    envelope = world.envelope(decision)

    with pytest.raises(EventNotKnownYet):
        await handle_decision(MailDecision(decision, envelope), world.deps)

    cancelled = world.snapshot(event.event_id, status=EventStatus.CANCELLED, revision=3)
    await record_event(RecordEvent(cancelled), world.deps)
    assert (
        await handle_decision(MailDecision(decision, envelope), world.deps) is DeliveryStatus.SENT
    )
    assert world.mailer.sent[0].event == EventInfo.from_snapshot(cancelled)


async def test_the_mail_speaks_the_registrations_language(world):
    decision = world.decision(SeatConfirmed, locale=Locale.EN)

    await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    assert world.mailer.sent[0].locale is Locale.EN
    assert world.mailer.sent[0].when == "Thursday, 12 March 2026, 10:00–16:30 CET"


async def test_a_permanent_smtp_rejection_fails_the_delivery_for_good(world):
    decision = world.decision(SeatConfirmed)
    envelope = world.envelope(decision)
    world.mailer.failures.append(MailRejected("recipient refused: 550 5.1.1"))

    status = await handle_decision(MailDecision(decision, envelope), world.deps)
    again = await handle_decision(MailDecision(decision, envelope), world.deps)

    assert status is again is DeliveryStatus.FAILED
    assert world.mailer.sent == []
    [(failed, failed_envelope)] = world.store.outbox
    assert isinstance(failed, NotificationFailed)
    assert (failed.attempts, failed.error) == (1, "recipient refused: 550 5.1.1")
    assert failed_envelope.causation_id == str(envelope.id)
    assert world.store.deliveries[decision.decision_id].status is DeliveryStatus.FAILED


async def test_a_transient_smtp_failure_is_counted_and_retried(world):
    decision = world.decision(SeatConfirmed)
    envelope = world.envelope(decision)
    world.mailer.failures.append(MailDeferred("smtp server unavailable: SMTPConnectError"))

    with pytest.raises(TransientError):
        await handle_decision(MailDecision(decision, envelope), world.deps)
    ledger = world.store.deliveries[decision.decision_id]
    assert (ledger.status, ledger.attempts) == (DeliveryStatus.SENDING, 1)
    assert ledger.last_error == "smtp server unavailable: SMTPConnectError"
    assert world.store.outbox == []

    assert (
        await handle_decision(MailDecision(decision, envelope), world.deps) is DeliveryStatus.SENT
    )
    assert len(world.mailer.sent) == 1
    assert world.store.deliveries[decision.decision_id].attempts == 2


async def test_a_decision_waits_for_its_event_in_the_catalogue(world):
    event = EventInfo.from_snapshot(world.snapshot())
    decision = world.decision(SeatConfirmed, event=event)
    envelope = world.envelope(decision)

    with pytest.raises(EventNotKnownYet):
        await handle_decision(MailDecision(decision, envelope), world.deps)
    assert world.mailer.sent == []

    await record_event(RecordEvent(world.snapshot(event.event_id)), world.deps)
    assert (
        await handle_decision(MailDecision(decision, envelope), world.deps) is DeliveryStatus.SENT
    )


async def test_a_rejection_for_an_unknown_event_does_not_wait_for_the_catalogue(world):
    event = EventInfo.from_snapshot(world.snapshot())
    decision = world.decision(
        RegistrationRejected, event=event, reason=RejectionReason.UNKNOWN_EVENT
    )

    await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    [mail] = world.mailer.sent
    assert mail.event is None
    assert not mail.with_calendar


async def test_an_unknown_registration_is_looked_up_a_few_times_then_fails(world):
    decision = world.decision(SeatConfirmed, locale=None)
    envelope = world.envelope(decision)

    for _ in range(world.deps.contact_lookups - 1):
        with pytest.raises(ContactUnavailable):
            await handle_decision(MailDecision(decision, envelope), world.deps)
    status = await handle_decision(MailDecision(decision, envelope), world.deps)

    assert status is DeliveryStatus.FAILED
    assert world.mailer.sent == []
    [failed] = world.store.published()
    assert isinstance(failed, NotificationFailed)
    assert (failed.attempts, failed.error) == (world.deps.contact_lookups, "contact not found")


async def test_a_registration_that_becomes_visible_gets_its_mail(world):
    decision = world.decision(SeatConfirmed, locale=None)
    envelope = world.envelope(decision)
    with pytest.raises(ContactUnavailable):
        await handle_decision(MailDecision(decision, envelope), world.deps)

    world.known_contact(decision.registration_id)

    assert (
        await handle_decision(MailDecision(decision, envelope), world.deps) is DeliveryStatus.SENT
    )


async def test_an_updated_event_changes_the_mails_that_follow(world):
    event_id = world.snapshot().event_id
    await record_event(RecordEvent(world.snapshot(event_id)), world.deps)
    moved = world.snapshot(event_id, venue="Neues Rathaus", address="Markt 1", revision=2)
    decision = world.decision(SeatConfirmed, event=EventInfo.from_snapshot(moved))

    assert await record_event(RecordEvent(moved), world.deps)
    await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)

    assert world.mailer.sent[0].event.location == "Neues Rathaus, Markt 1, Potsdam"


async def test_the_catalogue_keeps_the_newest_revision(world):
    event_id = world.snapshot().event_id

    assert await record_event(
        RecordEvent(world.snapshot(event_id, title="Neu", revision=2)), world.deps
    )
    assert not await record_event(
        RecordEvent(world.snapshot(event_id, title="Alt", revision=1)), world.deps
    )

    assert world.store.events[event_id].title == "Neu"
