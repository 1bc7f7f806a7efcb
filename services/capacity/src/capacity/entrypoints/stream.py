"""The capacity worker: decides every registration, releases cancelled ones, frees the stands
of applications that ended, closes events whose deadline passed; also runs the outbox relay.

Run: ``python -m capacity.entrypoints.stream`` (several in one consumer group scale out).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import faust

from capacity import bootstrap
from capacity.config import Settings
from capacity.domain.commands import CloseEventsPastDeadline
from capacity.service_layer import handlers
from capacity.service_layer.unit_of_work import UnitOfWork
from contracts import topics
from servicekit.stream import consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("capacity", settings, relay_lock=bootstrap.RELAY_LOCK)

    def uow_factory(pool: asyncpg.Pool) -> Callable[[], UnitOfWork]:
        return bootstrap.bootstrap(settings, pool=pool).uow

    consume(
        app,
        topics.REGISTRATIONS,
        database.batches(handlers.decide_registrations, uow_factory),
        batch_size=settings.batch_size,
        batch_within=settings.batch_within,
    )
    consume(
        app,
        topics.STAND_APPLICATIONS,
        database.batches(handlers.follow_stand_applications, uow_factory),
        batch_size=settings.batch_size,
        batch_within=settings.batch_within,
    )

    @app.timer(interval=settings.deadline_check_seconds)
    async def close_past_deadline() -> None:
        uow = uow_factory(await database.pool())()
        await handlers.close_past_deadline(CloseEventsPastDeadline(datetime.now(UTC)), uow)

    return app


if __name__ == "__main__":
    config = Settings()
    run_worker(build(config), config)
