"""What route handlers get injected: the settings, the wired public side (catalog and
registrations, ``gateway.bootstrap``) and the request's correlation id.  Dependencies are
``async``: FastAPI runs a plain ``def`` one in a worker thread, on every request."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, cast
from uuid import UUID

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from gateway.bootstrap import Gateway
from gateway.config import Settings
from gateway.domain.model import Listing

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,100}")


def settings_of(request: HTTPConnection) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_gateway(request: Request) -> Gateway:
    return cast(Gateway, request.app.state.gateway)


async def get_correlation_id(request: Request) -> str:
    return cast(str, request.state.correlation_id)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
CorrelationId = Annotated[str, Depends(get_correlation_id)]


def parse_uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def find_listing(gateway: Gateway, event_id: str) -> Listing | None:
    parsed = parse_uuid(event_id)
    return gateway.catalog.get(parsed) if parsed else None


def idempotency_key(value: str | None) -> str:
    """The client's key if it looks like one, else a fresh one (no deduplication then)."""
    if value and IDEMPOTENCY_KEY.fullmatch(value):
        return value
    return str(uuid.uuid4())
