"""The one place that wires concrete adapters; tests hand in fakes through ``Overrides``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx

from gateway.adapters.capacity_http import HttpCapacity
from gateway.adapters.catalogue_follower import KafkaCatalogueFollower
from gateway.adapters.organisers import PostgresOrganisers
from gateway.adapters.organisers_passwords import Argon2Passwords
from gateway.adapters.registration_http import HttpRegistrationDesk, HttpRegistrations
from gateway.config import Settings
from gateway.domain.model import Catalogue
from gateway.service_layer.desk_ports import Capacity, Organisers, Passwords, RegistrationDesk
from gateway.service_layer.ports import CatalogueFeed, Registrations
from servicekit.database import close_pool
from servicekit.http import INTERNAL_TOKEN_HEADER

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Overrides:
    """Replacements for the real adapters (tests)."""

    catalogue: Catalogue | None = None
    registrations: Registrations | None = None
    feed: CatalogueFeed | None = None
    clock: Clock | None = None
    desk: Desk | None = None


@dataclass(frozen=True)
class Desk:
    """What the organiser desk uses: its own accounts and sessions, and the organiser APIs
    of the services that own events and registrations."""

    organisers: Organisers
    passwords: Passwords
    capacity: Capacity
    registrations: RegistrationDesk


@dataclass(frozen=True)
class Gateway:
    """Everything a request handler needs, alive for the lifetime of the app."""

    settings: Settings
    catalogue: Catalogue
    registrations: Registrations
    feed: CatalogueFeed
    clock: Clock
    desk: Desk


@asynccontextmanager
async def bootstrap(
    settings: Settings, overrides: Overrides | None = None
) -> AsyncIterator[Gateway]:
    """Open the connection pool and start following the catalogue; close both on exit."""
    overrides = overrides or Overrides()
    catalogue = overrides.catalogue if overrides.catalogue is not None else Catalogue()
    async with AsyncExitStack() as stack:
        registrations = overrides.registrations
        if registrations is None:
            registrations = HttpRegistrations(
                await http_client(stack, settings, settings.registration_url)
            )
        feed = overrides.feed
        if feed is None:
            feed = KafkaCatalogueFollower(settings, catalogue)
        await feed.start()
        stack.push_async_callback(feed.stop)
        yield Gateway(
            settings=settings,
            catalogue=catalogue,
            registrations=registrations,
            feed=feed,
            clock=overrides.clock or utc_now,
            desk=overrides.desk or await open_desk(stack, settings),
        )


async def http_client(
    stack: AsyncExitStack, settings: Settings, base_url: str, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """A connection pool to one service, closed with ``stack``."""
    client = httpx.AsyncClient(
        base_url=base_url, timeout=httpx.Timeout(settings.request_timeout), headers=headers
    )
    return await stack.enter_async_context(client)


async def open_desk(stack: AsyncExitStack, settings: Settings) -> Desk:
    """The desk's adapters.  The database pool connects on first use: the public site starts
    (and serves) while the accounts database is still coming up."""
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=0, max_size=5, timeout=5, command_timeout=10
    )
    stack.push_async_callback(close_pool, pool)
    # Both organiser APIs want the internal token on every change.
    token = {INTERNAL_TOKEN_HEADER: settings.internal_token.get_secret_value()}
    return Desk(
        organisers=PostgresOrganisers(pool),
        passwords=Argon2Passwords(),
        capacity=HttpCapacity(await http_client(stack, settings, settings.capacity_url, token)),
        registrations=HttpRegistrationDesk(
            await http_client(stack, settings, settings.registration_url, token)
        ),
    )
