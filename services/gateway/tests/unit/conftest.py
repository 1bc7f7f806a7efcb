"""Fakes for the gateway's ports, wired through ``bootstrap`` like the real adapters."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from argon2 import PasswordHasher

from contracts.attendees import AccessibilityNeed
from contracts.http.errors import ApiError
from contracts.http.registration import (
    AccessibilityReport,
    Cancellation,
    CancelReason,
    FeedbackEntry,
    Participant,
    ParticipantPage,
    RegistrationAccepted,
    RegistrationChanges,
    RegistrationState,
    RegistrationStatus,
)
from contracts.messages import (
    CatalogEvent,
    CloseReason,
    EventClosed,
    EventKind,
    EventPublished,
    EventSnapshot,
    EventStatus,
    SessionPlace,
)
from gateway.app import create_app
from gateway.bootstrap import Overrides
from gateway.config import Settings
from gateway.desk.adapters.passwords import Argon2Passwords
from gateway.desk.bootstrap import Desk
from gateway.desk.domain.commands import SaveOrganiser
from gateway.desk.domain.model import EventDetails, ParticipantFilter
from gateway.desk.domain.organisers import Account, Organiser, RecentFailures
from gateway.desk.service_layer.organisers import save_organiser
from gateway.desk.service_layer.ports import (
    CapacityRefused,
    EventAction,
    EventNotFound,
    OrganiserStoreUnavailable,
)
from gateway.domain.commands import (
    CancelRegistration,
    ChangeChoices,
    RegisterAttendee,
    SendFeedback,
    ShowPlaces,
)
from gateway.domain.decisions import Decisions
from gateway.domain.model import Catalog
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkInvalid,
    PlacesUnavailable,
    RegistrationRefused,
)
from services.gateway.tests.unit.markt_fakes import FakeStands

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
        self.feedback: list[SendFeedback] = []
        self.rankings: dict[UUID, dict[UUID, list[UUID]]] = {}
        self.choice_changes: list[ChangeChoices] = []
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

    async def submit(self, command: RegisterAttendee) -> RegistrationAccepted:
        if self.failure is not None:
            raise self.failure
        self.submitted.append(command)
        registration_id = self.ids.setdefault(command.idempotency_key, uuid.uuid4())
        self.states[registration_id] = RegistrationState(
            registration_id=registration_id,
            event_id=command.event_id,
            status=RegistrationStatus.PENDING,
            locale=command.attendee.locale,
            created_at=NOW,
        )
        return RegistrationAccepted(
            registration_id=registration_id,
            status=RegistrationStatus.PENDING,
            status_url=f"/registrations/{registration_id}",
        )

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
        changed = current.active
        if changed:
            current = current.model_copy(
                update={
                    "status": RegistrationStatus.CANCELLED,
                    "cancel_reason": CancelReason.ATTENDEE,
                    "waitlist_position": None,
                }
            )
            self.states[current.registration_id] = current
        return Cancellation(**current.model_dump(), already_cancelled=not changed)

    async def current_choices(self, token: str, correlation_id: str) -> dict[UUID, list[UUID]]:
        if self.failure is not None:
            raise self.failure
        return self.rankings.get(self._owner(token), {})

    async def change_choices(self, command: ChangeChoices) -> RegistrationState:
        """Like the registration service: slots named get the new ranking; 409 once the
        registration ended."""
        if self.failure is not None:
            raise self.failure
        current = self.states[self._owner(command.token)]
        if not current.active:
            raise RegistrationRefused(409, ENDED)
        self.choice_changes.append(command)
        ranking = self.rankings.setdefault(current.registration_id, {})
        ranking.update(command.choices)
        return current

    async def send_feedback(self, command: SendFeedback) -> UUID:
        if self.failure is not None:
            raise self.failure
        self.feedback.append(command)
        return uuid.uuid4()

    async def check(self) -> None:
        if not self.healthy:
            raise ConnectionError("registration is down")


ENDED = ApiError(
    code="registration_ended",
    message_de="Ihre Anmeldung ist storniert oder wurde abgelehnt.",
    message_en="Your registration was cancelled or declined.",
)


class FakePlaces:
    """Capacity's places endpoint: per registration what it holds and waits for."""

    def __init__(self) -> None:
        self.held: dict[UUID, list[SessionPlace]] = {}
        self.queries: list[ShowPlaces] = []
        self.down = False

    async def places(self, query: ShowPlaces) -> list[SessionPlace]:
        self.queries.append(query)
        if self.down:
            raise PlacesUnavailable("capacity is down")
        return self.held.get(query.registration_id, [])


class FakeFeed:
    """The catalog's feed, and the decisions' (not following: long polls are forwarded)."""

    def __init__(self) -> None:
        self.caught_up = True
        self.following = False
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
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
def registrations() -> FakeRegistrations:
    return FakeRegistrations()


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed()


@pytest.fixture
def decisions() -> Decisions:
    """The decisions the gateway follows (only while ``feed.following``)."""
    return Decisions()


@pytest.fixture
def places() -> FakePlaces:
    return FakePlaces()


@pytest.fixture
def stands() -> FakeStands:
    """The registration service's applications for a stand (the Markt der guten Ideen)."""
    return FakeStands()


@pytest.fixture
def add_event(catalog: Catalog) -> Callable[..., EventSnapshot]:
    """Put an event in the catalog the way the catalog topic would."""

    def add(close_reason: CloseReason | None = None, **changes: Any) -> EventSnapshot:
        event = snapshot(**changes)
        message: CatalogEvent = (
            EventClosed(event=event, occurred_at=NOW, reason=close_reason)
            if close_reason
            else EventPublished(event=event, occurred_at=NOW)
        )
        catalog.apply(message)
        return event

    return add


@pytest.fixture
def send(catalog: Catalog) -> Callable[..., EventSnapshot]:
    """A later catalog message for an event: its snapshot with the next revision."""

    def apply(message_type: type[CatalogEvent], event: EventSnapshot, **changes: Any) -> Any:
        newer = event.model_copy(update={"revision": event.revision + 1, **changes})
        extra: dict[str, Any] = {}
        if message_type is EventClosed:
            extra["reason"] = newer.close_reason or CloseReason.MANUAL
        catalog.apply(message_type(event=newer, occurred_at=NOW, **extra))
        return newer

    return apply


@pytest.fixture
def registered(registrations: FakeRegistrations) -> Callable[..., RegistrationState]:
    """A registration the fake registration service knows."""

    def add(event_id: UUID, status: RegistrationStatus, **fields: Any) -> RegistrationState:
        state = RegistrationState(
            registration_id=uuid.uuid4(),
            event_id=event_id,
            status=status,
            **{"created_at": NOW, **fields},
        )
        registrations.states[state.registration_id] = state
        return state

    return add


GatewayClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def gateway_client(
    catalog: Catalog,
    registrations: FakeRegistrations,
    feed: FakeFeed,
    decisions: Decisions,
    desk: Desk,
    places: FakePlaces,
    stands: FakeStands,
) -> GatewayClient:
    """A running gateway on the fakes, with settings changed as given, and a client for it
    (``base_url="https://…"`` makes the requests arrive over https)."""

    @asynccontextmanager
    async def running(
        base_url: str = "http://gateway", **changes: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        settings = Settings(
            log_json=False, public_base_url="https://veranstaltungen.example", **changes
        )
        overrides = Overrides(
            catalog=catalog,
            registrations=registrations,
            feed=feed,
            decision_feed=feed,
            decisions=decisions,
            clock=lambda: NOW,
            places=places,
            stands=stands,
        )
        app = create_app(settings, overrides, replace(desk, clock=lambda: NOW))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
                yield http

    return running


@pytest.fixture
async def client(gateway_client: GatewayClient) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_client() as http:
        yield http


CSRF_FIELD = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')


@pytest.fixture
async def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token a page with a form gave this client (its cookie is in the client)."""
    return csrf_of(await client.get("/barrierefreiheit"))


# --- the organiser desk ----------------------------------------------------------------


class FakeOrganisers:
    """The desk's account store in memory, with the Postgres adapter's behaviour."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[bytes, tuple[UUID, datetime]] = {}
        self.failures: list[tuple[str, str, datetime]] = []
        self.last_logins: dict[UUID, datetime] = {}
        self.healthy = True

    async def account(self, email: str) -> Account | None:
        self._answer()
        return self.accounts.get(email)

    async def save_account(self, email: str, name: str, password_hash: str, now: datetime) -> bool:
        self._answer()
        existing = self.accounts.get(email)
        organiser_id = existing.organiser.organiser_id if existing else uuid.uuid4()
        self.accounts[email] = Account(Organiser(organiser_id, email, name), password_hash)
        if existing:
            self.sessions = {k: v for k, v in self.sessions.items() if v[0] != organiser_id}
        return existing is None

    async def record_login(
        self, organiser_id: UUID, now: datetime, new_password_hash: str | None
    ) -> None:
        self.last_logins[organiser_id] = now
        for email, account in self.accounts.items():
            if account.organiser.organiser_id == organiser_id and new_password_hash:
                self.accounts[email] = Account(account.organiser, new_password_hash)

    async def recent_failures(self, email: str, client_ip: str, since: datetime) -> RecentFailures:
        self._answer()
        recent = [f for f in self.failures if f[2] > since]
        return RecentFailures(
            sum(1 for f in recent if f[0] == email), sum(1 for f in recent if f[1] == client_ip)
        )

    async def record_failure(self, email: str, client_ip: str, now: datetime) -> None:
        self.failures.append((email, client_ip, now))

    async def clear_failures(self, email: str) -> None:
        self.failures = [f for f in self.failures if f[0] != email]

    async def open_session(
        self, token_hash: bytes, organiser_id: UUID, now: datetime, expires_at: datetime
    ) -> None:
        self.sessions[token_hash] = (organiser_id, expires_at)

    async def session_organiser(self, token_hash: bytes, now: datetime) -> Organiser | None:
        self._answer()
        session = self.sessions.get(token_hash)
        if session is None or session[1] <= now:
            return None
        return next(
            a.organiser for a in self.accounts.values() if a.organiser.organiser_id == session[0]
        )

    async def close_session(self, token_hash: bytes) -> None:
        self.sessions.pop(token_hash, None)

    async def check(self) -> None:
        self._answer()

    def _answer(self) -> None:
        if not self.healthy:
            raise OrganiserStoreUnavailable("down")


def desk_event(**changes: Any) -> EventSnapshot:
    """An event as capacity's organiser API reports it (with address and contact)."""
    values: dict[str, Any] = {
        "address": "Büchsenstraße 33",
        "organiser_contact": "Team Quartier, quartier@example.org",
        **changes,
    }
    return snapshot(**values)


class FakeCapacity:
    """Capacity's organiser API: events in memory, the state changes it allows."""

    def __init__(self) -> None:
        self.stored: dict[UUID, EventSnapshot] = {}
        self.created: list[tuple[EventDetails, int, bool]] = []
        self.updated: list[tuple[UUID, EventDetails]] = []
        self.actions: list[tuple[UUID, EventAction]] = []
        self.failure: Exception | None = None

    def add(self, **changes: Any) -> EventSnapshot:
        event = desk_event(**changes)
        self.stored[event.event_id] = event
        return event

    async def events(self, correlation_id: str) -> list[EventSnapshot]:
        self._answer()
        return list(self.stored.values())

    async def event(self, event_id: UUID, correlation_id: str) -> EventSnapshot:
        self._answer()
        if event_id not in self.stored:
            raise EventNotFound(str(event_id))
        return self.stored[event_id]

    async def create(
        self, details: EventDetails, capacity: int, publish: bool, correlation_id: str
    ) -> EventSnapshot:
        self._answer()
        self.created.append((details, capacity, publish))
        status = EventStatus.OPEN if publish else EventStatus.DRAFT
        return self.add(
            **vars(details), capacity=capacity, seats_taken=0, seats_left=capacity, status=status
        )

    async def update(
        self, event_id: UUID, details: EventDetails, correlation_id: str
    ) -> EventSnapshot:
        event = await self.event(event_id, correlation_id)
        self.updated.append((event_id, details))
        return self._store(event, **vars(details))

    async def act(self, event_id: UUID, action: EventAction, correlation_id: str) -> EventSnapshot:
        event = await self.event(event_id, correlation_id)
        allowed = {
            EventAction.PUBLISH: {EventStatus.DRAFT},
            EventAction.CLOSE: {EventStatus.OPEN, EventStatus.CLOSED},
            EventAction.REOPEN: {EventStatus.OPEN, EventStatus.CLOSED},
            EventAction.CANCEL: {EventStatus.OPEN, EventStatus.CLOSED},
        }[action]
        if event.status not in allowed:
            raise CapacityRefused(
                409,
                ApiError(
                    code="event_is_draft",
                    message_de="Nicht in diesem Zustand",
                    message_en="Not in this state",
                ),
            )
        self.actions.append((event_id, action))
        status = {
            EventAction.PUBLISH: EventStatus.OPEN,
            EventAction.CLOSE: EventStatus.CLOSED,
            EventAction.REOPEN: EventStatus.OPEN,
            EventAction.CANCEL: EventStatus.CANCELLED,
        }[action]
        reason = CloseReason.MANUAL if status is EventStatus.CLOSED else None
        return self._store(event, status=status, close_reason=reason)

    async def change_capacity(
        self, event_id: UUID, capacity: int, correlation_id: str
    ) -> EventSnapshot:
        event = await self.event(event_id, correlation_id)
        if capacity < event.seats_taken:
            raise CapacityRefused(
                409,
                ApiError(
                    code="seats_taken",
                    message_de=f"{event.seats_taken} Plätze sind bereits vergeben",
                    message_en=f"{event.seats_taken} seats are taken",
                ),
            )
        left = capacity - event.seats_taken
        return self._store(event, capacity=capacity, seats_left=left)

    async def check(self) -> None:
        self._answer()

    def _store(self, event: EventSnapshot, **changes: Any) -> EventSnapshot:
        newer = event.model_copy(update={"revision": event.revision + 1, **changes})
        self.stored[event.event_id] = newer
        return newer

    def _answer(self) -> None:
        if self.failure is not None:
            raise self.failure


class FakeRegistrationDesk:
    """The registration service's organiser API: registrations and feedback in memory."""

    def __init__(self) -> None:
        self.registrations: list[Participant] = []
        self.entries: list[FeedbackEntry] = []
        self.cancelled: list[UUID] = []
        self.failure: Exception | None = None
        self.page_calls: list[tuple[ParticipantFilter, int, int, bool]] = []
        self.change_calls: list[datetime | None] = []
        self.participant_calls: list[UUID] = []

    def add(self, event_id: UUID, status: RegistrationStatus, **fields: Any) -> Participant:
        values: dict[str, Any] = {
            "registration_id": uuid.uuid4(),
            "event_id": event_id,
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "organisation": "Stadt Ulm",
            "status": status,
            "created_at": NOW,
            **fields,
        }
        participant = Participant(**values)
        self.registrations.append(participant)
        return participant

    async def participants(self, event_id: UUID, correlation_id: str) -> list[Participant]:
        self._answer()
        return [p for p in self.registrations if p.event_id == event_id]

    async def participant(
        self, event_id: UUID, registration_id: UUID, correlation_id: str
    ) -> Participant | None:
        self._answer()
        self.participant_calls.append(registration_id)
        return next(
            (
                p
                for p in self.registrations
                if p.event_id == event_id and p.registration_id == registration_id
            ),
            None,
        )

    async def participant_page(
        self,
        event_id: UUID,
        selection: ParticipantFilter,
        correlation_id: str,
        *,
        limit: int,
        offset: int,
        oldest_first: bool = False,
    ) -> ParticipantPage:
        """What the registration service's Postgres query does, in memory."""
        self.page_calls.append((selection, limit, offset, oldest_first))
        everyone = await self.participants(event_id, correlation_id)
        text = selection.text.casefold()
        found = [
            p
            for p in everyone
            if (not text or any(text in v.casefold() for v in (p.name, p.email, p.organisation)))
            and selection.status in (None, p.status)
            and selection.role in (None, p.role)
            and (selection.need is None or selection.need in p.accessibility_needs)
        ]
        found.sort(key=lambda p: (p.created_at, str(p.registration_id)), reverse=not oldest_first)
        return ParticipantPage(
            event_id=event_id,
            items=found[offset : offset + limit],
            total=len(found),
            offset=offset,
            limit=limit,
            counts=dict(Counter(p.status for p in everyone)),
            latest_at=max((p.created_at for p in everyone), default=None),
        )

    async def registration_changes(
        self, event_id: UUID, since: datetime | None, correlation_id: str
    ) -> RegistrationChanges:
        self.change_calls.append(since)
        everyone = await self.participants(event_id, correlation_id)
        return RegistrationChanges(
            event_id=event_id,
            counts=dict(Counter(p.status for p in everyone)),
            total=len(everyone),
            new_since=sum(1 for p in everyone if since is None or p.created_at > since),
            latest_at=max((p.created_at for p in everyone), default=None),
        )

    async def accessibility_report(
        self, event_id: UUID, correlation_id: str
    ) -> AccessibilityReport:
        active = [p for p in await self.participants(event_id, correlation_id) if p.active]
        return AccessibilityReport(
            event_id=event_id,
            active_registrations=len(active),
            with_needs=sum(1 for p in active if p.accessibility_needs),
            needs={
                need: sum(1 for p in active if need in p.accessibility_needs)
                for need in AccessibilityNeed
            },
        )

    async def cancel_for_organiser(
        self, registration_id: UUID, correlation_id: str
    ) -> Cancellation:
        self._answer()
        index, found = next(
            (i, p) for i, p in enumerate(self.registrations) if p.registration_id == registration_id
        )
        changed = found.active
        if changed:
            found = found.model_copy(
                update={
                    "status": RegistrationStatus.CANCELLED,
                    "cancel_reason": CancelReason.ORGANISER,
                    "waitlist_position": None,
                }
            )
            self.registrations[index] = found
            self.cancelled.append(registration_id)
        return Cancellation(
            registration_id=registration_id,
            event_id=found.event_id,
            status=found.status,
            cancel_reason=found.cancel_reason,
            locale=found.locale,
            created_at=found.created_at,
            already_cancelled=not changed,
        )

    async def feedback(self, correlation_id: str) -> list[FeedbackEntry]:
        self._answer()
        return self.entries

    def _answer(self) -> None:
        if self.failure is not None:
            raise self.failure


@pytest.fixture
def organisers() -> FakeOrganisers:
    return FakeOrganisers()


@pytest.fixture
def capacity() -> FakeCapacity:
    return FakeCapacity()


@pytest.fixture
def registration_desk() -> FakeRegistrationDesk:
    return FakeRegistrationDesk()


@pytest.fixture
def desk(
    organisers: FakeOrganisers, capacity: FakeCapacity, registration_desk: FakeRegistrationDesk
) -> Desk:
    """The desk on fakes, with real argon2 hashing at parameters cheap enough for tests."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return Desk(organisers, Argon2Passwords(cheap), capacity, registration_desk)


ORGANISER_PASSWORD = "ein-wirklich-langes-passwort"


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of the forms on ``page``."""
    found = CSRF_FIELD.search(page.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def solve_challenge(challenge: dict[str, Any], *, number: int | None = None) -> str:
    """What a client does with a challenge: try 0, 1, 2, … until the hash matches (or send
    ``number``); the solution as base64 JSON."""
    if number is None:
        number = next(
            n
            for n in range(challenge["maxnumber"] + 1)
            if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest()
            == challenge["challenge"]
        )
    fields = ("algorithm", "challenge", "salt", "signature")
    solution = {**{name: challenge[name] for name in fields}, "number": number}
    return base64.b64encode(json.dumps(solution).encode()).decode()


@pytest.fixture
def solver() -> Callable[..., str]:
    """``solver(challenge)``: the solved challenge, as a client sends it."""
    return solve_challenge


@pytest.fixture
def form_token() -> Callable[[httpx.Response], str]:
    """The CSRF token of a page's forms."""
    return csrf_of


@pytest.fixture
async def organiser(organisers: FakeOrganisers, desk: Desk) -> Organiser:
    """An organiser account (password ``ORGANISER_PASSWORD``), made like ``make admin`` does."""
    await save_organiser(
        SaveOrganiser("Team@Example.org", "Petra Planer", ORGANISER_PASSWORD, NOW), desk
    )
    account = organisers.accounts["team@example.org"]
    return account.organiser


LogIn = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def log_in() -> LogIn:
    """Fill in and send the desk's login form; the answer, not followed."""

    async def send(
        http: httpx.AsyncClient,
        email: str = "team@example.org",
        password: str = ORGANISER_PASSWORD,
        weiter: str | None = None,
    ) -> httpx.Response:
        page = await http.get("/verwaltung/anmelden", params={"weiter": weiter} if weiter else {})
        data = {"email": email, "password": password, "csrf_token": csrf_of(page)}
        if weiter:
            data["weiter"] = weiter
        return await http.post("/verwaltung/anmelden", data=data)

    return send
