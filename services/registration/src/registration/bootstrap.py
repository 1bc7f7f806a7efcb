"""The one place that wires concrete adapters: the entrypoints call ``bootstrap`` with the
pool they opened, the unit tests with fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from registration.adapters.cancel_tokens import CancelTokens, Clock, utc_now
from registration.adapters.postgres import PostgresUnitOfWork
from registration.config import Settings
from registration.service_layer.unit_of_work import UnitOfWork
from servicekit.database import units_of_work

RELAY_LOCK = 0x4E6157
UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Dependencies:
    """What the use cases are called with (``handler(command, deps.uow())``, a fresh unit of
    work for each) and the signer of the cancel links in mails."""

    uow: UowFactory
    cancel_tokens: CancelTokens


def bootstrap(
    settings: Settings,
    *,
    pool: asyncpg.Pool | None = None,
    uow: UowFactory | None = None,
    clock: Clock = utc_now,
) -> Dependencies:
    """The service on Postgres (``pool``), or on the units of work ``uow`` makes (tests);
    ``clock`` dates the cancel links and tells when they have expired."""
    max_age = timedelta(days=settings.cancel_token_days)
    return Dependencies(
        uow=units_of_work(PostgresUnitOfWork, pool, uow),
        cancel_tokens=CancelTokens(settings.cancel_secret.get_secret_value(), max_age, clock),
    )
