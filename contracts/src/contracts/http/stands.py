"""Applications for a stand at the Markt der guten Ideen, on the registration service's API:
applying (the public form), the applicant's link to see and withdraw, the organisers' review
(internal token), the contact lookup for the mails, the public list of accepted stands and
the exhibitors' personal links.  Capacity's half (how many stands are taken) is
``contracts.http.capacity.StandReservation``.

The rules about an application live here once, for the registration service (which enforces
them) and for the gateway's form (which shows them while typing): the length limits
(``*_MAX_LENGTH``, the ``Field`` constraints of ``NewStandApplication``), the staff count
(``MAX_STAFF``) and the two consents.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from contracts.http.errors import Problem
from contracts.http.registration import Email
from contracts.messages import ApplicationState, Locale

PROJECT_TITLE_MAX_LENGTH = 200
ORGANISATION_MAX_LENGTH = 200
PUBLIC_DESCRIPTION_MAX_LENGTH = 800
"""The short description for the public programme (the form counts down while typing)."""
CONTACT_NAME_MAX_LENGTH = 200
NEEDS_OTHER_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 2000
MAX_STAFF = 3
PAGE_DEFAULT_LIMIT = 50
PAGE_MAX_LIMIT = 1000
SEARCH_MAX_LENGTH = 200

DECIDABLE = (
    ApplicationState.RECEIVED,
    ApplicationState.WAITLISTED,
    ApplicationState.ACCEPTED,
    ApplicationState.DECLINED,
)
"""The states an organiser may change (everything but withdrawn, which is final)."""


class StandNeed(StrEnum):
    """What a stand needs at the venue."""

    TABLE = "table"
    POWER = "power"
    PIN_BOARD = "pin_board"
    SCREEN = "screen"
    OTHER = "other"


class ApplicationDecision(StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    DECLINE = "decline"

    @property
    def state(self) -> ApplicationState:
        return {
            ApplicationDecision.ACCEPT: ApplicationState.ACCEPTED,
            ApplicationDecision.WAITLIST: ApplicationState.WAITLISTED,
            ApplicationDecision.DECLINE: ApplicationState.DECLINED,
        }[self]


class ApplicationErrorCode(StrEnum):
    """The ``ApiError.code`` values of the applications (besides ``ErrorCode``)."""

    NOT_FOUND = "not_found"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a code, not a secret
    CONSENT_REQUIRED = "consent_required"
    CALL_NOT_OPEN = "call_not_open"
    """No call for stands, or not open at this moment (422 to ``POST /stand-applications``)."""
    STANDS_FULL = "stands_full"
    """Accepting would give out more stands than the call has (409)."""
    WITHDRAWN = "withdrawn"
    """The applicant withdrew; nothing can be decided any more (409)."""
    NOT_ACCEPTED = "not_accepted"
    """An exhibitor's link of an application that is not (or no longer) accepted (409)."""
    CAPACITY_UNAVAILABLE = "capacity_unavailable"
    """Capacity, which counts the stands, did not answer (503); nothing was changed."""


PRIVACY_CONSENT_MISSING = Problem(
    field="privacy_consent",
    code="missing",
    message_de="Bitte stimmen Sie der Datenschutzerklärung zu.",
    message_en="Please accept the privacy policy.",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class NewStandApplication(_Model):
    """``POST /stand-applications`` (header ``Idempotency-Key``, optional): while the event's
    call for stands is open."""

    event_id: UUID
    project_title: Text = Field(min_length=1, max_length=PROJECT_TITLE_MAX_LENGTH)
    organisation: Text = Field(
        min_length=1, max_length=ORGANISATION_MAX_LENGTH, description="Kommune or organisation"
    )
    description: Text = Field(
        min_length=1,
        max_length=PUBLIC_DESCRIPTION_MAX_LENGTH,
        description="A short description for the public programme",
    )
    contact_name: Text = Field(min_length=1, max_length=CONTACT_NAME_MAX_LENGTH)
    email: Email
    staff: int = Field(1, ge=1, le=MAX_STAFF, description="How many people staff the stand")
    needs: tuple[StandNeed, ...] = ()
    needs_other: Text = Field("", max_length=NEEDS_OTHER_MAX_LENGTH)
    publish_consent: bool = Field(
        False,
        description="Consent to publish project title, Kommune and description on the event "
        "page (without it the stand is listed nowhere public)",
    )
    privacy_consent: bool = Field(description="Must be true: consent to the privacy notice")
    locale: Locale = Field(Locale.DE, description="the language of the mails")


class ApplicationHistoryEntry(_Model):
    revision: int
    state: ApplicationState
    at: AwareDatetime
    note: str = Field("", description="the organisers' note to the applicant, if any")


class StandApplicationView(_Model):
    """What the applicant sees through their link (``GET /stand-applications/{token}``)."""

    application_id: UUID
    event_id: UUID
    state: ApplicationState
    project_title: str
    organisation: str
    description: str
    contact_name: str
    email: str
    staff: int
    needs: tuple[StandNeed, ...] = ()
    needs_other: str = ""
    publish_consent: bool
    locale: Locale = Locale.DE
    note: str = Field("", description="the note of the latest decision")
    received_at: AwareDatetime
    decided_at: AwareDatetime | None = None

    @property
    def withdrawable(self) -> bool:
        return self.state is not ApplicationState.WITHDRAWN


class StandApplicationReceipt(_Model):
    """201 to ``POST /stand-applications``: the application and its applicant's token (for
    the receipt page; the mail carries the same link)."""

    application: StandApplicationView
    token: str
    created: bool = Field(description="False: the same Idempotency-Key was sent before")


class Withdrawal(_Model):
    """``POST /stand-applications/{token}/withdrawal``; ``already_withdrawn``: nothing changed."""

    application: StandApplicationView
    already_withdrawn: bool


class StandApplication(StandApplicationView):
    """An application as the organisers see it (internal token), with its history."""

    revision: int
    history: list[ApplicationHistoryEntry] = Field(default_factory=list)


class ApplicationOrder(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"


class StandApplicationPage(_Model):
    """``GET /events/{id}/stand-applications`` (internal token): ``q`` found in project,
    Kommune, contact or e-mail; any of the ``state``, ``need`` given; ``organisation`` the
    exact Kommune.  ``counts`` per state and ``accepted_needs`` (how many accepted stands need
    what) and ``accepted_staff`` are the whole event's, unfiltered."""

    event_id: UUID
    items: list[StandApplication]
    total: int
    offset: int = 0
    limit: int = PAGE_DEFAULT_LIMIT
    counts: dict[ApplicationState, int] = Field(default_factory=dict)
    accepted_needs: dict[StandNeed, int] = Field(default_factory=dict)
    accepted_staff: int = 0
    organisations: list[str] = Field(
        default_factory=list, description="every Kommune that applied, for the filter"
    )


class NewDecision(_Model):
    """``POST /events/{id}/stand-applications/{application_id}/decision`` (internal token)."""

    decision: ApplicationDecision
    note: Text = Field("", max_length=NOTE_MAX_LENGTH, description="to the applicant, in the mail")


class ApplicationContact(_Model):
    """``GET /stand-applications/{id}/contact`` (internal token): for the notification
    service's mails only.  ``application.history`` holds each change's note (a mail takes
    the note of its message's ``revision``); ``token`` is the applicant's link; once
    accepted, ``exhibitor_tokens`` holds one personal registration link per staff member."""

    application: StandApplication
    token: str
    exhibitor_tokens: list[str] = Field(default_factory=list)


class PublicStand(_Model):
    """``GET /events/{id}/stands``: an accepted stand whose applicant consented to publish."""

    application_id: UUID
    project_title: str
    organisation: str
    description: str


class ExhibitorLink(_Model):
    """``GET /exhibitor-links/{token}``: whom a staff member's personal link registers for
    (``NewRegistration.exhibitor_token``)."""

    application_id: UUID
    event_id: UUID
    project_title: str
    organisation: str
    staff: int
    seat: int = Field(ge=1, description="which of the stand's staff seats the link is (1…staff)")
    accepted: bool
