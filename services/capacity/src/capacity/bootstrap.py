"""The one place that wires concrete adapters: the entrypoints call ``bootstrap`` with the
pool they opened, the unit tests with fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from capacity.adapters.postgres import PostgresUnitOfWork
from capacity.config import Settings
from capacity.service_layer.unit_of_work import UnitOfWork
from servicekit.database import units_of_work

RELAY_LOCK = 0x0CA9AC17
UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Dependencies:
    """What the use cases are called with: ``handler(command, deps.uow())``, a fresh unit of
    work for each."""

    uow: UowFactory


def bootstrap(
    settings: Settings, *, pool: asyncpg.Pool | None = None, uow: UowFactory | None = None
) -> Dependencies:
    """The service on Postgres (``pool``), or on the units of work ``uow`` makes (tests)."""
    return Dependencies(uow=units_of_work(PostgresUnitOfWork, pool, uow))
