"""Session decisions (capacity.sessions.v1) with fakes: a mail for each change that is news,
none for what the seat's mail names already, and calendar updates that count up."""

from __future__ import annotations

from uuid import uuid4

import pytest

from contracts.messages import (
    NotificationKind,
    NotificationSent,
    SeatConfirmed,
    SessionMoveReason,
    SessionPlace,
    SessionReleaseReason,
    SessionSeatAssigned,
    SessionSeatReleased,
    SessionWaitlisted,
)
from notification.domain.commands import MailDecision, RecordEvent
from notification.domain.model import SESSION_MOVES, DeliveryStatus, EventInfo, SessionNews
from notification.service_layer.handlers import handle_decision, record_event
from notification.service_layer.ports import EventNotKnownYet, MailDeferred
from services.notification.tests.events import FORUM, MORNING, programme


def session_decision(world, decision_type=SessionSeatAssigned, *, event=None, **fields):
    event = event or world.known_event(programme=programme())
    return world.decision(decision_type, event=event, slot_id=MORNING, **fields)


def assigned(world, reason, **fields):
    return session_decision(
        world,
        session_id=FORUM[1],
        previous_session_id=FORUM[3],
        rank=1,
        reason=reason,
        **fields,
    )


async def handle(world, decision):
    return await handle_decision(MailDecision(decision, world.envelope(decision)), world.deps)


SKIPPED = [
    (SessionSeatAssigned, {"session_id": FORUM[2], "rank": 2, "reason": "allocated"}),
    (SessionSeatAssigned, {"session_id": FORUM[2], "reason": "allocated"}),  # a fallback seat
    (SessionWaitlisted, {"session_id": FORUM[1], "position": 4}),
    (SessionSeatReleased, {"session_id": FORUM[2], "reason": "day_released"}),
]


@pytest.mark.parametrize(("decision_type", "fields"), SKIPPED)
async def test_what_the_seats_mails_tell_gets_no_mail_of_its_own(world, decision_type, fields):
    decision = session_decision(world, decision_type, **fields)

    assert await handle(world, decision) is None

    assert world.mailer.sent == []
    assert world.store.deliveries == {}
    assert world.store.outbox == []


MAILED = [
    (SessionSeatAssigned, {"reason": reason, "session_id": FORUM[1]}, SESSION_MOVES[reason])
    for reason in (
        SessionMoveReason.MOVED_UP,
        SessionMoveReason.CHOICE_CHANGED,
        SessionMoveReason.ORGANISER,
        SessionMoveReason.FALLBACK,
    )
] + [
    (
        SessionSeatReleased,
        {"reason": SessionReleaseReason.CHOICE_CHANGED, "session_id": FORUM[3]},
        SessionNews.DROPPED,
    )
]


@pytest.mark.parametrize(("decision_type", "fields", "news"), MAILED)
async def test_a_change_of_session_gets_one_mail_with_the_calendar_entry(
    world, decision_type, fields, news
):
    decision = session_decision(world, decision_type, **fields)

    assert await handle(world, decision) is DeliveryStatus.SENT
    assert await handle(world, decision) is DeliveryStatus.SENT  # redelivered

    [mail] = world.mailer.sent
    assert (mail.kind, mail.news) == (NotificationKind.SESSION_CHANGED, news)
    assert mail.with_calendar
    assert mail.calendar_sequence == 1
    assert mail.cancel_url is not None
    [place] = mail.places
    assert place.slot.slot_id == MORNING
    [sent] = world.store.published()
    assert isinstance(sent, NotificationSent)
    assert sent.kind is NotificationKind.SESSION_CHANGED
    assert world.store.deliveries[decision.decision_id].kind is NotificationKind.SESSION_CHANGED


def test_every_move_but_the_allocation_is_news():
    assert set(SessionMoveReason) - set(SESSION_MOVES) == {SessionMoveReason.ALLOCATED}


async def test_each_update_of_the_calendar_entry_counts_up_once(world):
    """Seat (SEQUENCE 0), then three changes: 1, 2, 3 – also when one is retried, and the
    changes of someone else do not count."""
    event = world.known_event(programme=programme())
    confirmed = world.decision(
        SeatConfirmed,
        event=event,
        sessions=[SessionPlace(slot_id=MORNING, session_id=FORUM[3], rank=3)],
    )
    ids = {"event": event, "registration_id": confirmed.registration_id}
    first = assigned(world, SessionMoveReason.MOVED_UP, **ids)
    second = assigned(world, SessionMoveReason.ORGANISER, **ids)
    third = assigned(world, SessionMoveReason.CHOICE_CHANGED, **ids)
    other = assigned(world, SessionMoveReason.MOVED_UP, event=event)

    await handle(world, confirmed)
    await handle(world, first)
    await handle(world, other)
    world.mailer.failures.append(MailDeferred("smtp server unavailable: SMTPConnectError"))
    with pytest.raises(MailDeferred):
        await handle(world, second)
    for decision in (second, first, third):
        await handle(world, decision)

    sequences = {
        (mail.message_id, mail.calendar_uid): mail.calendar_sequence for mail in world.mailer.sent
    }
    uid = f"{confirmed.registration_id}@quartier.example"
    assert sequences == {
        (f"<{confirmed.decision_id}@quartier.example>", uid): 0,
        (f"<{first.decision_id}@quartier.example>", uid): 1,
        (f"<{other.decision_id}@quartier.example>", f"{other.registration_id}@quartier.example"): 1,
        (f"<{second.decision_id}@quartier.example>", uid): 2,
        (f"<{third.decision_id}@quartier.example>", uid): 3,
    }


async def test_a_change_waits_for_the_programme_that_names_its_session(world):
    """The catalogue's copy of the event may be older than the session decision."""
    before = world.snapshot(revision=1)
    await record_event(RecordEvent(before), world.deps)
    decision = assigned(world, SessionMoveReason.MOVED_UP, event=EventInfo.from_snapshot(before))

    with pytest.raises(EventNotKnownYet):
        await handle(world, decision)
    assert world.mailer.sent == []

    with_programme = world.snapshot(before.event_id, programme=programme(), revision=2)
    await record_event(RecordEvent(with_programme), world.deps)
    assert await handle(world, decision) is DeliveryStatus.SENT
    assert world.mailer.sent[0].places[0].session.title == "Praxisforum 1"


async def test_a_confirmation_waits_for_the_programme_that_names_its_sessions(world):
    before = world.snapshot(revision=1)
    await record_event(RecordEvent(before), world.deps)
    decision = world.decision(
        SeatConfirmed,
        event=EventInfo.from_snapshot(before),
        sessions=[SessionPlace(slot_id=MORNING, session_id=FORUM[2], rank=1)],
    )

    with pytest.raises(EventNotKnownYet):
        await handle(world, decision)

    await record_event(
        RecordEvent(world.snapshot(before.event_id, programme=programme(), revision=2)),
        world.deps,
    )
    assert await handle(world, decision) is DeliveryStatus.SENT
    [mail] = world.mailer.sent
    assert [place.session.title for place in mail.places] == ["Praxisforum 2"]


async def test_a_session_held_before_that_is_gone_from_the_programme_does_not_hold_the_mail(
    world,
):
    event = world.snapshot(programme=programme())
    await record_event(RecordEvent(event), world.deps)
    gone = assigned(world, SessionMoveReason.ORGANISER, event=EventInfo.from_snapshot(event))
    gone = gone.model_copy(update={"previous_session_id": uuid4()})

    assert await handle(world, gone) is DeliveryStatus.SENT
    assert world.mailer.sent[0].places[0].previous is None
