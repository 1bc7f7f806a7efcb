"""The capacity worker: decides every registration, releases cancelled ones, closes events
whose deadline passed; also runs the outbox relay.

Run: ``python -m capacity.entrypoints.stream`` (several in one consumer group scale out).
"""

from __future__ import annotations

from datetime import UTC, datetime

import faust

from capacity import bootstrap
from capacity.config import Settings
from capacity.service_layer import handlers
from contracts import messages as m
from contracts import topics
from servicekit.stream import UseCase, consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("capacity", settings, relay_lock=bootstrap.RELAY_LOCK)
    routes: dict[type, UseCase] = {
        m.RegistrationRequested: handlers.decide_registration,
        m.RegistrationCancelled: handlers.release_registration,
    }
    consume(
        app,
        topics.REGISTRATIONS,
        database.handler(bootstrap.uow_factory, routes),
        batch_size=settings.batch_size,
    )

    @app.timer(interval=settings.deadline_check_seconds)
    async def close_past_deadline() -> None:
        make_uow = bootstrap.uow_factory(await database.pool())
        await handlers.close_past_deadline(make_uow, datetime.now(UTC))

    return app


if __name__ == "__main__":
    config = Settings()
    run_worker(build(config), config)
