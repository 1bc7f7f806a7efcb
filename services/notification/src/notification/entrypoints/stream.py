"""The notification worker: keeps the event catalogue, mails every seat decision once and
runs the outbox relay for ``NotificationSent`` / ``NotificationFailed``.

Run: ``python -m notification.entrypoints.stream`` (settings from ``NOTIFICATION_*``).
"""

from __future__ import annotations

import faust
import structlog

from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import CatalogEvent, Decision, IntegrationEvent
from contracts.runtime.stream import RetryLater, Unprocessable, consume, run_worker, worker
from notification import bootstrap
from notification.config import Settings
from notification.service_layer.handlers import handle_decision, record_event
from notification.service_layer.ports import TransientError

log = structlog.get_logger(__name__)


def build(settings: Settings) -> faust.App:
    """The Faust app: both consumers, the database pool, health pages and the relay."""
    app, database = worker(settings.app_id, settings, relay_lock=bootstrap.RELAY_LOCK)

    async def on_catalog(envelope: Envelope, payload: IntegrationEvent) -> None:
        if not isinstance(payload, CatalogEvent):
            raise Unprocessable(f"{envelope.type} is not a catalogue event")
        snapshot = payload.event
        structlog.contextvars.bind_contextvars(event_id=str(snapshot.event_id))
        deps = bootstrap.for_pool(settings, await database.pool())
        stored = await record_event(snapshot, deps)
        log.info("event stored" if stored else "older revision ignored", revision=snapshot.revision)

    async def on_decision(envelope: Envelope, payload: IntegrationEvent) -> None:
        if not isinstance(payload, Decision):
            raise Unprocessable(f"{envelope.type} is not a decision")
        structlog.contextvars.bind_contextvars(
            event_id=str(payload.event_id),
            registration_id=str(payload.registration_id),
            decision_id=str(payload.decision_id),
        )
        deps = bootstrap.for_pool(settings, await database.pool())
        try:
            await handle_decision(payload, envelope, deps)
        except TransientError as exc:
            raise RetryLater(str(exc)) from exc

    consume(app, topics.CATALOG, on_catalog)
    consume(app, topics.DECISIONS, on_decision)
    return app


def main() -> None:
    settings = Settings()
    run_worker(build(settings), settings)


if __name__ == "__main__":
    main()
