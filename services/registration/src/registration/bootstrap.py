"""The one place that wires concrete adapters."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from registration.adapters.postgres import PostgresUnitOfWork
from registration.service_layer.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
RELAY_LOCK = 0x4E6157


def uow_factory(pool: asyncpg.Pool) -> UowFactory:
    return lambda: PostgresUnitOfWork(pool)
