"""The capacity worker: decides every registration; also runs the outbox relay.

Run: ``python -m capacity.entrypoints.stream`` (several in one consumer group scale out).
"""

from __future__ import annotations

import faust

from capacity import bootstrap
from capacity.config import Settings
from capacity.service_layer import handlers
from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent
from contracts.runtime import logging
from contracts.runtime.stream import WorkerDatabase, add_health_pages, consume, create_app


def build(settings: Settings) -> faust.App:
    handler = logging.configure("capacity", level=settings.log_level, json=settings.log_json)
    app = create_app(
        "capacity",
        broker=settings.kafka_bootstrap,
        session_timeout=settings.session_timeout,
        heartbeat_interval=settings.heartbeat_interval,
        web_port=settings.web_port,
        loghandler=handler,
    )
    database = WorkerDatabase(
        app,
        settings.database_url,
        pool_size=settings.pool_size,
        relay=(settings.kafka_bootstrap, bootstrap.RELAY_LOCK),
    )

    async def on_registration(envelope: Envelope, payload: IntegrationEvent) -> None:
        if isinstance(payload, m.RegistrationRequested):
            uow = bootstrap.uow_factory(await database.pool())()
            await handlers.decide_registration(uow, payload, envelope)

    consume(app, topics.REGISTRATIONS, on_registration)
    add_health_pages(app, {"database": database.answers})
    return app


def main() -> None:
    settings = Settings()
    faust.Worker(build(settings), loglevel=settings.log_level).execute_from_commandline()


if __name__ == "__main__":
    main()
