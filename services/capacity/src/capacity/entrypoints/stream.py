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
from contracts.runtime.stream import consume, run_worker, worker


def build(settings: Settings) -> faust.App:
    app, database = worker("capacity", settings, relay_lock=bootstrap.RELAY_LOCK)

    async def on_registration(envelope: Envelope, payload: IntegrationEvent) -> None:
        if isinstance(payload, m.RegistrationRequested):
            uow = bootstrap.uow_factory(await database.pool())()
            await handlers.decide_registration(uow, payload, envelope)

    consume(app, topics.REGISTRATIONS, on_registration)
    return app


def main() -> None:
    settings = Settings()
    run_worker(build(settings), settings)


if __name__ == "__main__":
    main()
