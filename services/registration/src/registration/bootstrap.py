"""The one place that wires concrete adapters: the entrypoints call ``bootstrap`` with the
pool they opened, the unit tests with fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from registration.adapters.capacity_http import CapacityStands
from registration.adapters.link_tokens import Clock, LinkTokens, utc_now
from registration.adapters.postgres import PostgresUnitOfWork
from registration.config import Settings
from registration.service_layer.unit_of_work import Stands, UnitOfWork
from servicekit.database import units_of_work

RELAY_LOCK = 0x4E6157
UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Dependencies:
    """What the use cases are called with (``handler(command, deps.uow())``, a fresh unit of
    work for each), the signers of the links in mails (a registration's cancel link, an
    applicant's page, an exhibitor's registration) and capacity's stands."""

    uow: UowFactory
    cancel_tokens: LinkTokens
    application_tokens: LinkTokens
    exhibitor_tokens: LinkTokens
    stands: Stands


def bootstrap(
    settings: Settings,
    *,
    pool: asyncpg.Pool | None = None,
    uow: UowFactory | None = None,
    clock: Clock = utc_now,
    stands: Stands | None = None,
) -> Dependencies:
    """The service on Postgres (``pool``), or on the units of work ``uow`` makes (tests);
    ``clock`` dates the links and tells when they have expired; ``stands``: capacity's API
    (tests give a fake)."""
    max_age = timedelta(days=settings.cancel_token_days)
    secret = settings.cancel_secret.get_secret_value()

    def tokens(purpose: str) -> LinkTokens:
        return LinkTokens(secret, max_age, clock, purpose=purpose)

    return Dependencies(
        uow=units_of_work(PostgresUnitOfWork, pool, uow),
        cancel_tokens=tokens("cancel-registration"),
        application_tokens=tokens("stand-application"),
        exhibitor_tokens=tokens("exhibitor"),
        stands=stands or CapacityStands(settings.capacity_url, settings.internal_token),
    )
