"""What the organiser desk needs from the outside world: the account store, password
hashing, capacity's organiser API and the registration service's organiser API."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from contracts.http.capacity import EventAction, EventDetails, SessionList
from contracts.http.errors import ApiError
from contracts.http.registration import (
    AccessibilityReport,
    Cancellation,
    FeedbackEntry,
    Participant,
    ParticipantPage,
    RegistrationChanges,
)
from contracts.http.stands import NewDecision, StandApplication, StandApplicationPage
from contracts.messages import EventSnapshot
from gateway.desk.domain.model import ParticipantFilter
from gateway.desk.domain.organisers import Account, Organiser, RecentFailures
from gateway.desk.domain.stands import ApplicationFilter


class OrganiserStoreUnavailable(Exception):
    """The gateway's own database (accounts and sessions) did not answer."""


class CapacityUnavailable(Exception):
    """Capacity did not answer, or answered with a server error."""


class EventNotFound(Exception):
    """Capacity knows no event with this id."""


class CapacityRefused(Exception):
    """Capacity turned a change down (409: not in this state, 422: not valid) and said why:
    its ``ApiError`` (``error.errors`` names the request fields a 422 complained about)."""

    def __init__(self, status_code: int, error: ApiError) -> None:
        super().__init__(f"{status_code}: {error.code}")
        self.status_code = status_code
        self.error = error

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(problem.field for problem in self.error.errors)


class StandsUnavailable(Exception):
    """The registration service could not decide on an application because capacity, which
    counts the stands, did not answer it: nothing was decided."""


class Organisers(Protocol):
    """Accounts, sessions and failed logins (the gateway's database)."""

    async def account(self, email: str) -> Account | None: ...

    async def save_account(self, email: str, name: str, password_hash: str, now: datetime) -> bool:
        """Create the account, or set name and password of an existing one (then all its
        sessions end); True if it was created."""

    async def record_login(
        self, organiser_id: UUID, now: datetime, new_password_hash: str | None
    ) -> None:
        """Note the login; store a fresh hash when the old one used outdated parameters."""

    async def recent_failures(
        self, email: str, client_ip: str, since: datetime
    ) -> RecentFailures: ...

    async def record_failure(self, email: str, client_ip: str, now: datetime) -> None: ...

    async def clear_failures(self, email: str) -> None: ...

    async def open_session(
        self, token_hash: bytes, organiser_id: UUID, now: datetime, expires_at: datetime
    ) -> None: ...

    async def session_organiser(self, token_hash: bytes, now: datetime) -> Organiser | None:
        """The organiser of an unexpired session."""

    async def close_session(self, token_hash: bytes) -> None: ...

    async def check(self) -> None:
        """Raise unless the database answers."""


class Passwords(Protocol):
    """argon2id hashing; slow on purpose, so the adapter keeps it off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no hash (unknown e-mail address) it takes
        as long as a real check and says no."""

    def needs_rehash(self, password_hash: str) -> bool: ...


class Capacity(Protocol):
    """Capacity's organiser API; ``CapacityUnavailable``, ``EventNotFound`` and
    ``CapacityRefused`` say what went wrong."""

    async def events(self, correlation_id: str) -> list[EventSnapshot]:
        """Every event, drafts included."""

    async def event(self, event_id: UUID, correlation_id: str) -> EventSnapshot: ...

    async def create(
        self, details: EventDetails, capacity: int, publish: bool, correlation_id: str
    ) -> EventSnapshot: ...

    async def update(
        self, event_id: UUID, details: EventDetails, correlation_id: str
    ) -> EventSnapshot: ...

    async def act(
        self, event_id: UUID, action: EventAction, correlation_id: str
    ) -> EventSnapshot: ...

    async def change_capacity(
        self, event_id: UUID, capacity: int, correlation_id: str
    ) -> EventSnapshot: ...

    async def session_lists(self, event_id: UUID, correlation_id: str) -> list[SessionList]:
        """Per session of the programme: who holds a seat, who waits (first in line first)."""

    async def assign_session(
        self, event_id: UUID, session_id: UUID, registration_id: UUID, correlation_id: str
    ) -> EventSnapshot:
        """``CapacityRefused`` (409 ``session_full``, ``unknown_session``, ``not_confirmed``)."""

    async def check(self) -> None: ...


class RegistrationDesk(Protocol):
    """The registration service's organiser API (internal token); raises
    ``RegistrationUnavailable`` and ``RegistrationRefused`` like the public one."""

    async def participants(self, event_id: UUID, correlation_id: str) -> list[Participant]:
        """Everyone, unpaged (the session pages join capacity's lists with it)."""

    async def participant(
        self, event_id: UUID, registration_id: UUID, correlation_id: str
    ) -> Participant | None:
        """One registration of the event, with its current waiting-list place; ``None``
        when the event has none with this id."""

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
        """``limit`` registrations from ``offset`` that ``selection`` finds (its page is not
        used), newest first unless ``oldest_first``; searched and counted by the service."""

    async def registration_changes(
        self, event_id: UUID, since: datetime | None, correlation_id: str
    ) -> RegistrationChanges:
        """Counts per status and how many arrived after ``since``: no personal data."""

    async def accessibility_report(
        self, event_id: UUID, correlation_id: str
    ) -> AccessibilityReport: ...

    async def cancel_for_organiser(
        self, registration_id: UUID, correlation_id: str
    ) -> Cancellation: ...

    async def feedback(self, correlation_id: str) -> list[FeedbackEntry]: ...

    async def stand_applications(
        self,
        event_id: UUID,
        selection: ApplicationFilter,
        correlation_id: str,
        *,
        limit: int,
        offset: int,
    ) -> StandApplicationPage:
        """``limit`` applications for a stand from ``offset`` that ``selection`` finds (its
        page is not used), in its order; the counts are the whole event's."""

    async def stand_application(
        self, event_id: UUID, application_id: UUID, correlation_id: str
    ) -> StandApplication | None:
        """One application of the event with its history; ``None`` when it has none with
        this id."""

    async def decide_stand_application(
        self, event_id: UUID, application_id: UUID, decision: NewDecision, correlation_id: str
    ) -> StandApplication:
        """``RegistrationRefused`` (409 ``stands_full`` or ``withdrawn``, 404 ``not_found``);
        ``StandsUnavailable`` when capacity did not answer the registration service.  The
        same decision again is harmless."""


class OrganiserApis(Protocol):
    """The organiser APIs of the services that own events and registrations."""

    @property
    def capacity(self) -> Capacity: ...

    @property
    def registrations(self) -> RegistrationDesk: ...


class Accounts(Protocol):
    """The desk's own accounts and sessions, and how passwords are hashed."""

    @property
    def organisers(self) -> Organisers: ...

    @property
    def passwords(self) -> Passwords: ...
