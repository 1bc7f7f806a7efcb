"""The catalog follower and the app's readiness against a real Kafka broker."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import (
    CatalogEvent,
    CloseReason,
    EventCancelled,
    EventClosed,
    EventKind,
    EventPublished,
    EventReopened,
    EventSnapshot,
    EventStatus,
    EventUpdated,
)
from gateway.adapters.catalog_follower import KafkaCatalogFollower
from gateway.app import create_app
from gateway.bootstrap import Overrides
from gateway.config import Settings
from gateway.domain.model import Catalog
from servicekit.kafka import producer
from servicekit.settings import KafkaSettings
from tests.support import eventually

NOW = datetime.now(UTC)
QUICKLY = {"timeout": 15.0, "interval": 0.1}


def snapshot(revision: int = 1, **changes: object) -> EventSnapshot:
    values: dict[str, object] = {
        "event_id": uuid.uuid4(),
        "title": "Werkstattgespräch Quartiersarbeit",
        "kind": EventKind.WERKSTATTGESPRAECH,
        "starts_at": NOW + timedelta(days=30),
        "ends_at": NOW + timedelta(days=30, hours=4),
        "venue": "Rathaus",
        "city": "Freiburg",
        "capacity": 2,
        "seats_taken": 0,
        "seats_left": 2,
        "waitlist_enabled": True,
        "waitlist_length": 0,
        "status": EventStatus.OPEN,
        "revision": revision,
    }
    values.update(changes)
    return EventSnapshot.model_validate(values)


@pytest.fixture
async def publish(broker: str) -> AsyncIterator:
    """Send catalog messages the way capacity's outbox relay does."""
    kafka = producer(KafkaSettings(kafka_bootstrap=broker), "test-capacity")
    await kafka.start()

    async def send(message: CatalogEvent) -> None:
        envelope = Envelope.new(message, source="capacity")
        await kafka.send_and_wait(
            topics.CATALOG.name,
            value=message.model_dump_json().encode(),
            key=topics.CATALOG.key_of(message),
            headers=envelope.to_headers(),
        )

    async def send_raw(key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        await kafka.send_and_wait(topics.CATALOG.name, value=value, key=key, headers=headers)

    send.raw = send_raw  # type: ignore[attr-defined]
    try:
        yield send
    finally:
        await kafka.stop()


async def caught_up(follower: KafkaCatalogFollower) -> None:
    await eventually(lambda: follower.caught_up, what="the follower caught up", **QUICKLY)


async def at_revision(catalog: Catalog, event: EventSnapshot, revision: int) -> None:
    def shown() -> bool:
        seen = _revision(catalog, event)
        assert seen == revision, f"revision {seen} in the read model"
        return True

    await eventually(shown, what=f"revision {revision} of the event", **QUICKLY)


@pytest.fixture
async def follower(broker: str) -> AsyncIterator[tuple[KafkaCatalogFollower, Catalog]]:
    catalog = Catalog()
    follower = KafkaCatalogFollower(
        KafkaSettings(kafka_bootstrap=broker), catalog, client_id=f"test-{uuid.uuid4()}"
    )
    yield follower, catalog
    await follower.stop()


async def test_caught_up_means_everything_published_before_start_is_there(publish, follower):
    events = [snapshot() for _ in range(12)]
    for event in events:
        await publish(EventPublished(event=event, occurred_at=NOW))
    running, catalog = follower

    await running.start()
    await caught_up(running)

    for event in events:
        listing = catalog.get(event.event_id)
        assert listing is not None, "every event published before start is in the read model"


async def test_the_read_model_follows_published_closed_and_reopened(publish, follower):
    running, catalog = follower
    await running.start()
    await caught_up(running)
    event = snapshot(revision=1)

    await publish(EventPublished(event=event, occurred_at=NOW))
    await at_revision(catalog, event, 1)

    full = event.model_copy(
        update={"revision": 2, "seats_taken": 2, "seats_left": 0, "status": EventStatus.CLOSED}
    )
    await publish(EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL))
    await at_revision(catalog, event, 2)
    listing = catalog.get(event.event_id)
    assert listing is not None
    assert listing.close_reason is CloseReason.FULL
    assert listing.snapshot.seats_left == 0

    # a record that breaks the contract is skipped, the stream goes on
    key = str(event.event_id).encode()
    await publish.raw(key, b"{not json", [("ce_type", b"quartier.EventClosed.v1")])
    closing = EventClosed(event=full, occurred_at=NOW, reason=CloseReason.FULL)
    await publish.raw(key, b"{}", Envelope.new(closing, source="capacity").to_headers())
    # an old revision arriving late changes nothing
    await publish(EventPublished(event=event, occurred_at=NOW))
    freed = full.model_copy(update={"revision": 3, "seats_left": 1, "status": EventStatus.OPEN})
    await publish(EventReopened(event=freed, occurred_at=NOW))

    await at_revision(catalog, event, 3)
    listing = catalog.get(event.event_id)
    assert listing is not None
    assert listing.close_reason is None
    assert listing.accepts_registrations(datetime.now(UTC))


async def test_the_read_model_follows_updated_and_cancelled(publish, follower):
    running, catalog = follower
    await running.start()
    await caught_up(running)
    event = snapshot(revision=1, capacity=2, seats_left=2)

    await publish(EventPublished(event=event, occurred_at=NOW))
    rush = event.model_copy(update={"revision": 2, "seats_taken": 1, "seats_left": 1})
    await publish(EventUpdated(event=rush, occurred_at=NOW))
    await at_revision(catalog, event, 2)
    listing = catalog.get(event.event_id)
    assert listing is not None
    assert listing.snapshot.seats_left == 1

    cancelled = rush.model_copy(update={"revision": 3, "status": EventStatus.CANCELLED})
    await publish(EventCancelled(event=cancelled, occurred_at=NOW))
    await at_revision(catalog, event, 3)
    now = datetime.now(UTC)
    assert all(upcoming.event_id != event.event_id for upcoming in catalog.upcoming(now))
    listing = catalog.get(event.event_id)
    assert listing is not None
    assert listing.cancelled


class UpRegistrations:
    async def submit(self, command):  # pragma: no cover - not used here
        raise NotImplementedError

    async def state(self, registration_id, correlation_id):
        return None

    async def cancellation_target(self, token, correlation_id):  # pragma: no cover
        raise NotImplementedError

    async def cancel(self, command):  # pragma: no cover
        raise NotImplementedError

    async def check(self) -> None:
        return None


async def test_the_site_is_ready_once_the_catalog_caught_up(broker, publish, service_db):
    event = snapshot(title="Praxisforum Nachbarschaft", kind=EventKind.PRAXISFORUM)
    await publish(EventPublished(event=event, occurred_at=NOW))
    database = await service_db("gateway")
    settings = Settings(kafka_bootstrap=broker, log_json=False, database_url=database)
    app = create_app(settings, Overrides(registrations=UpRegistrations()))

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:

            async def ready() -> bool:
                answer = await client.get("/readyz")
                assert answer.status_code == 200, answer.json()
                return True

            await eventually(ready, what="the gateway ready", **QUICKLY)
            page = await client.get("/")
    assert "Praxisforum Nachbarschaft" in page.text


async def test_readiness_waits_for_the_registration_service(broker):
    settings = Settings(
        kafka_bootstrap=broker, registration_url="http://127.0.0.1:9", log_json=False
    )
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            ready = await client.get("/readyz")
            status = await client.get(f"/anmeldung/{uuid.uuid4()}")
    assert ready.status_code == 503
    assert "registration" in ready.json()["failed"]
    assert status.status_code == 503


def _revision(catalog: Catalog, event: EventSnapshot) -> int | None:
    listing = catalog.get(event.event_id)
    return listing.revision if listing else None
