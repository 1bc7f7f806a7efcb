"""The registration API on a real Postgres, its outbox relayed to a real broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from contracts import messages as m
from contracts import topics
from contracts.envelope import ContractError, Envelope, decode
from registration.adapters.status_changes import StatusChanges
from registration.config import Settings
from registration.entrypoints.http import create_app
from registration.service_layer.handlers import apply_decisions
from tests.support import eventually, rows_per_table

from .conftest import TOKEN, body


async def first_registration_message(
    broker: str,
    wanted: Callable[[m.IntegrationEvent], bool],
    topic: topics.Topic = topics.REGISTRATIONS,
) -> tuple[bytes | None, Envelope, m.IntegrationEvent]:
    """The first message on ``topic`` (from its start) that ``wanted`` picks, as its key,
    envelope and payload, passing over records that break the contract; fails after 15 s
    without one."""
    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=broker,
        group_id=f"t-{uuid4()}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(15):
            async for record in consumer:
                try:
                    envelope, payload = decode(topic, list(record.headers), record.value)
                except ContractError:  # another test's poison record (its DLQ test)
                    continue
                if wanted(payload):
                    return record.key, envelope, payload
    finally:
        await consumer.stop()
    raise AssertionError("unreachable: a consumer iterates until it is stopped")


async def test_a_registration_is_accepted_and_published(
    client: httpx.AsyncClient, broker: str
) -> None:
    data = body()
    answer = await client.post(
        "/registrations", json=data, headers={"X-Correlation-ID": "corr-http-1"}
    )
    assert answer.status_code == 202
    accepted = answer.json()
    assert accepted["status"] == "pending"
    assert answer.headers["Location"] == accepted["status_url"]
    status = (await client.get(accepted["status_url"])).json()
    assert status["status"] == "pending" and "email" not in status

    def requested(payload: m.IntegrationEvent) -> bool:
        # other tests of the session publish on the topic too (cancellations among them)
        return (
            isinstance(payload, m.RegistrationRequested)
            and str(payload.registration_id) == accepted["registration_id"]
        )

    key, envelope, _ = await first_registration_message(broker, requested)
    assert key == data["event_id"].encode()  # type: ignore[union-attr]
    assert envelope.correlation_id == "corr-http-1"


async def test_the_same_request_twice_is_one_registration(client: httpx.AsyncClient) -> None:
    data = body()
    headers = {"Idempotency-Key": str(uuid4())}
    answers = await asyncio.gather(
        *(client.post("/registrations", json=data, headers=headers) for _ in range(5)),
        client.post("/registrations", json={**data, "email": " ERIKA@example.org "}),
    )
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["registration_id"] for a in answers}) == 1


@pytest.mark.parametrize(
    "bad",
    [{"email": "not-an-address"}, {"name": ""}, {"privacy_consent": False}, {"event_id": "x"}],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, bad: dict[str, object]
) -> None:
    pool = client._transport.app.state.pool  # type: ignore[attr-defined]
    stored_before = await rows_per_table(pool)
    assert set(stored_before) >= {"registrations", "outbox"}

    answer = await client.post("/registrations", json=body(**bad))

    assert answer.status_code == 422
    assert await rows_per_table(pool) == stored_before  # no registration, nothing to publish
    refusal = answer.json()
    assert refusal["code"] == (
        "consent_required" if "privacy_consent" in bad else "invalid_request"
    )
    assert [problem["field"] for problem in refusal["errors"]] == list(bad)
    assert all(problem["message_de"] and problem["message_en"] for problem in refusal["errors"])


async def test_contact_data_needs_the_internal_token(client: httpx.AsyncClient) -> None:
    accepted = (await client.post("/registrations", json=body())).json()
    url = f"/registrations/{accepted['registration_id']}/contact"
    assert (await client.get(url)).status_code == 403
    contact = await client.get(url, headers={"X-Internal-Token": TOKEN})
    assert contact.json()["email"] == "erika@example.org"
    assert (await client.get(f"/registrations/{uuid4()}")).status_code == 404


async def cancel_token(client: httpx.AsyncClient) -> tuple[str, str]:
    accepted = (await client.post("/registrations", json=body())).json()
    contact = await client.get(
        f"/registrations/{accepted['registration_id']}/contact", headers={"X-Internal-Token": TOKEN}
    )
    return accepted["registration_id"], contact.json()["cancel_token"]


async def test_the_cancel_link_cancels_once_and_is_published(
    client: httpx.AsyncClient, broker: str
) -> None:
    registration_id, token = await cancel_token(client)
    target = await client.get(f"/cancellations/{token}")
    assert target.json()["registration_id"] == registration_id
    first = (await client.post(f"/cancellations/{token}")).json()
    second = (await client.post(f"/cancellations/{token}")).json()
    assert (first["status"], first["already_cancelled"]) == ("cancelled", False)
    assert (second["status"], second["already_cancelled"]) == ("cancelled", True)
    assert (await client.get(f"/registrations/{registration_id}")).json()["status"] == "cancelled"

    def cancellation(payload: m.IntegrationEvent) -> bool:
        return (
            isinstance(payload, m.RegistrationCancelled)
            and str(payload.registration_id) == registration_id
        )

    _, _, cancelled = await first_registration_message(broker, cancellation)
    assert cancellation(cancelled)


async def test_a_wrong_cancel_link_is_refused_with_a_reason(client: httpx.AsyncClient) -> None:
    _, token = await cancel_token(client)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(".", "-", 1)):
        answer = await client.post(f"/cancellations/{bad}")
        assert answer.status_code == 404
        assert answer.json()["code"] == "invalid_token"


async def test_an_expired_cancel_link_says_so(service_db, broker: str) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=await service_db("registration"),
        kafka_bootstrap=broker,
        internal_token=TOKEN,
        log_json=False,
    )
    mailed = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    now = [mailed]
    app = create_app(settings, clock=lambda: now[-1])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            registration_id, token = await cancel_token(client)
            now.append(mailed + timedelta(days=settings.cancel_token_days))
            last_day = await client.get(f"/cancellations/{token}")
            now.append(now[-1] + timedelta(seconds=1))
            answer = await client.post(f"/cancellations/{token}")
            status = (await client.get(f"/registrations/{registration_id}")).json()
    assert last_day.json()["registration_id"] == registration_id
    assert answer.status_code == 410
    assert answer.json()["code"] == "token_expired"
    assert status["status"] == "pending"  # not cancelled by the expired link


class WatchedChanges:
    """The app's status changes, noting the event each waiting request waits on."""

    def __init__(self, changes: StatusChanges) -> None:
        self.changes = changes
        self.waits: list[asyncio.Event] = []

    @contextlib.asynccontextmanager
    async def watch(self, registration_id: UUID) -> AsyncIterator[asyncio.Event]:
        async with self.changes.watch(registration_id) as changed:
            self.waits.append(changed)
            yield changed


async def test_a_waiting_status_request_returns_when_the_decision_arrives(
    client: httpx.AsyncClient,
) -> None:
    data = body()
    accepted = (await client.post("/registrations", json=data)).json()
    registration_id = accepted["registration_id"]
    app = client._transport.app  # type: ignore[attr-defined]
    watched = app.state.status_changes = WatchedChanges(app.state.status_changes)
    waiting = asyncio.create_task(client.get(f"/registrations/{registration_id}?wait=20"))
    [held] = await eventually(lambda: watched.waits, what="the request holding its answer")
    assert not waiting.done()
    decision = m.SeatConfirmed(
        decision_id=uuid4(),
        registration_id=registration_id,
        event_id=data["event_id"],
        decided_at=datetime.now(UTC),
    )
    envelope = Envelope.new(decision, source="capacity")
    await apply_decisions([(envelope, decision)], app.state.services.uow())
    answer = await waiting
    assert answer.json()["status"] == "confirmed"
    assert held.is_set(), "the decision woke the request (its 20 s had not run out)"


async def test_a_change_of_choice_by_the_cancel_link_is_stored_and_published(
    client: httpx.AsyncClient, broker: str
) -> None:
    slot, forum_a, forum_b = (str(uuid4()) for _ in range(3))
    accepted = (
        await client.post("/registrations", json=body(choices={slot: [forum_a, forum_b]}))
    ).json()
    registration_id = accepted["registration_id"]
    contact = await client.get(
        f"/registrations/{registration_id}/contact", headers={"X-Internal-Token": TOKEN}
    )
    token = contact.json()["cancel_token"]
    assert (await client.get(f"/choices/{token}")).json() == {"choices": {slot: [forum_a, forum_b]}}

    answer = await client.post(
        f"/choices/{token}",
        json={"choices": {slot: [forum_b]}},
        headers={"X-Correlation-ID": "corr-choice-1"},
    )

    assert answer.status_code == 202
    assert answer.json()["registration_id"] == registration_id
    assert (await client.get(f"/choices/{token}")).json() == {"choices": {slot: [forum_b]}}

    def change(payload: m.IntegrationEvent) -> bool:
        return (
            isinstance(payload, m.SessionChoicesChanged)
            and str(payload.registration_id) == registration_id
        )

    _, envelope, changed = await first_registration_message(broker, change)
    assert isinstance(changed, m.SessionChoicesChanged)
    assert changed.choices == {UUID(slot): [UUID(forum_b)]}
    assert envelope.correlation_id == "corr-choice-1"

    def requested(payload: m.IntegrationEvent) -> bool:
        return (
            isinstance(payload, m.RegistrationRequested)
            and str(payload.registration_id) == registration_id
        )

    _, _, first = await first_registration_message(broker, requested)
    assert isinstance(first, m.RegistrationRequested)
    assert first.choices == {UUID(slot): [UUID(forum_a), UUID(forum_b)]}


async def test_a_cancelled_registration_takes_no_new_choice(client: httpx.AsyncClient) -> None:
    _, token = await cancel_token(client)
    await client.post(f"/cancellations/{token}")

    answer = await client.post(f"/choices/{token}", json={"choices": {str(uuid4()): []}})

    assert answer.status_code == 409
    refusal = answer.json()
    assert refusal["code"] == "registration_ended"
    assert refusal["message_de"] and refusal["message_en"]
    assert (await client.get(f"/choices/{token}")).json() == {"choices": {}}  # nothing stored
    wrong = await client.post(f"/choices/{token[:-2]}xx", json={"choices": {}})
    assert (wrong.status_code, wrong.json()["code"]) == (404, "invalid_token")
