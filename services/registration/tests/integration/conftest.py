"""The registration API on a fresh migrated database, its outbox relayed to the test broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest

from registration.config import Settings
from registration.entrypoints.http import create_app

TOKEN = "test-token"


@pytest.fixture
async def client(service_db, broker: str) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=await service_db("registration"),
        kafka_bootstrap=broker,
        internal_token=TOKEN,
        log_json=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
            yield c


def body(**overrides: object) -> dict[str, object]:
    """A valid registration request."""
    return {
        "event_id": str(uuid4()),
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Gemeinde Musterhausen",
        "privacy_consent": True,
        **overrides,
    }
