"""The registration service's HTTP API: registering, the status, cancelling by link, the
organisers' lists, accessibility report and feedback, and the contact lookup for mails.

The rules about an attendee's data live here once, for the registration service (which
enforces them) and for callers that check a form before they send it (the gateway): the
length limits (``*_MAX_LENGTH``, the ``Field`` constraints of the request models), the one
e-mail check (``valid_email``, the ``Email`` type), the consent to the privacy notice
(``privacy_consent_missing``) and the consent to keep health data
(``health_data_consent_missing``), each with the ``Problem`` a refusal names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import Problem
from contracts.messages import Locale, RejectionReason

NAME_MAX_LENGTH = 200
ORGANISATION_MAX_LENGTH = 200
ACCESSIBILITY_OTHER_MAX_LENGTH = 500
FEEDBACK_MESSAGE_MAX_LENGTH = 5000
FEEDBACK_NAME_MAX_LENGTH = 200
FEEDBACK_PAGE_MAX_LENGTH = 500
WAIT_MAX_SECONDS = 25
"""The longest ``wait`` (long polling) ``GET /registrations/{id}`` accepts."""

CANCEL_TOKEN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,499}")
"""What the cancel links carry (URL-safe, signed, at most 500 characters); a caller refuses
anything else before it puts it into a URL."""


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)
"""Registrations that hold or wait for a seat: the only ones a cancellation changes."""


class CancelReason(StrEnum):
    """Why a registration was cancelled."""

    ATTENDEE = "attendee"
    ORGANISER = "cancelled_by_organiser"
    EVENT_CANCELLED = "event_cancelled"
    STAND_RELEASED = "stand_released"
    """A stand's staff member's registration: the stand's application was declined or
    withdrawn."""


class RegistrationErrorCode(StrEnum):
    """The ``ApiError.code`` values of this API (besides ``contracts.http.errors.ErrorCode``)."""

    NOT_FOUND = "not_found"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a code, not a secret
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a code, not a secret
    CONSENT_REQUIRED = "consent_required"
    HEALTH_CONSENT_REQUIRED = "health_consent_required"
    REGISTRATION_ENDED = "registration_ended"
    """A change of choice after the registration was cancelled or rejected (409)."""


# --- the rules -------------------------------------------------------------------------


def valid_email(value: str) -> str:
    """The one e-mail check of the platform: the address trimmed and normalised (domain in
    lower case); ``ValueError`` when it is not an address.  Deliverability is not checked."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"value is not a valid email address: {exc}") from None


Email = Annotated[
    str,
    AfterValidator(valid_email),
    WithJsonSchema({"type": "string", "format": "email"}),
]


def plausible_cancel_token(token: str) -> bool:
    """Whether ``token`` can be one of the cancel links' tokens at all."""
    return CANCEL_TOKEN.fullmatch(token) is not None


PRIVACY_CONSENT_MISSING = Problem(
    field="privacy_consent",
    code="missing",
    message_de="Bitte stimmen Sie der Datenschutzerklärung zu.",
    message_en="Please accept the privacy policy.",
)
HEALTH_DATA_CONSENT_MISSING = Problem(
    field="health_data_consent",
    code=RegistrationErrorCode.HEALTH_CONSENT_REQUIRED,
    message_de="Für Angaben zur Barrierefreiheit brauchen wir Ihre ausdrückliche Einwilligung. "
    "Bitte willigen Sie ein – oder lassen Sie die Angaben zur Barrierefreiheit weg.",
    message_en="We need your explicit consent for accessibility needs. Please give it – or "
    "leave the accessibility needs out.",
)


def privacy_consent_missing(privacy_consent: bool) -> bool:
    """Nobody registers without consenting to the privacy notice."""
    return not privacy_consent


def declares_health_data(needs: Iterable[AccessibilityNeed | str], other: str) -> bool:
    """Whether accessibility needs are given (a need chosen, or one described in words):
    health data (GDPR art. 9)."""
    return any(True for _ in needs) or bool(other.strip())


def health_data_consent_missing(
    needs: Iterable[AccessibilityNeed | str], other: str, health_data_consent: bool
) -> bool:
    """Accessibility needs given ⇒ the explicit consent to keep health data is required
    (apart from the consent to the privacy notice)."""
    return declares_health_data(needs, other) and not health_data_consent


# --- registering and the status ----------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class NewRegistration(_Model):
    """``POST /registrations`` (header ``Idempotency-Key``, optional)."""

    event_id: UUID
    name: str = Field(min_length=1, max_length=NAME_MAX_LENGTH)
    email: Email
    organisation: str = Field("", max_length=ORGANISATION_MAX_LENGTH)
    locale: Locale = Field(Locale.DE, description="the language of the mails")
    privacy_consent: bool = Field(description="Must be true: consent to the privacy notice")
    role: AttendeeRole = AttendeeRole.OTHER
    accessibility_needs: tuple[AccessibilityNeed, ...] = Field(
        (), description="Health data: needs health_data_consent"
    )
    accessibility_other: str = Field(
        "",
        max_length=ACCESSIBILITY_OTHER_MAX_LENGTH,
        description="Free text; when given, the need 'other' is implied",
    )
    health_data_consent: bool = Field(
        False, description="Explicit consent to keep the accessibility needs (health data)"
    )
    choices: dict[UUID, list[UUID]] = Field(
        default_factory=dict,
        description="Per choice slot of the event's programme (slot_id), the sessions "
        "ranked, best first",
    )
    exhibitor_token: str | None = Field(
        None,
        max_length=500,
        description="A stand's staff member's personal link (``GET /exhibitor-links/{token}``"
        "): the day seat comes from the stand's contingent, not the public capacity",
    )


class NewChoices(_Model):
    """``POST /choices/{token}`` (the cancel token from the mail): rank the sessions anew;
    slots not named keep their ranking.  The change is decided by the capacity service
    (``SessionChoicesChanged``); the status page shows the result."""

    choices: dict[UUID, list[UUID]]


class RegistrationAccepted(_Model):
    """202 to ``POST /registrations``: the seat decision follows (poll ``status_url``)."""

    registration_id: UUID
    status: RegistrationStatus
    status_url: str


class RegistrationState(_Model):
    """``GET /registrations/{id}``, ``GET /cancellations/{token}``: no personal data."""

    registration_id: UUID
    event_id: UUID
    status: RegistrationStatus
    waitlist_position: int | None = Field(
        None, description="the current place on the waiting list (1 = next); it moves up"
    )
    rejection_reason: RejectionReason | None = None
    cancel_reason: CancelReason | None = None
    locale: Locale = Locale.DE
    created_at: AwareDatetime

    @property
    def active(self) -> bool:
        """Holds or waits for a seat: a cancellation changes it."""
        return self.status in ACTIVE

    @property
    def event_cancelled(self) -> bool:
        return (
            self.status is RegistrationStatus.CANCELLED
            and self.cancel_reason is CancelReason.EVENT_CANCELLED
        )


class Cancellation(RegistrationState):
    """``POST /cancellations/{token}`` and the organisers' cancellation: the registration now.

    ``already_cancelled``: nothing changed, it had been cancelled (or rejected) before;
    ``status`` tells the two apart."""

    already_cancelled: bool


# --- the organisers (internal token) ---------------------------------------------------


class Participant(_Model):
    """``GET /events/{id}/registrations``: a registration as the organisers see it, personal
    and health data included."""

    registration_id: UUID
    event_id: UUID
    name: str
    email: str
    organisation: str = ""
    role: AttendeeRole = AttendeeRole.OTHER
    locale: Locale = Locale.DE
    status: RegistrationStatus
    waitlist_position: int | None = Field(None, description="the current place on the waiting list")
    accessibility_needs: list[AccessibilityNeed] = Field(default_factory=list)
    accessibility_other: str = ""
    created_at: AwareDatetime
    cancelled_at: AwareDatetime | None = None
    cancel_reason: CancelReason | None = None

    @property
    def active(self) -> bool:
        """Holds or waits for a seat: the organisers may cancel it."""
        return self.status in ACTIVE


PAGE_DEFAULT_LIMIT = 50
PAGE_MAX_LIMIT = 1000
SEARCH_MAX_LENGTH = 200


class ParticipantOrder(StrEnum):
    """The order of ``GET /events/{id}/registrations/page``: newest first (what the desk
    shows while registrations arrive) or oldest first (stable while paging through all of
    them, for exports)."""

    NEWEST = "newest"
    OLDEST = "oldest"


class ParticipantPage(_Model):
    """``GET /events/{id}/registrations/page`` (internal token): one page of the event's
    registrations as the organisers see them, searched (``q``: name, e-mail address or
    organisation contain it, any case) and filtered (``status``, ``role``, ``need``, each
    repeatable: any of them), in ``order``, ``limit`` from ``offset``."""

    event_id: UUID
    items: list[Participant]
    total: int = Field(description="registrations matching the search and filters")
    offset: int = 0
    limit: int = PAGE_DEFAULT_LIMIT
    counts: dict[RegistrationStatus, int] = Field(
        default_factory=dict, description="the event's registrations per status, unfiltered"
    )
    latest_at: AwareDatetime | None = Field(
        None, description="when the event's newest registration arrived"
    )


class RegistrationChanges(_Model):
    """``GET /events/{id}/registrations/changes?since=`` (internal token): what a page that
    is open needs to know, without any personal data: the counts per status and how many
    registrations arrived after ``since``."""

    event_id: UUID
    counts: dict[RegistrationStatus, int] = Field(default_factory=dict)
    total: int = 0
    new_since: int = Field(0, description="registrations created after ``since`` (without it: all)")
    latest_at: AwareDatetime | None = None


class AccessibilityReport(_Model):
    """``GET /events/{id}/accessibility-report``: counts over the confirmed, pending and
    waitlisted registrations; no names."""

    event_id: UUID
    active_registrations: int
    with_needs: int = Field(description="registrations with at least one need")
    needs: dict[AccessibilityNeed, int] = Field(description="registrations per need")

    def count(self, need: AccessibilityNeed) -> int:
        return self.needs.get(need, 0)


Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class NewFeedback(_Model):
    """``POST /feedback``: feedback on the accessibility of the site."""

    message: Text = Field(min_length=1, max_length=FEEDBACK_MESSAGE_MAX_LENGTH)
    name: Text = Field("", max_length=FEEDBACK_NAME_MAX_LENGTH)
    email: Email | None = None
    page: Text = Field(
        "", max_length=FEEDBACK_PAGE_MAX_LENGTH, description="the page the feedback is about"
    )
    locale: Locale = Locale.DE


class FeedbackReceived(_Model):
    feedback_id: UUID


class FeedbackEntry(_Model):
    """``GET /feedback`` (internal token): the feedback received, newest first."""

    feedback_id: UUID
    message: str
    name: str = ""
    email: str | None = None
    page: str = ""
    locale: Locale = Locale.DE
    received_at: AwareDatetime


class Contact(_Model):
    """``GET /registrations/{id}/contact`` (internal token): for the notification service's
    mails only."""

    registration_id: UUID
    name: str
    email: str
    organisation: str = ""
    locale: Locale = Locale.DE
    cancel_token: str = Field(description="for the cancel link in mails")
