"""Follows capacity's decisions so the status of every registration is current.

Run: ``python -m registration.entrypoints.stream``
"""

from __future__ import annotations

import faust

from contracts import messages as m
from contracts import topics
from registration import bootstrap
from registration.config import Settings
from registration.service_layer import handlers
from servicekit.stream import UseCase, consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("registration", settings)
    routes: dict[type, UseCase] = {m.Decision: handlers.apply_decision}
    consume(
        app,
        topics.DECISIONS,
        database.handler(bootstrap.uow_factory, routes),
        batch_size=settings.batch_size,
    )
    return app


if __name__ == "__main__":
    config = Settings()
    run_worker(build(config), config)
