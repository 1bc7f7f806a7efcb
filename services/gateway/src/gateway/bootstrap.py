"""The one place that wires the public side's adapters (the catalog read model, the
registration service and capacity's places in the programme); the desk wires its own
(``gateway.desk.bootstrap``).  Tests hand in fakes through ``Overrides``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from gateway.adapters.capacity_http import HttpSessionPlaces
from gateway.adapters.catalog_follower import KafkaCatalogFollower
from gateway.adapters.decision_follower import KafkaDecisionFollower
from gateway.adapters.registration_http import HttpRegistrations, HttpStandApplications
from gateway.config import Settings
from gateway.domain.decisions import Decisions
from gateway.domain.model import Catalog
from gateway.domain.stands import StandLists
from gateway.service_layer.ports import (
    CatalogFeed,
    DecisionFeed,
    Registrations,
    SessionPlaces,
    StandApplications,
)
from servicekit.http_transport import AiohttpTransport

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Overrides:
    """Replacements for the real adapters (tests)."""

    catalog: Catalog | None = None
    registrations: Registrations | None = None
    feed: CatalogFeed | None = None
    decision_feed: DecisionFeed | None = None
    decisions: Decisions | None = None
    clock: Clock | None = None
    places: SessionPlaces | None = None
    stands: StandApplications | None = None


@dataclass(frozen=True)
class Gateway:
    """Everything the site's and the API's handlers need, alive for the lifetime of the app."""

    settings: Settings
    catalog: Catalog
    registrations: Registrations
    feed: CatalogFeed
    clock: Clock
    places: SessionPlaces
    decisions: Decisions
    decision_feed: DecisionFeed
    stands: StandApplications
    stand_lists: StandLists

    @property
    def live_decisions(self) -> Decisions | None:
        """The decisions followed, while none passes unseen (long polls wait on them)."""
        return self.decisions if self.decision_feed.following else None


@asynccontextmanager
async def bootstrap(
    settings: Settings, overrides: Overrides | None = None
) -> AsyncIterator[Gateway]:
    """Open the connection pools and start following the catalog and the decisions; close
    all of it on exit."""
    overrides = overrides or Overrides()
    catalog = overrides.catalog if overrides.catalog is not None else Catalog()
    async with AsyncExitStack() as stack:
        registrations, stands = overrides.registrations, overrides.stands
        if registrations is None or stands is None:
            pool = await http_client(stack, settings, settings.registration_url)
            registrations = registrations or HttpRegistrations(pool)
            stands = stands or HttpStandApplications(pool)
        places = overrides.places
        if places is None:
            places = HttpSessionPlaces(await http_client(stack, settings, settings.capacity_url))
        feed = overrides.feed
        if feed is None:
            feed = KafkaCatalogFollower(settings, catalog)
        await feed.start()
        stack.push_async_callback(feed.stop)
        decisions = overrides.decisions if overrides.decisions is not None else Decisions()
        decision_feed = overrides.decision_feed
        if decision_feed is None:
            decision_feed = KafkaDecisionFollower(settings, decisions)
        await decision_feed.start()
        stack.push_async_callback(decision_feed.stop)
        yield Gateway(
            settings=settings,
            catalog=catalog,
            registrations=registrations,
            feed=feed,
            clock=overrides.clock or utc_now,
            places=places,
            decisions=decisions,
            decision_feed=decision_feed,
            stands=stands,
            stand_lists=StandLists(),
        )


async def http_client(
    stack: AsyncExitStack, settings: Settings, base_url: str, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """A connection pool to one service, closed with ``stack``: aiohttp's connections
    under httpx's API (``AiohttpTransport``), as many kept as a rush has requests in flight."""
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(settings.request_timeout),
        headers=headers,
        transport=AiohttpTransport(limit=200),
    )
    return await stack.enter_async_context(client)
