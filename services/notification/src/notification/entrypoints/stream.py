"""The notification worker: keeps the event catalogue, mails every seat decision, every
change of session that is news and every change of a stand application once, and runs the
outbox relay for ``NotificationSent`` / ``NotificationFailed``.

Run: ``python -m notification.entrypoints.stream`` (settings from ``NOTIFICATION_*``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence

import faust
import structlog

from contracts import topics
from contracts.envelope import Envelope
from contracts.messages import CatalogEvent, Decision, IntegrationEvent, StandApplicationChange
from notification import bootstrap
from notification.config import Settings
from notification.domain.commands import MailApplicationChange, MailDecision, RecordEvent
from notification.service_layer.handlers import (
    Dependencies,
    handle_application_change,
    handle_decision,
    record_event,
)
from notification.service_layer.ports import TransientError
from servicekit.context import Item, bind_message
from servicekit.stream import RetryLater, Unprocessable, consume, run_worker, worker

log = structlog.get_logger(__name__)


async def side_by_side(
    groups: Iterable[list[Item]], work: Callable[[list[Item]], Awaitable[None]], limit: int
) -> None:
    """``work`` on every group, at most ``limit`` at once. Every group finishes before the
    first failure is raised: a retry of the batch that started while groups of the failed
    attempt were still sending would mail their decisions a second time."""
    slots = asyncio.Semaphore(limit)

    async def one(group: list[Item]) -> None:
        async with slots:
            await work(group)

    outcomes = await asyncio.gather(*(one(group) for group in groups), return_exceptions=True)
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    if failures:
        raise failures[0]


def build(settings: Settings) -> faust.App:
    """The Faust app: the consumers (catalogue, decisions, sessions, stand applications),
    the database pool, health pages and the relay."""
    app, database = worker(settings.app_id, settings, relay_lock=bootstrap.RELAY_LOCK)
    wired: Dependencies | None = None

    async def dependencies() -> Dependencies:
        """The adapters, made once: pooled HTTP client, one kept SMTP connection."""
        nonlocal wired
        if wired is None:
            wired = bootstrap.bootstrap(settings, pool=await database.pool())
        return wired

    async def on_catalog(envelope: Envelope, payload: IntegrationEvent) -> None:
        if not isinstance(payload, CatalogEvent):
            raise Unprocessable(f"{envelope.type} is not a catalogue event")
        snapshot = payload.event
        structlog.contextvars.bind_contextvars(event_id=str(snapshot.event_id))
        stored = await record_event(RecordEvent(snapshot), await dependencies())
        log.info("event stored" if stored else "older revision ignored", revision=snapshot.revision)

    async def mail_in_order(items: list[Item]) -> None:
        """The decisions of one registration, one after the other (those without a mail,
        such as a place on a session's waiting list, are passed over by the use case)."""
        for envelope, payload in items:
            if not isinstance(payload, Decision):
                raise Unprocessable(f"{envelope.type} is not a decision")
            bind_message(envelope)
            structlog.contextvars.bind_contextvars(
                event_id=str(payload.event_id),
                registration_id=str(payload.registration_id),
                decision_id=str(payload.decision_id),
            )
            try:
                await handle_decision(MailDecision(payload, envelope), await dependencies())
            except TransientError as exc:
                raise RetryLater(str(exc)) from exc

    async def on_decisions(items: Sequence[Item]) -> None:
        """Mails for different registrations go out side by side; each registration's in
        order. A batch that fails is retried: mails already sent are not sent again. The
        seat decisions and the session decisions are two topics, each handled so."""
        by_registration: dict[object, list[Item]] = defaultdict(list)
        for envelope, payload in items:
            by_registration[getattr(payload, "registration_id", envelope.id)].append(
                (envelope, payload)
            )
        await side_by_side(by_registration.values(), mail_in_order, settings.mail_concurrency)

    async def on_stand_application(envelope: Envelope, payload: IntegrationEvent) -> None:
        """One mail per change of an application, in order (they are few)."""
        if not isinstance(payload, StandApplicationChange):
            raise Unprocessable(f"{envelope.type} is not a change of a stand application")
        structlog.contextvars.bind_contextvars(
            event_id=str(payload.event_id),
            application_id=str(payload.application_id),
            revision=payload.revision,
        )
        command = MailApplicationChange(payload, envelope)
        try:
            await handle_application_change(command, await dependencies())
        except TransientError as exc:
            raise RetryLater(str(exc)) from exc

    consume(app, topics.CATALOG, on_catalog)
    consume(
        app,
        topics.STAND_APPLICATIONS,
        on_stand_application,
        handler_timeout=settings.batch_timeout,
    )
    for topic in (topics.DECISIONS, topics.SESSIONS):
        consume(
            app,
            topic,
            on_decisions,
            batch_size=settings.batch_size,
            batch_within=settings.batch_within,
            handler_timeout=settings.batch_timeout,
        )
    return app


def main() -> None:
    settings = Settings()
    run_worker(build(settings), settings)


if __name__ == "__main__":
    main()
