"""Ledger in Postgres + SMTP + contact lookup over HTTP, wired as the worker wires them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import icalendar
import pytest

from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import (
    ApplicationState,
    EventSnapshot,
    NotificationKind,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    SessionMoveReason,
    SessionPlace,
    SessionSeatAssigned,
    SessionWait,
    Waitlisted,
)
from notification.bootstrap import bootstrap
from notification.config import Settings
from notification.domain.commands import MailApplicationChange, MailDecision, RecordEvent
from notification.domain.model import DeliveryStatus, change_key
from notification.service_layer.handlers import (
    handle_application_change,
    handle_decision,
    record_event,
)
from services.notification.tests.events import FORUM, MORNING, event_snapshot, programme
from services.notification.tests.stands import application_contact, change_of

TOKEN = "integration-token"
SITE = "https://veranstaltungen.quartier.example"


@pytest.fixture
async def settings(service_db, smtp_sink, contact_api) -> Settings:
    return Settings(
        database_url=await service_db("notification"),
        smtp_port=smtp_sink.port,
        registration_url=contact_api.url,
        internal_token=TOKEN,
        public_base_url="https://veranstaltungen.quartier.example",
    )


@pytest.fixture
async def deps(settings):
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    yield bootstrap(settings, pool=pool)
    await pool.close()


def snapshot() -> EventSnapshot:
    starts = datetime(2026, 9, 17, 7, 30, tzinfo=UTC)  # 09:30 in Berlin (CEST)
    return event_snapshot(
        title="Werkstattgespräch Nachbarschaft",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="Bürgerhaus",
        city="Cottbus",
    )


def text_of(mail) -> str:
    """The plain-text body with the line endings of the template (SMTP delivers CRLF)."""
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def mails_with(sink, message_id):
    return [m for m in sink.messages() if m["Message-ID"] == message_id]


async def ledger(settings) -> set[tuple[object, str, str]]:
    """(decision_id, kind, status) of every delivery."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        rows = await conn.fetch("SELECT decision_id, kind, status FROM deliveries")
    finally:
        await conn.close()
    return {(row["decision_id"], row["kind"], row["status"]) for row in rows}


async def test_a_confirmation_arrives_with_a_calendar_entry(deps, smtp_sink, contact_api):
    event = snapshot().model_copy(update={"address": "Berliner Straße 137"})
    decision = SeatConfirmed(
        decision_id=uuid4(),
        registration_id=uuid4(),
        event_id=event.event_id,
        decided_at=datetime.now(UTC),
    )
    envelope = Envelope.new(decision, source="capacity")
    cancel_token = contact_api.add(decision.registration_id)

    await record_event(RecordEvent(event), deps)
    status = await handle_decision(MailDecision(decision, envelope), deps)

    assert status is DeliveryStatus.SENT
    [mail] = mails_with(smtp_sink, f"<{decision.decision_id}@quartier.example>")
    assert mail["Subject"] == "Anmeldebestätigung: Werkstattgespräch Nachbarschaft"
    assert mail["To"].addresses[0].addr_spec == f"{decision.registration_id.hex[:8]}@kreis.example"
    assert mail["X-Correlation-ID"] == envelope.correlation_id
    body = text_of(mail)
    assert "Donnerstag, 17. September 2026, 09:30–15:30 Uhr" in body
    assert "\nWo:   Bürgerhaus, Berliner Straße 137, Cottbus\n" in body
    assert (
        f"damit jemand von der Warteliste\nnachrücken kann:\n{SITE}/abmeldung/{cancel_token}\n"
        in (body)
    )
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "termin.ics"
    [entry] = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert entry.decoded("DTSTART") == event.starts_at
    assert entry.decoded("DTEND") == event.ends_at
    assert entry["LOCATION"] == "Bürgerhaus, Berliner Straße 137, Cottbus"


async def test_a_redelivered_decision_is_mailed_once(settings, deps, smtp_sink, contact_api):
    event = snapshot()
    decision = Waitlisted(
        decision_id=uuid4(),
        registration_id=uuid4(),
        event_id=event.event_id,
        decided_at=datetime.now(UTC),
        position=2,
    )
    envelope = Envelope.new(decision, source="capacity")
    contact_api.add(decision.registration_id, locale="en")

    await record_event(RecordEvent(event), deps)
    first = await handle_decision(MailDecision(decision, envelope), deps)
    second = await handle_decision(MailDecision(decision, envelope), deps)

    assert first is second is DeliveryStatus.SENT
    [mail] = mails_with(smtp_sink, f"<{decision.decision_id}@quartier.example>")
    assert mail["Subject"] == "Waiting list: Werkstattgespräch Nachbarschaft"
    conn = await asyncpg.connect(settings.database_url)
    try:
        ledger = await conn.fetchrow("SELECT * FROM deliveries")
        [outbox] = await conn.fetch("SELECT * FROM outbox")
    finally:
        await conn.close()
    assert (ledger["decision_id"], ledger["status"], ledger["attempts"]) == (
        decision.decision_id,
        "sent",
        1,
    )
    assert ledger["kind"] == NotificationKind.WAITLIST
    assert (outbox["topic"], outbox["key"]) == (
        topics.DELIVERIES.name,
        str(decision.registration_id),
    )
    assert json.loads(outbox["value"])["decision_id"] == str(decision.decision_id)
    headers = dict(json.loads(outbox["headers"]))
    assert headers["ce_type"] == "quartier.NotificationSent.v1"
    assert headers["causation_id"] == str(envelope.id)
    assert headers["correlation_id"] == envelope.correlation_id


async def test_promotion_and_releases_are_mailed_and_recorded_by_kind(
    settings, deps, smtp_sink, contact_api
):
    event = snapshot()
    await record_event(RecordEvent(event), deps)
    promoted_id, cancelled_id = uuid4(), uuid4()
    promoted_token = contact_api.add(promoted_id)
    contact_api.add(cancelled_id, locale="en")
    decided = {"event_id": event.event_id, "decided_at": datetime.now(UTC)}
    promotion = SeatConfirmed(
        decision_id=uuid4(), registration_id=promoted_id, from_waitlist=True, **decided
    )
    cancellation = SeatReleased(
        decision_id=uuid4(),
        registration_id=promoted_id,
        reason=ReleaseReason.CANCELLED_BY_ATTENDEE,
        **decided,
    )
    event_cancelled = SeatReleased(
        decision_id=uuid4(),
        registration_id=cancelled_id,
        reason=ReleaseReason.EVENT_CANCELLED,
        **decided,
    )

    for decision in (promotion, cancellation, event_cancelled):
        envelope = Envelope.new(decision, source="capacity")
        assert await handle_decision(MailDecision(decision, envelope), deps) is DeliveryStatus.SENT

    [promoted] = mails_with(smtp_sink, f"<{promotion.decision_id}@quartier.example>")
    assert promoted["Subject"] == "Von der Warteliste nachgerückt: Werkstattgespräch Nachbarschaft"
    text = text_of(promoted)
    assert "Sie sind von der Warteliste nachgerückt – Ihr Platz ist bestätigt." in text
    assert f"{SITE}/abmeldung/{promoted_token}\n" in text
    assert [a.get_filename() for a in promoted.iter_attachments()] == ["termin.ics"]

    [cancelled] = mails_with(smtp_sink, f"<{cancellation.decision_id}@quartier.example>")
    assert cancelled["Subject"] == "Abmeldung eingegangen: Werkstattgespräch Nachbarschaft"
    text = text_of(cancelled)
    assert "Ihre Abmeldung ist eingegangen." in text
    assert "/abmeldung/" not in text
    assert list(cancelled.iter_attachments()) == []

    [called_off] = mails_with(smtp_sink, f"<{event_cancelled.decision_id}@quartier.example>")
    assert called_off["Subject"] == "Event cancelled: Werkstattgespräch Nachbarschaft"
    assert "/abmeldung/" not in text_of(called_off)
    assert list(called_off.iter_attachments()) == []

    assert await ledger(settings) == {
        (promotion.decision_id, NotificationKind.PROMOTION, "sent"),
        (cancellation.decision_id, NotificationKind.CANCELLATION, "sent"),
        (event_cancelled.decision_id, NotificationKind.EVENT_CANCELLED, "sent"),
    }


async def test_an_organiser_cancellation_is_mailed_with_the_teams_contact(
    settings, deps, smtp_sink, contact_api
):
    contact = "Team Quartier, quartier@example.org, 0711 123456"
    event = snapshot().model_copy(update={"organiser_contact": contact})
    await record_event(RecordEvent(event), deps)
    decision = SeatReleased(
        decision_id=uuid4(),
        registration_id=uuid4(),
        event_id=event.event_id,
        decided_at=datetime.now(UTC),
        reason=ReleaseReason.CANCELLED_BY_ORGANISER,
    )
    contact_api.add(decision.registration_id)

    status = await handle_decision(
        MailDecision(decision, Envelope.new(decision, source="capacity")), deps
    )

    assert status is DeliveryStatus.SENT
    [mail] = mails_with(smtp_sink, f"<{decision.decision_id}@quartier.example>")
    assert mail["Subject"] == "Anmeldung storniert: Werkstattgespräch Nachbarschaft"
    text = text_of(mail)
    assert "wurde vom Veranstaltungsteam storniert." in text
    assert f"Bei Fragen wenden Sie sich bitte an das Veranstaltungsteam:\n{contact}\n" in text
    assert "/abmeldung/" not in text
    conn = await asyncpg.connect(settings.database_url)
    try:
        kind = await conn.fetchval("SELECT kind FROM deliveries")
    finally:
        await conn.close()
    assert kind == NotificationKind.CANCELLED_BY_ORGANISER


def calendar_of(mail):
    [attachment] = list(mail.iter_attachments())
    [entry] = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    return entry


async def test_sessions_are_named_from_the_stored_programme_and_each_change_updates_the_calendar(
    settings, deps, smtp_sink, contact_api
):
    event = event_snapshot(programme=programme(), venue="Bürgerhaus", city="Cottbus")
    await record_event(RecordEvent(event), deps)
    registration_id = uuid4()
    contact_api.add(registration_id)
    decided = {
        "registration_id": registration_id,
        "event_id": event.event_id,
        "decided_at": datetime.now(UTC),
    }
    confirmed = SeatConfirmed(
        decision_id=uuid4(),
        sessions=[
            SessionPlace(
                slot_id=MORNING,
                session_id=FORUM[3],
                rank=3,
                waiting=[SessionWait(session_id=FORUM[1], position=4)],
            )
        ],
        **decided,
    )
    changes = [
        SessionSeatAssigned(
            decision_id=uuid4(),
            slot_id=MORNING,
            session_id=to,
            previous_session_id=before,
            rank=rank,
            reason=SessionMoveReason.MOVED_UP,
            **decided,
        )
        for to, before, rank in ((FORUM[2], FORUM[3], 2), (FORUM[1], FORUM[2], 1))
    ]

    for decision in (confirmed, *changes, changes[0]):
        envelope = Envelope.new(decision, source="capacity")
        assert await handle_decision(MailDecision(decision, envelope), deps) is DeliveryStatus.SENT

    [seat] = mails_with(smtp_sink, f"<{confirmed.decision_id}@quartier.example>")
    assert (
        "Ihre Plätze im Programm:\n- Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n"
        "  Warteliste Praxisforum 1: Platz 4\n"
    ) in text_of(seat)
    [first, second] = [
        mail
        for change in changes
        for mail in mails_with(smtp_sink, f"<{change.decision_id}@quartier.example>")
    ]
    assert first["Subject"] == "Ihr Programm hat sich geändert: Fachtag Quartiersentwicklung"
    assert "Bisher:          Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n" in text_of(first)
    assert (
        "Ihr Platz jetzt: Praxisforum 1 – Raum 1.01, 10:30–12:00 Uhr\n"
        "Bisher:          Praxisforum 2 – Raum 1.02, 10:30–12:00 Uhr\n"
    ) in text_of(second)
    entries = [calendar_of(mail) for mail in (seat, first, second)]
    assert {entry["UID"] for entry in entries} == {f"{registration_id}@quartier.example"}
    assert [entry.get("SEQUENCE") for entry in entries] == [None, 1, 2]
    assert entries[2]["LOCATION"] == "Bürgerhaus, Cottbus – Raum 1.01"

    assert await ledger(settings) == {
        (confirmed.decision_id, NotificationKind.CONFIRMATION, "sent"),
        *((c.decision_id, NotificationKind.SESSION_CHANGED, "sent") for c in changes),
    }


async def test_a_stand_applications_changes_are_mailed_once_each_also_after_a_restart(
    settings, deps, smtp_sink, contact_api
):
    event = snapshot()
    await record_event(RecordEvent(event), deps)
    received = contact_api.add_application(
        application_contact(event.event_id, [ApplicationState.RECEIVED], locale="en")
    )
    application_id = received.application.application_id
    first = change_of(received)
    first_envelope = Envelope.new(first, source="registration")

    assert (
        await handle_application_change(MailApplicationChange(first, first_envelope), deps)
        is DeliveryStatus.SENT
    )
    # a new worker (its own pool, the same ledger) gets the change again, then the next one
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        restarted = bootstrap(settings, pool=pool)
        accepted = contact_api.add_application(
            application_contact(
                event.event_id,
                [ApplicationState.RECEIVED, ApplicationState.ACCEPTED],
                application_id=application_id,
                notes={2: "Stand 7, near the entrance."},
                locale="en",
            )
        )
        second = change_of(accepted)
        for change in (first, second, first, second):
            command = MailApplicationChange(change, Envelope.new(change, source="registration"))
            assert await handle_application_change(command, restarted) is DeliveryStatus.SENT
    finally:
        await pool.close()

    [receipt] = mails_with(smtp_sink, f"<{change_key(first)}@quartier.example>")
    assert receipt["Subject"] == "Stand application received: Werkstattgespräch Nachbarschaft"
    assert receipt["To"].addresses[0].addr_spec == "joerg.mueller@kreis.example"
    assert receipt["X-Correlation-ID"] == first_envelope.correlation_id
    assert list(receipt.iter_attachments()) == []
    assert f"{SITE}/markt/bewerbung/{received.token}\n" in text_of(receipt)
    [acceptance] = mails_with(smtp_sink, f"<{change_key(second)}@quartier.example>")
    text = text_of(acceptance)
    assert "A message from the event team:\nStand 7, near the entrance.\n" in text
    for seat, token in enumerate(accepted.exhibitor_tokens, start=1):
        assert f"\nPerson {seat}: {SITE}/markt/team/{token}\n" in text
    conn = await asyncpg.connect(settings.database_url)
    try:
        rows = await conn.fetch(
            """
            SELECT application_id, revision, registration_id, kind, status, attempts
            FROM deliveries ORDER BY revision
            """
        )
        outbox = await conn.fetchval("SELECT count(*) FROM outbox")
    finally:
        await conn.close()
    assert [tuple(row) for row in rows] == [
        (application_id, 1, None, NotificationKind.STAND_APPLICATION_RECEIVED, "sent", 1),
        (application_id, 2, None, NotificationKind.STAND_APPLICATION_ACCEPTED, "sent", 1),
    ]
    assert outbox == 0  # notification.deliveries.v1 reports registrations' mails only
