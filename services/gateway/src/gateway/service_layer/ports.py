"""What the use cases need from the outside world; adapters implement these."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from gateway.domain.commands import RegisterAttendee
from gateway.domain.registration import RegistrationState, Submission


class RegistrationUnavailable(Exception):
    """The registration service did not answer, or answered with a server error."""


class RegistrationRefused(Exception):
    """The registration service turned the request down (a 4xx) and said why."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message


class Registrations(Protocol):
    """The registration service."""

    async def submit(self, command: RegisterAttendee) -> Submission: ...

    async def state(
        self, registration_id: UUID, correlation_id: str
    ) -> RegistrationState | None: ...

    async def check(self) -> None:
        """Raise unless the service answers its health check."""


class CatalogueFeed(Protocol):
    """Keeps the catalogue read model up to date in the background."""

    @property
    def caught_up(self) -> bool:
        """True once everything that was on the feed at start has been applied."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
