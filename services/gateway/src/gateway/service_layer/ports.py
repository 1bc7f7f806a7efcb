"""What the use cases need from the outside world; adapters implement these."""

from __future__ import annotations

from typing import ClassVar, Protocol
from uuid import UUID

from contracts.http.errors import ApiError
from contracts.http.registration import Cancellation, RegistrationAccepted, RegistrationState
from contracts.http.stands import (
    ExhibitorLink,
    PublicStand,
    StandApplicationReceipt,
    StandApplicationView,
    Withdrawal,
)
from contracts.messages import SessionPlace
from gateway.domain.commands import (
    ApplyForStand,
    CancelRegistration,
    ChangeChoices,
    OpenStandLink,
    RegisterAttendee,
    SendFeedback,
    ShowPlaces,
    ShowStands,
    WithdrawApplication,
)


class RegistrationUnavailable(Exception):
    """The registration service did not answer, or answered with a server error."""


class RegistrationRefused(Exception):
    """The registration service turned the request down (a 4xx) and said why: its
    ``ApiError`` (``error.errors`` names the fields it refused)."""

    def __init__(self, status_code: int, error: ApiError) -> None:
        super().__init__(f"{status_code}: {error.code}")
        self.status_code = status_code
        self.error = error

    @property
    def code(self) -> str:
        return self.error.code


class PlacesUnavailable(Exception):
    """Capacity did not tell the places in the programme (no answer, a server error, an
    answer off the contract)."""


class CancelLinkUnusable(Exception):
    """A cancel link that cancels nothing: not one of ours, or too old."""

    code: ClassVar[str]
    default_de: ClassVar[str]
    default_en: ClassVar[str]

    def __init__(self, message_de: str | None = None, message_en: str | None = None) -> None:
        super().__init__(self.code)
        self.message_de = message_de or self.default_de
        self.message_en = message_en or self.default_en


class CancelLinkInvalid(CancelLinkUnusable):
    """Not a link the registration service made (mistyped, cut off, altered), or its
    registration no longer exists."""

    code = "invalid_token"
    default_de = "Dieser Abmeldelink ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail."
    default_en = "This cancellation link is not valid. Please use the link from your e-mail."


class CancelLinkExpired(CancelLinkUnusable):
    """A genuine link, but too old to be used."""

    code = "token_expired"
    default_de = (
        "Dieser Abmeldelink ist abgelaufen. Bitte wenden Sie sich an das Veranstaltungsteam."
    )
    default_en = "This cancellation link has expired. Please contact the organisers."


class StandLinkInvalid(Exception):
    """A token from a Markt mail that is not (or no longer) one of the registration
    service's: mistyped, cut off, altered, or its application is gone."""

    default_de = "Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail."
    default_en = "This link is not valid. Please use the link from your e-mail."

    def __init__(self, message_de: str | None = None, message_en: str | None = None) -> None:
        super().__init__("invalid_token")
        self.message_de = message_de or self.default_de
        self.message_en = message_en or self.default_en


class Registrations(Protocol):
    """The registration service."""

    async def submit(self, command: RegisterAttendee) -> RegistrationAccepted: ...

    async def state(
        self, registration_id: UUID, correlation_id: str, wait: float = 0
    ) -> RegistrationState | None:
        """The state; with ``wait`` > 0 a pending answer is held up to that many seconds
        until the decision arrives (long polling)."""

    async def cancellation_target(self, token: str, correlation_id: str) -> RegistrationState:
        """The registration a cancel link is for; ``CancelLinkInvalid``/``CancelLinkExpired``."""

    async def cancel(self, command: CancelRegistration) -> Cancellation:
        """Cancel the registration a link is for; harmless twice.  Raises like
        ``cancellation_target``."""

    async def current_choices(self, token: str, correlation_id: str) -> dict[UUID, list[UUID]]:
        """The ranking of the sessions stored with the registration a link is for.  Raises
        like ``cancellation_target``."""

    async def change_choices(self, command: ChangeChoices) -> RegistrationState:
        """Store a new ranking (capacity decides it); ``RegistrationRefused`` (409) once the
        registration was cancelled or rejected, else raises like ``cancellation_target``."""

    async def send_feedback(self, command: SendFeedback) -> UUID:
        """Store feedback on the site's accessibility; its ``feedback_id``."""

    async def check(self) -> None:
        """Raise unless the service answers its health check."""


class StandApplications(Protocol):
    """The registration service's applications for a stand at the Markt der guten Ideen.
    Every call raises ``RegistrationUnavailable`` when the service does not answer and
    ``RegistrationRefused`` for its other refusals."""

    async def apply(self, command: ApplyForStand) -> StandApplicationReceipt:
        """Store the application (while the call is open); the receipt carries the
        applicant's token."""

    async def application(self, query: OpenStandLink) -> StandApplicationView:
        """The application the applicant's token is for; ``StandLinkInvalid``."""

    async def withdraw(self, command: WithdrawApplication) -> Withdrawal:
        """Withdraw it; harmless twice (``already_withdrawn``).  ``StandLinkInvalid``."""

    async def public_stands(self, query: ShowStands) -> list[PublicStand]:
        """The event's accepted stands whose applicants consented to publish them."""

    async def exhibitor_link(self, query: OpenStandLink) -> ExhibitorLink:
        """The stand a staff member's personal link registers for; ``StandLinkInvalid``."""


class SessionPlaces(Protocol):
    """Capacity's open read of a registration's places in the programme."""

    async def places(self, query: ShowPlaces) -> list[SessionPlace]:
        """Per choice slot the registration takes part in: the session held, its rank, the
        places on the waiting lists of better-ranked sessions; ``PlacesUnavailable``."""


class DecisionFeed(Protocol):
    """Keeps ``Decisions`` up to date in the background."""

    @property
    def following(self) -> bool:
        """True while no decision passes unseen."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class CatalogFeed(Protocol):
    """Keeps the catalog read model up to date in the background."""

    @property
    def caught_up(self) -> bool:
        """True once everything that was on the feed at start has been applied."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
