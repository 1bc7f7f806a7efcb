"""The one place that wires the desk's adapters: its own accounts and sessions (Postgres),
and the organiser APIs of the services that own events (capacity) and registrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import asyncpg

from gateway.bootstrap import Clock, http_client, utc_now
from gateway.config import Settings
from gateway.desk.adapters.capacity_http import HttpCapacity
from gateway.desk.adapters.organisers import PostgresOrganisers
from gateway.desk.adapters.passwords import Argon2Passwords
from gateway.desk.adapters.registration_http import HttpRegistrationDesk
from gateway.desk.service_layer.ports import Capacity, Organisers, Passwords, RegistrationDesk
from servicekit.database import close_pool
from servicekit.http import INTERNAL_TOKEN_HEADER


@dataclass(frozen=True)
class Desk:
    """What the desk's routes use, alive for the lifetime of the app."""

    organisers: Organisers
    passwords: Passwords
    capacity: Capacity
    registrations: RegistrationDesk
    clock: Clock = utc_now


@asynccontextmanager
async def bootstrap(settings: Settings, desk: Desk | None = None) -> AsyncIterator[Desk]:
    """The real adapters (or ``desk``, the tests' fakes), closed on exit.  The database pool
    connects on first use: the public site starts (and serves) while the accounts database
    is still coming up."""
    if desk is not None:
        yield desk
        return
    async with AsyncExitStack() as stack:
        pool = await asyncpg.create_pool(
            settings.database_url, min_size=0, max_size=5, timeout=5, command_timeout=10
        )
        stack.push_async_callback(close_pool, pool)
        # Both organiser APIs want the internal token on every change.
        token = {INTERNAL_TOKEN_HEADER: settings.internal_token.get_secret_value()}
        yield Desk(
            organisers=PostgresOrganisers(pool),
            passwords=Argon2Passwords(),
            capacity=HttpCapacity(await http_client(stack, settings, settings.capacity_url, token)),
            registrations=HttpRegistrationDesk(
                await http_client(stack, settings, settings.registration_url, token)
            ),
        )
