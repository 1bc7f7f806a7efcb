"""Follows capacity's decisions so the status of every registration is current.

Run: ``python -m registration.entrypoints.stream``
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import faust

from contracts import topics
from registration import bootstrap
from registration.config import Settings
from registration.service_layer import handlers
from registration.service_layer.unit_of_work import UnitOfWork
from servicekit.stream import consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("registration", settings)

    def uow_factory(pool: asyncpg.Pool) -> Callable[[], UnitOfWork]:
        return bootstrap.bootstrap(settings, pool=pool).uow

    consume(
        app,
        topics.DECISIONS,
        database.batches(handlers.apply_decisions, uow_factory),
        batch_size=settings.batch_size,
        batch_within=settings.batch_within,
    )
    return app


if __name__ == "__main__":
    config = Settings()
    run_worker(build(config), config)
