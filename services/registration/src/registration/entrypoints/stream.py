"""Follows capacity's decisions so the status of every registration is current.

Run: ``python -m registration.entrypoints.stream``
"""

from __future__ import annotations

import faust

from contracts import messages as m
from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent
from contracts.runtime.stream import consume, run_worker, worker
from registration import bootstrap
from registration.config import Settings
from registration.service_layer import handlers


def build(settings: Settings) -> faust.App:
    app, database = worker("registration", settings)

    async def on_decision(envelope: Envelope, payload: IntegrationEvent) -> None:
        if isinstance(payload, m.Decision):
            uow = bootstrap.uow_factory(await database.pool())()
            await handlers.apply_decision(uow, payload, envelope)

    consume(app, topics.DECISIONS, on_decision)
    return app


def main() -> None:
    settings = Settings()
    run_worker(build(settings), settings)


if __name__ == "__main__":
    main()
