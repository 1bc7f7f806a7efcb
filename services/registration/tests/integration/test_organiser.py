"""Accessibility needs, the organisers' endpoints and feedback on a real Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI

from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope, decode
from registration.service_layer.handlers import apply_decisions
from tests.support import eventually, rows_per_table

from .conftest import TOKEN, body

INTERNAL = {"X-Internal-Token": TOKEN}


def app_of(client: httpx.AsyncClient) -> FastAPI:
    return client._transport.app  # type: ignore[attr-defined,no-any-return]


async def register(client: httpx.AsyncClient, **overrides: object) -> str:
    answer = await client.post("/registrations", json=body(**overrides))
    assert answer.status_code == 202, answer.text
    registration_id: str = answer.json()["registration_id"]
    return registration_id


async def decide(client: httpx.AsyncClient, payload: m.Decision) -> None:
    envelope = Envelope.new(payload, source="capacity")
    await apply_decisions([(envelope, payload)], app_of(client).state.services.uow())


def decision(kind: type[m.Decision], registration_id: str, event_id: str, **extra: Any) -> Any:
    return kind(
        decision_id=uuid4(),
        registration_id=registration_id,
        event_id=event_id,
        decided_at=extra.pop("decided_at", datetime.now(UTC)),
        **extra,
    )


async def participants(client: httpx.AsyncClient, event_id: str) -> list[dict[str, Any]]:
    answer = await client.get(f"/events/{event_id}/registrations", headers=INTERNAL)
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, Any]] = answer.json()
    return listed


async def test_organiser_endpoints_need_the_internal_token(client: httpx.AsyncClient) -> None:
    registration_id = await register(client)
    event_id = uuid4()
    for method, url in [
        ("GET", f"/events/{event_id}/registrations"),
        ("GET", f"/events/{event_id}/accessibility-report"),
        ("POST", f"/registrations/{registration_id}/organiser-cancellation"),
        ("GET", "/feedback"),
        ("GET", f"/registrations/{registration_id}/contact"),
    ]:
        for headers in ({}, {"X-Internal-Token": "wrong"}):
            answer = await client.request(method, url, headers=headers)
            assert answer.status_code == 403, (method, url, headers)
            assert answer.json()["code"] == "internal_token_required"
    status = (await client.get(f"/registrations/{registration_id}")).json()
    assert status["status"] == "pending"


async def test_needs_are_stored_only_with_health_consent(client: httpx.AsyncClient) -> None:
    event_id = str(uuid4())
    stored_before = await rows_per_table(app_of(client).state.pool)
    refused = await client.post(
        "/registrations",
        json=body(event_id=event_id, accessibility_other="Assistenzhund"),
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "health_consent_required"
    assert [p["field"] for p in refused.json()["errors"]] == ["health_data_consent"]
    assert await participants(client, event_id) == []
    assert await rows_per_table(app_of(client).state.pool) == stored_before

    with_needs = await register(
        client,
        event_id=event_id,
        role="volunteer",
        accessibility_needs=["sign_language", "step_free", "sign_language"],
        accessibility_other=" Assistenzhund ",
        health_data_consent=True,
    )
    consent_without_needs = await register(
        client, event_id=event_id, email="b@example.org", health_data_consent=True
    )
    old_client = await register(client, event_id=event_id, email="c@example.org")
    listed = {p["registration_id"]: p for p in await participants(client, event_id)}
    assert listed[with_needs]["role"] == "volunteer"
    assert listed[with_needs]["accessibility_needs"] == ["step_free", "sign_language", "other"]
    assert listed[with_needs]["accessibility_other"] == "Assistenzhund"
    assert listed[old_client]["role"] == "other"
    assert listed[old_client]["accessibility_needs"] == []

    consents = dict(
        await app_of(client).state.pool.fetch(
            "SELECT registration_id::text, health_consent_at FROM registrations"
        )
    )
    assert consents[with_needs] is not None
    assert consents[consent_without_needs] is None and consents[old_client] is None


async def test_unknown_roles_needs_and_long_texts_are_refused(client: httpx.AsyncClient) -> None:
    event_id = str(uuid4())
    stored_before = await rows_per_table(app_of(client).state.pool)
    for bad in (
        {"role": "king"},
        {"accessibility_needs": ["wings"], "health_data_consent": True},
        {"accessibility_other": "x" * 501, "health_data_consent": True},
    ):
        answer = await client.post("/registrations", json=body(event_id=event_id, **bad))
        assert answer.status_code == 422, bad
    assert await participants(client, event_id) == []
    assert await rows_per_table(app_of(client).state.pool) == stored_before


async def test_the_list_shows_seats_first_and_the_waiting_list_by_place(
    client: httpx.AsyncClient,
) -> None:
    event_id = str(uuid4())
    ids = [await register(client, event_id=event_id, email=f"p{i}@example.org") for i in range(7)]
    pending, confirmed, late_waiter, early_waiter, rejected, cancelled, confirmed_2 = ids
    start = datetime.now(UTC)
    for payload in (
        decision(m.SeatConfirmed, confirmed, event_id),
        decision(m.SeatConfirmed, confirmed_2, event_id),
        decision(m.Waitlisted, late_waiter, event_id, position=2, decided_at=start),
        decision(m.Waitlisted, early_waiter, event_id, position=1, decided_at=start - timedelta(1)),
        decision(m.RegistrationRejected, rejected, event_id, reason=m.RejectionReason.EVENT_FULL),
    ):
        await decide(client, payload)
    await client.post(f"/registrations/{cancelled}/organiser-cancellation", headers=INTERNAL)

    listed = await participants(client, event_id)
    assert [p["registration_id"] for p in listed] == [
        confirmed,
        confirmed_2,
        pending,
        early_waiter,
        late_waiter,
        rejected,
        cancelled,
    ]
    assert [p["waitlist_position"] for p in listed] == [None, None, None, 1, 2, None, None]
    assert listed[0]["email"] == "p1@example.org" and listed[0]["name"] == "Erika Mustermann"
    assert listed[-1]["cancel_reason"] == "cancelled_by_organiser"
    assert listed[-1]["cancelled_at"] is not None
    assert await participants(client, str(uuid4())) == []


async def test_two_thousand_registrations_list_with_the_places_the_status_shows(
    client: httpx.AsyncClient,
) -> None:
    event_id = uuid4()
    start = datetime.now(UTC)
    statuses = ["cancelled", "waitlisted", "confirmed", "pending", "rejected"]
    rows = [
        (
            uuid4(),
            event_id,
            f"Person {i}",
            f"p{i}@example.org",
            f"p{i}@example.org",
            f"key-{event_id}-{i}",
            start,
            start + timedelta(seconds=i),
            statuses[i % 5],
            # the later registered waits longer: places follow waitlisted_at, not created_at
            start - timedelta(seconds=i) if i % 5 == 1 else None,
        )
        for i in range(2000)
    ]
    pool: asyncpg.Pool = app_of(client).state.pool
    await pool.copy_records_to_table(
        "registrations",
        records=rows,
        columns=[
            "registration_id",
            "event_id",
            "name",
            "email",
            "email_normalized",
            "idempotency_key",
            "privacy_consent_at",
            "created_at",
            "status",
            "waitlisted_at",
        ],
    )
    listed = await participants(client, str(event_id))
    assert len(listed) == 2000
    order = ["confirmed", "pending", "waitlisted", "rejected", "cancelled"]
    assert [p["status"] for p in listed] == sorted(statuses * 400, key=order.index)
    waiting = [p for p in listed if p["status"] == "waitlisted"]
    assert [p["waitlist_position"] for p in waiting] == list(range(1, 401))
    assert [p["email"] for p in waiting[:2]] == ["p1996@example.org", "p1991@example.org"]
    confirmed = [p["created_at"] for p in listed if p["status"] == "confirmed"]
    assert confirmed == sorted(confirmed)
    for sample in (waiting[0], waiting[137], waiting[-1]):
        status = (await client.get(f"/registrations/{sample['registration_id']}")).json()
        assert status["waitlist_position"] == sample["waitlist_position"]


async def test_the_accessibility_report_counts_active_registrations(
    client: httpx.AsyncClient,
) -> None:
    event_id = str(uuid4())
    consent = {"health_data_consent": True}
    await register(client, event_id=event_id, accessibility_needs=["step_free"], **consent)
    waiter = await register(
        client,
        event_id=event_id,
        email="w@example.org",
        accessibility_needs=["step_free", "easy_language"],
        **consent,
    )
    await decide(client, decision(m.Waitlisted, waiter, event_id, position=1))
    gone = await register(
        client,
        event_id=event_id,
        email="g@example.org",
        accessibility_needs=["sign_language"],
        **consent,
    )
    await client.post(f"/registrations/{gone}/organiser-cancellation", headers=INTERNAL)
    await register(client, event_id=event_id, email="n@example.org")
    await register(
        client, email="other-event@example.org", accessibility_needs=["step_free"], **consent
    )

    answer = await client.get(f"/events/{event_id}/accessibility-report", headers=INTERNAL)
    assert answer.json() == {
        "event_id": event_id,
        "active_registrations": 3,
        "with_needs": 2,
        "needs": {
            "step_free": 2,
            "sign_language": 0,
            "induction_loop": 0,
            "easy_language": 1,
            "other": 0,
        },
    }
    unknown = await client.get(f"/events/{uuid4()}/accessibility-report", headers=INTERNAL)
    assert unknown.json()["active_registrations"] == 0


async def published(broker: str) -> list[m.IntegrationEvent]:
    """Everything on the registrations topic so far (up to the current end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False)
    await consumer.start()
    try:
        topic = topics.REGISTRATIONS
        partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        payloads: list[m.IntegrationEvent] = []
        async with asyncio.timeout(15):
            while any([await consumer.position(tp) < end for tp, end in ends.items()]):
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        _, payload = decode(topic, list(record.headers), record.value)
                        payloads.append(payload)
        return payloads
    finally:
        await consumer.stop()


async def test_an_organiser_cancellation_is_published_once(
    client: httpx.AsyncClient, broker: str
) -> None:
    registration_id = await register(client)
    url = f"/registrations/{registration_id}/organiser-cancellation"
    first = (await client.post(url, headers=INTERNAL)).json()
    second = (await client.post(url, headers=INTERNAL)).json()
    assert (first["status"], first["already_cancelled"]) == ("cancelled", False)
    assert (second["status"], second["already_cancelled"]) == ("cancelled", True)
    assert first["cancel_reason"] == "cancelled_by_organiser"
    missing = await client.post(
        f"/registrations/{uuid4()}/organiser-cancellation", headers=INTERNAL
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

    pool: asyncpg.Pool = app_of(client).state.pool

    async def relayed() -> bool:
        waiting = await pool.fetchval("SELECT count(*) FROM outbox")
        assert waiting == 0, f"{waiting} rows in the outbox"
        return True

    await eventually(relayed, what="the outbox published", timeout=15, interval=0.2)
    cancellations = [
        payload
        for payload in await published(broker)
        if isinstance(payload, m.RegistrationCancelled)
        and payload.registration_id == UUID(registration_id)
    ]
    assert [c.cancelled_by for c in cancellations] == [m.CancelledBy.ORGANISER]


async def test_feedback_is_kept_and_listed_newest_first(client: httpx.AsyncClient) -> None:
    first = await client.post(
        "/feedback",
        json={"message": "  Der Kontrast im Menü ist zu schwach.  ", "page": "/veranstaltungen"},
    )
    assert first.status_code == 201
    second = await client.post(
        "/feedback",
        json={
            "message": "Please add captions.",
            "name": "Kim",
            "email": "kim@example.org",
            "locale": "en",
        },
    )
    listed = (await client.get("/feedback", headers=INTERNAL)).json()
    assert [f["feedback_id"] for f in listed] == [
        second.json()["feedback_id"],
        first.json()["feedback_id"],
    ]
    newest, oldest = listed
    assert (newest["name"], newest["email"], newest["locale"]) == ("Kim", "kim@example.org", "en")
    assert oldest["message"] == "Der Kontrast im Menü ist zu schwach."
    assert (oldest["email"], oldest["page"], oldest["locale"]) == (None, "/veranstaltungen", "de")
    limited = await client.get("/feedback?limit=1", headers=INTERNAL)
    assert [f["feedback_id"] for f in limited.json()] == [second.json()["feedback_id"]]


async def test_empty_or_invalid_feedback_is_refused(client: httpx.AsyncClient) -> None:
    stored_before = await rows_per_table(app_of(client).state.pool)
    for bad in ({"message": "   "}, {"message": "x" * 5001}, {"message": "Hi", "email": "kein"}):
        assert (await client.post("/feedback", json=bad)).status_code == 422, bad
    assert (await client.get("/feedback", headers=INTERNAL)).json() == []
    assert await rows_per_table(app_of(client).state.pool) == stored_before
    for limit in (0, 1001):
        answer = await client.get(f"/feedback?limit={limit}", headers=INTERNAL)
        assert answer.status_code == 422, limit
