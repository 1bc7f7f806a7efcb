"""Fakes for the gateway's ports, wired through ``bootstrap`` like the real adapters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest

from contracts.messages import (
    CatalogEvent,
    CloseReason,
    EventClosed,
    EventKind,
    EventPublished,
    EventSnapshot,
    EventStatus,
)
from gateway.bootstrap import Overrides
from gateway.config import Settings
from gateway.domain.commands import CancelRegistration, RegisterAttendee
from gateway.domain.model import Catalogue
from gateway.domain.registration import (
    Cancellation,
    CancelReason,
    RegistrationState,
    RegistrationStatus,
    Submission,
)
from gateway.entrypoints.http import create_app
from gateway.service_layer.ports import CancelLinkExpired, CancelLinkInvalid

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class FakeRegistrations:
    """The registration service as the gateway sees it; remembers what it was sent."""

    def __init__(self) -> None:
        self.submitted: list[RegisterAttendee] = []
        self.ids: dict[str, UUID] = {}
        self.states: dict[UUID, RegistrationState] = {}
        self.tokens: dict[str, UUID] = {}
        self.expired_tokens: set[str] = set()
        self.token_lookups: list[tuple[str, str]] = []
        self.cancel_requests: list[CancelRegistration] = []
        self.failure: Exception | None = None
        self.healthy = True

    def cancel_link(self, state: RegistrationState, *, expired: bool = False) -> str:
        """Store the registration and make a cancel token for it, like the mails carry."""
        self.states[state.registration_id] = state
        token = f"tok.{uuid.uuid4().hex}.sig-{len(self.tokens)}"
        self.tokens[token] = state.registration_id
        if expired:
            self.expired_tokens.add(token)
        return token

    def _owner(self, token: str) -> UUID:
        if token in self.expired_tokens:
            raise CancelLinkExpired(
                "Dieser Abmeldelink ist abgelaufen. Bitte wenden Sie sich an das "
                "Veranstaltungsteam.",
                "This cancellation link has expired. Please contact the organisers.",
            )
        registration_id = self.tokens.get(token)
        if registration_id is None or registration_id not in self.states:
            raise CancelLinkInvalid(
                "Dieser Abmeldelink ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail.",
                "This cancellation link is not valid. Please use the link from your e-mail.",
            )
        return registration_id

    async def submit(self, command: RegisterAttendee) -> Submission:
        if self.failure is not None:
            raise self.failure
        self.submitted.append(command)
        registration_id = self.ids.setdefault(command.idempotency_key, uuid.uuid4())
        self.states[registration_id] = RegistrationState(
            registration_id=registration_id,
            event_id=command.event_id,
            status=RegistrationStatus.PENDING,
        )
        return Submission(registration_id=registration_id, status=RegistrationStatus.PENDING)

    async def state(
        self, registration_id: UUID, correlation_id: str, wait: float = 0
    ) -> RegistrationState | None:
        if self.failure is not None:
            raise self.failure
        return self.states.get(registration_id)

    async def cancellation_target(self, token: str, correlation_id: str) -> RegistrationState:
        if self.failure is not None:
            raise self.failure
        self.token_lookups.append((token, correlation_id))
        return self.states[self._owner(token)]

    async def cancel(self, command: CancelRegistration) -> Cancellation:
        if self.failure is not None:
            raise self.failure
        self.cancel_requests.append(command)
        current = self.states[self._owner(command.token)]
        changed = current.cancellable
        if changed:
            current = current.model_copy(
                update={
                    "status": RegistrationStatus.CANCELLED,
                    "cancel_reason": CancelReason.ATTENDEE.value,
                    "waitlist_position": None,
                }
            )
            self.states[current.registration_id] = current
        return Cancellation(**current.model_dump(), already_cancelled=not changed)

    async def check(self) -> None:
        if not self.healthy:
            raise ConnectionError("registration is down")


class FakeFeed:
    def __init__(self) -> None:
        self.caught_up = True
        self.running = False

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False


def snapshot(**changes: Any) -> EventSnapshot:
    """An open Fachtag in Stuttgart on Thursday 12 March 2026, 10:00–16:00 Berlin time."""
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "title": "Fachtag Quartiersentwicklung",
        "kind": EventKind.FACHTAG,
        "description": "Austausch über gute Praxis.\n\nMit Workshops am Nachmittag.",
        "starts_at": datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 12, 15, 0, tzinfo=UTC),
        "venue": "Hospitalhof",
        "city": "Stuttgart",
        "capacity": 300,
        "seats_taken": 288,
        "seats_left": 12,
        "waitlist_enabled": True,
        "waitlist_length": 0,
        "status": EventStatus.OPEN,
        "revision": 1,
    }
    values.update(changes)
    return EventSnapshot(**values)


@pytest.fixture
def make_snapshot() -> Callable[..., EventSnapshot]:
    return snapshot


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue()


@pytest.fixture
def registrations() -> FakeRegistrations:
    return FakeRegistrations()


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed()


@pytest.fixture
def add_event(catalogue: Catalogue) -> Callable[..., EventSnapshot]:
    """Put an event in the catalogue the way the catalogue topic would."""

    def add(close_reason: CloseReason | None = None, **changes: Any) -> EventSnapshot:
        event = snapshot(**changes)
        message: CatalogEvent = (
            EventClosed(event=event, occurred_at=NOW, reason=close_reason)
            if close_reason
            else EventPublished(event=event, occurred_at=NOW)
        )
        catalogue.apply(message)
        return event

    return add


@pytest.fixture
def send(catalogue: Catalogue) -> Callable[..., EventSnapshot]:
    """A later catalogue message for an event: its snapshot with the next revision."""

    def apply(message_type: type[CatalogEvent], event: EventSnapshot, **changes: Any) -> Any:
        newer = event.model_copy(update={"revision": event.revision + 1, **changes})
        extra: dict[str, Any] = {}
        if message_type is EventClosed:
            extra["reason"] = newer.close_reason or CloseReason.MANUAL
        catalogue.apply(message_type(event=newer, occurred_at=NOW, **extra))
        return newer

    return apply


@pytest.fixture
def registered(registrations: FakeRegistrations) -> Callable[..., RegistrationState]:
    """A registration the fake registration service knows."""

    def add(event_id: UUID, status: RegistrationStatus, **fields: Any) -> RegistrationState:
        state = RegistrationState(
            registration_id=uuid.uuid4(), event_id=event_id, status=status, **fields
        )
        registrations.states[state.registration_id] = state
        return state

    return add


@pytest.fixture
async def client(
    catalogue: Catalogue, registrations: FakeRegistrations, feed: FakeFeed
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(log_json=False, public_base_url="https://veranstaltungen.example")
    overrides = Overrides(
        catalogue=catalogue, registrations=registrations, feed=feed, clock=lambda: NOW
    )
    app = create_app(settings, overrides)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http
