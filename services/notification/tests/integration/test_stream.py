"""The worker as its own process: catalogue and decisions in over Kafka, mail out over SMTP,
``NotificationSent`` out over Kafka."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from contracts import topics
from contracts.envelope import Envelope, decode
from contracts.messages import (
    ApplicationState,
    EventCancelled,
    EventPublished,
    EventSnapshot,
    EventStatus,
    EventUpdated,
    IntegrationEvent,
    NotificationKind,
    NotificationSent,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    SessionMoveReason,
    SessionPlace,
    SessionReleaseReason,
    SessionSeatAssigned,
    SessionSeatReleased,
    SessionWaitlisted,
    Waitlisted,
)
from devstack.net import free_port
from devstack.procs import Proc, spawn
from notification.domain.model import change_key
from servicekit.kafka import producer
from servicekit.settings import KafkaSettings
from services.notification.tests.events import FORUM, MORNING, event_snapshot, programme
from services.notification.tests.stands import application_contact, change_of
from tests.support import eventually, until_ready
from tests.support.metrics import Scrape

TOKEN = "integration-token"
PACE = {"timeout": 60.0, "interval": 0.2}


T = TypeVar("T")


@dataclass
class Worker:
    proc: Proc
    log: Path
    database_url: str
    web_port: int


def present(found: T, worker: Worker) -> T:
    """A probe's answer once there is one; until then not yet, with the worker's last log
    lines for the message when the wait runs out."""
    assert found, worker.proc.log_tail()
    return found


@pytest.fixture
async def worker(broker, service_db, smtp_sink, contact_api, tmp_path) -> AsyncIterator[Worker]:
    web_port = free_port()
    database_url = await service_db("notification")
    env = {
        "NOTIFICATION_DATABASE_URL": database_url,
        "NOTIFICATION_KAFKA_BOOTSTRAP": broker,
        "NOTIFICATION_APP_ID": f"notification-{uuid.uuid4().hex[:8]}",
        "NOTIFICATION_SESSION_TIMEOUT": "3",
        "NOTIFICATION_HEARTBEAT_INTERVAL": "0.5",
        "NOTIFICATION_WEB_PORT": str(web_port),
        "NOTIFICATION_SMTP_PORT": str(smtp_sink.port),
        "NOTIFICATION_REGISTRATION_URL": contact_api.url,
        "NOTIFICATION_INTERNAL_TOKEN": TOKEN,
        "NOTIFICATION_PUBLIC_BASE_URL": "https://veranstaltungen.quartier.example",
    }
    proc = spawn(
        "notification",
        [sys.executable, "-m", "notification.entrypoints.stream"],
        log_dir=tmp_path,
        env=env,
        cwd=tmp_path,
    )
    try:
        await until_ready(proc, web_port, what="the worker", **PACE)
        yield Worker(proc, proc.log_path, database_url, web_port)
    finally:
        proc.stop()


async def produce(broker: str, *records: tuple[IntegrationEvent, Envelope]) -> None:
    kafka = producer(KafkaSettings(kafka_bootstrap=broker), "notification-test")
    await kafka.start()
    try:
        for payload, envelope in records:
            topic = topics.topic_for(type(payload))
            await kafka.send_and_wait(
                topic.name,
                payload.model_dump_json().encode(),
                key=topic.key_of(payload),
                headers=envelope.to_headers(),
            )
    finally:
        await kafka.stop()


async def records(broker: str, topic: str) -> list[tuple[list[tuple[str, bytes]], bytes]]:
    """Headers and value of every record on ``topic`` so far."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=1000)
        return [(list(r.headers), r.value) for batch in batches.values() for r in batch]
    finally:
        await consumer.stop()


async def deliveries(broker: str) -> list[tuple[Envelope, IntegrationEvent]]:
    """Everything on the deliveries topic so far."""
    return [
        decode(topics.DELIVERIES, headers, value)
        for headers, value in await records(broker, topics.DELIVERIES.name)
    ]


def text_of(mail) -> str:
    """The plain-text body with the line endings of the template (SMTP delivers CRLF)."""
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def mails_with(sink, message_id: str):
    return [m for m in sink.messages() if m["Message-ID"] == message_id]


def mails_for(sink, key: uuid.UUID):
    """The mails for a decision or an application's change (``change_key``)."""
    return mails_with(sink, f"<{key}@quartier.example>")


def published(snapshot: EventSnapshot) -> tuple[EventPublished, Envelope]:
    payload = EventPublished(event=snapshot, occurred_at=datetime.now(UTC))
    return payload, Envelope.new(payload, source="capacity")


def seat_confirmed(event: EventSnapshot) -> SeatConfirmed:
    """A seat decision for a new registration at ``event``."""
    return SeatConfirmed(
        decision_id=uuid.uuid4(),
        registration_id=uuid.uuid4(),
        event_id=event.event_id,
        decided_at=datetime.now(UTC),
    )


async def test_a_decision_on_kafka_becomes_one_mail_and_a_notification_sent(
    worker, broker, smtp_sink, contact_api
):
    event = event_snapshot(title="Markt der guten Ideen")
    confirmed = seat_confirmed(event)
    confirmed_envelope = Envelope.new(confirmed, source="capacity")
    cancel_token = contact_api.add(confirmed.registration_id)

    await produce(broker, (confirmed, confirmed_envelope), published(event))

    confirmation_id = f"<{confirmed.decision_id}@quartier.example>"
    [mail] = await eventually(
        lambda: present(mails_with(smtp_sink, confirmation_id), worker),
        what="the confirmation mail",
        **PACE,
    )
    assert mail["Subject"] == "Anmeldebestätigung: Markt der guten Ideen"
    assert mail["X-Correlation-ID"] == confirmed_envelope.correlation_id
    assert [a.get_filename() for a in mail.iter_attachments()] == ["termin.ics"]
    assert f"/abmeldung/{cancel_token}\n" in text_of(mail)

    async def confirmation_sent() -> list[tuple[Envelope, IntegrationEvent]]:
        sent = [
            (env, msg)
            for env, msg in await deliveries(broker)
            if isinstance(msg, NotificationSent) and msg.decision_id == confirmed.decision_id
        ]
        return present(sent, worker)

    [(sent_envelope, _)] = await eventually(
        confirmation_sent, what="NotificationSent for the confirmation", **PACE
    )
    assert sent_envelope.causation_id == str(confirmed_envelope.id)
    assert sent_envelope.correlation_id == confirmed_envelope.correlation_id

    # the same decision again, then a later one for the same event (same partition, in order)
    waitlisted = Waitlisted(
        decision_id=uuid.uuid4(),
        registration_id=uuid.uuid4(),
        event_id=event.event_id,
        decided_at=datetime.now(UTC),
        position=1,
    )
    contact_api.add(waitlisted.registration_id, locale="en")
    await produce(
        broker,
        (confirmed, confirmed_envelope),
        (waitlisted, Envelope.new(waitlisted, source="capacity")),
    )

    await eventually(
        lambda: present(
            mails_with(smtp_sink, f"<{waitlisted.decision_id}@quartier.example>"), worker
        ),
        what="the waiting-list mail",
        **PACE,
    )
    assert len(mails_with(smtp_sink, confirmation_id)) == 1
    log = worker.log.read_text()
    assert "@kreis.example" not in log
    assert "Müller" not in log
    assert cancel_token not in log


async def test_a_cancelled_event_reaches_its_attendees(worker, broker, smtp_sink, contact_api):
    event = event_snapshot(title="Praxisforum Ehrenamt", venue="Gemeindesaal", city="Jena")
    moved = event.model_copy(
        update={"venue": "Volkshaus", "address": "Johannisplatz 26", "revision": 2}
    )
    called_off = moved.model_copy(update={"status": EventStatus.CANCELLED, "revision": 3})
    now = datetime.now(UTC)
    updated = EventUpdated(event=moved, occurred_at=now)
    cancelled = EventCancelled(event=called_off, occurred_at=now)
    # the stale revision 1 comes last and must not win
    await produce(
        broker,
        (updated, Envelope.new(updated, source="capacity")),
        (cancelled, Envelope.new(cancelled, source="capacity")),
        published(event),
    )

    async def latest_revision_kept() -> bool:
        conn = await asyncpg.connect(worker.database_url)
        try:
            row = await conn.fetchrow(
                "SELECT venue, address, revision FROM events WHERE event_id = $1",
                event.event_id,
            )
        finally:
            await conn.close()
        assert row is not None, worker.proc.log_tail()
        assert tuple(row) == ("Volkshaus", "Johannisplatz 26", 3), worker.proc.log_tail()
        return True

    await eventually(latest_revision_kept, what="revision 3 of the event kept", **PACE)

    seat, waiting = uuid.uuid4(), uuid.uuid4()
    contact_api.add(seat)
    waiting_token = contact_api.add(waiting, locale="en")
    releases = [
        SeatReleased(
            decision_id=uuid.uuid4(),
            registration_id=registration_id,
            event_id=event.event_id,
            decided_at=now,
            reason=ReleaseReason.EVENT_CANCELLED,
            was_waitlisted=was_waitlisted,
        )
        for registration_id, was_waitlisted in ((seat, False), (waiting, True))
    ]
    await produce(broker, *[(r, Envelope.new(r, source="capacity")) for r in releases])

    ids = [f"<{r.decision_id}@quartier.example>" for r in releases]
    await eventually(
        lambda: present(all(mails_with(smtp_sink, i) for i in ids), worker),
        what="both cancellation mails",
        **PACE,
    )
    [german] = mails_with(smtp_sink, ids[0])
    [english] = mails_with(smtp_sink, ids[1])
    assert german["Subject"] == "Veranstaltung abgesagt: Praxisforum Ehrenamt"
    german_text = text_of(german)
    assert "Die Veranstaltung „Praxisforum Ehrenamt“ wurde abgesagt." in german_text
    assert "Wo:   Volkshaus, Johannisplatz 26, Jena\n" in german_text
    assert english["Subject"] == "Event cancelled: Praxisforum Ehrenamt"
    english_text = text_of(english)
    assert "Your place on the waiting list has therefore lapsed." in english_text
    assert waiting_token not in english_text

    async def both_sent() -> dict[uuid.UUID, NotificationKind]:
        kinds = {
            msg.decision_id: msg.kind
            for _, msg in await deliveries(broker)
            if isinstance(msg, NotificationSent)
        }
        assert all(r.decision_id in kinds for r in releases), worker.proc.log_tail()
        return kinds

    kinds = await eventually(both_sent, what="NotificationSent for both releases", **PACE)
    assert {kinds[r.decision_id] for r in releases} == {NotificationKind.EVENT_CANCELLED}


async def test_session_changes_on_kafka_are_mailed_when_they_are_news(
    worker, broker, smtp_sink, contact_api
):
    event = event_snapshot(title="Fachtag Quartier", programme=programme())
    now = datetime.now(UTC)
    person, other = uuid.uuid4(), uuid.uuid4()
    contact_api.add(person)
    contact_api.add(other, locale="en")

    def decided(registration_id: uuid.UUID) -> dict[str, object]:
        return {
            "decision_id": uuid.uuid4(),
            "registration_id": registration_id,
            "event_id": event.event_id,
            "decided_at": now,
            "slot_id": MORNING,
        }

    confirmed = SeatConfirmed(
        decision_id=uuid.uuid4(),
        registration_id=person,
        event_id=event.event_id,
        decided_at=now,
        sessions=[SessionPlace(slot_id=MORNING, session_id=FORUM[3], rank=3)],
    )
    allocated = SessionSeatAssigned(
        **decided(person), session_id=FORUM[3], rank=3, reason=SessionMoveReason.ALLOCATED
    )
    waiting = SessionWaitlisted(**decided(person), session_id=FORUM[1], position=1)
    moved_up = SessionSeatAssigned(
        **decided(person),
        session_id=FORUM[1],
        previous_session_id=FORUM[3],
        rank=1,
        reason=SessionMoveReason.MOVED_UP,
    )
    day_released = SessionSeatReleased(
        **decided(other), session_id=FORUM[2], reason=SessionReleaseReason.DAY_RELEASED
    )
    dropped = SessionSeatReleased(
        **decided(other), session_id=FORUM[2], reason=SessionReleaseReason.CHOICE_CHANGED
    )
    sessions = [allocated, waiting, day_released, moved_up, dropped]
    await produce(
        broker,
        published(event),
        (confirmed, Envelope.new(confirmed, source="capacity")),
        *[(message, Envelope.new(message, source="capacity")) for message in sessions],
    )

    def mail_of(decision):
        return mails_for(smtp_sink, decision.decision_id)

    await eventually(
        lambda: present(all(mail_of(d) for d in (confirmed, moved_up, dropped)), worker),
        what="the confirmation and both session-change mails",
        **PACE,
    )
    [mail] = mail_of(moved_up)
    assert mail["Subject"] == "Ihr Programm hat sich geändert: Fachtag Quartier"
    text = text_of(mail)
    assert "Ihr Platz jetzt: Praxisforum 1 – Raum 1.01, 10:30–12:00 Uhr\n" in text
    assert "Bisher:          Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n" in text
    assert [a.get_filename() for a in mail.iter_attachments()] == ["termin.ics"]
    [english] = mail_of(dropped)
    assert "Your seat:  none at the moment\n" in text_of(english)
    # the ones before moved_up on the same partition were handled first: passed over
    for skipped in (allocated, waiting, day_released):
        assert mail_of(skipped) == []

    async def changes_sent() -> dict[uuid.UUID, NotificationKind]:
        kinds = {
            msg.decision_id: msg.kind
            for _, msg in await deliveries(broker)
            if isinstance(msg, NotificationSent)
        }
        assert {moved_up.decision_id, dropped.decision_id} <= set(kinds), worker.proc.log_tail()
        return kinds

    kinds = await eventually(changes_sent, what="NotificationSent for both changes", **PACE)
    assert kinds[moved_up.decision_id] is NotificationKind.SESSION_CHANGED
    assert kinds[dropped.decision_id] is NotificationKind.SESSION_CHANGED
    assert not {d.decision_id for d in (allocated, waiting, day_released)} & set(kinds)
    dead = await records(broker, topics.SESSIONS.dlq)
    assert not [value for _, value in dead if str(event.event_id).encode() in value]


async def test_the_health_port_serves_metrics_of_mails_outbox_and_consumer_lag(
    worker, broker, smtp_sink, contact_api
):
    """The worker reads the topics from their start (other tests' records too): the counts
    are at least this test's."""
    event = event_snapshot(title="Werkstattgespräch Metriken")
    confirmed = seat_confirmed(event)
    contact_api.add(confirmed.registration_id)
    await produce(broker, published(event), (confirmed, Envelope.new(confirmed, source="capacity")))

    async def confirmation_sent() -> bool:
        sent = [
            msg
            for _, msg in await deliveries(broker)
            if isinstance(msg, NotificationSent) and msg.decision_id == confirmed.decision_id
        ]
        return present(bool(sent), worker)

    await eventually(confirmation_sent, what="NotificationSent for the confirmation", **PACE)
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.get(f"http://127.0.0.1:{worker.web_port}/metrics")
    assert answer.status_code == 200, answer.text
    found = Scrape(answer.text)

    mail = {"service": "notification", "kind": NotificationKind.CONFIRMATION.value}
    sent = found.value("quartier_mails_sent_total", **mail) or 0
    assert sent >= 1
    assert (found.value("quartier_mails_queued_total", **mail) or 0) >= sent
    assert found.value("quartier_smtp_retries_total", service="notification") is not None
    assert (found.value("quartier_outbox_published_total", topic=topics.DELIVERIES.name) or 0) >= 1
    assert found.value("quartier_outbox_waiting") is not None
    assert found.value("quartier_outbox_lag_seconds") is not None
    assert (found.value("quartier_consumer_records_total", topic=topics.DECISIONS.name) or 0) >= 1
    lag = found.labels("quartier_consumer_lag")
    consumed = (topics.CATALOG, topics.DECISIONS, topics.SESSIONS, topics.STAND_APPLICATIONS)
    assert {labels["topic"] for labels in lag} == {topic.name for topic in consumed}
    assert {(labels["topic"], labels["partition"]) for labels in lag} == {
        (topic.name, str(partition)) for topic in consumed for partition in range(topic.partitions)
    }
    assert {labels["group"] for labels in lag} == {labels["service"] for labels in lag}
    assert str(confirmed.registration_id) not in answer.text
    assert "kreis.example" not in answer.text  # the contact's address


async def test_stand_applications_on_kafka_are_mailed_once_per_change(
    worker, broker, smtp_sink, contact_api
):
    """Received, accepted and a redelivery of the receipt: two mails. A record that breaks
    the contract goes to the topic's dead-letter queue with the reason; the next is mailed."""
    event = event_snapshot(title="Fachtag mit Markt")
    states = [ApplicationState.RECEIVED, ApplicationState.ACCEPTED]
    contact = contact_api.add_application(
        application_contact(event.event_id, states, staff=3, notes={2: "Stand 7."})
    )
    received, accepted = change_of(contact, 1), change_of(contact, 2)
    broken = received.model_copy(update={"revision": 0})  # revisions start at 1
    broken_envelope = Envelope.new(broken, source="registration")
    withdrawn_contact = contact_api.add_application(
        application_contact(
            event.event_id, [ApplicationState.RECEIVED, ApplicationState.WITHDRAWN], locale="en"
        )
    )
    withdrawn = change_of(withdrawn_contact)
    await produce(
        broker,
        published(event),
        *[
            (change, Envelope.new(change, source="registration"))
            for change in (received, accepted, received)
        ],
        (broken, broken_envelope),
        (withdrawn, Envelope.new(withdrawn, source="registration")),
    )

    changes = (received, accepted, withdrawn)
    mails = await eventually(
        lambda: present(all(mails_for(smtp_sink, change_key(c)) for c in changes), worker),
        what="the receipt, the acceptance and the withdrawal",
        **PACE,
    )
    assert mails

    def mail_of(change):
        return mails_for(smtp_sink, change_key(change))

    [receipt] = mail_of(received)
    assert receipt["Subject"] == "Bewerbung für einen Stand eingegangen: Fachtag mit Markt"
    assert f"/markt/bewerbung/{contact.token}\n" in text_of(receipt)
    [acceptance] = mail_of(accepted)
    text = text_of(acceptance)
    assert "Nachricht des Veranstaltungsteams:\nStand 7.\n" in text
    assert [line for line in text.splitlines() if line.startswith("Person ")] == [
        f"Person {seat}: https://veranstaltungen.quartier.example/markt/team/{token}"
        for seat, token in enumerate(contact.exhibitor_tokens, start=1)
    ]
    [english] = mail_of(withdrawn)
    assert english["Subject"] == "Stand application withdrawn: Fachtag mit Markt"

    async def dead_lettered() -> list[dict[str, bytes]]:
        dead = [
            dict(headers)
            for headers, _ in await records(broker, topics.STAND_APPLICATIONS.dlq)
            if dict(headers).get("ce_id") == str(broken_envelope.id).encode()
        ]
        return present(dead, worker)

    [headers] = await eventually(dead_lettered, what="the broken record dead-lettered", **PACE)
    assert headers["dlq_reason"].startswith(b"contract: ")
    assert b"revision" in headers["dlq_reason"]
    assert headers["dlq_source_topic"] == topics.STAND_APPLICATIONS.name.encode()
    assert len(mail_of(received)) == 1
    reported = {msg.decision_id for _, msg in await deliveries(broker)}
    assert not {change_key(c) for c in (received, accepted, withdrawn)} & reported
    log = worker.log.read_text()
    assert contact.token not in log
    assert "kreis.example" not in log
