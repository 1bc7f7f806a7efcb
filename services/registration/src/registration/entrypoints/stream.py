"""Follows capacity's decisions so the status of every registration is current.

Run: ``python -m registration.entrypoints.stream``
"""

from __future__ import annotations

import faust

from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent
from contracts.runtime import logging
from contracts.runtime.stream import WorkerDatabase, add_health_pages, consume, create_app
from registration import bootstrap
from registration.config import Settings
from registration.service_layer import handlers


def build(settings: Settings) -> faust.App:
    handler = logging.configure("registration", level=settings.log_level, json=settings.log_json)
    app = create_app(
        "registration",
        broker=settings.kafka_bootstrap,
        session_timeout=settings.session_timeout,
        heartbeat_interval=settings.heartbeat_interval,
        web_port=settings.web_port,
        loghandler=handler,
    )
    database = WorkerDatabase(app, settings.database_url, pool_size=settings.pool_size)

    async def on_decision(envelope: Envelope, payload: IntegrationEvent) -> None:
        if isinstance(payload, m.Decision):
            uow = bootstrap.uow_factory(await database.pool())()
            await handlers.apply_decision(uow, payload, envelope)

    consume(app, topics.DECISIONS, on_decision)
    add_health_pages(app, {"database": database.answers})
    return app


def main() -> None:
    settings = Settings()
    faust.Worker(build(settings), loglevel=settings.log_level).execute_from_commandline()


if __name__ == "__main__":
    main()
