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
from contracts.runtime.stream import consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("capacity", settings, relay_lock=bootstrap.RELAY_LOCK)
    routes = {m.RegistrationRequested: handlers.decide_registration}
    consume(app, topics.REGISTRATIONS, database.handler(bootstrap.uow_factory, routes))
    return app


if __name__ == "__main__":
    config = Settings()
    run_worker(build(config), config)
