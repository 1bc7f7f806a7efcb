"""A registration and how seat decisions and cancellations change it. Pure Python; the
status, the cancel reasons and the rules about an attendee's data (consents, limits) are the
API contract's own (``contracts.http.registration``), shared with the callers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import (
    ACTIVE,
    CancelReason,
    RegistrationStatus,
    health_data_consent_missing,
)

__all__ = [
    "ACTIVE",
    "LIST_ORDER",
    "Accessibility",
    "AccessibilityReport",
    "CancelReason",
    "Feedback",
    "HealthConsentMissing",
    "NotActive",
    "Ranking",
    "Registration",
    "RegistrationStatus",
    "normalize_email",
    "ranking",
]

LIST_ORDER = (*ACTIVE, RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED)
"""The organisers' list: seats first, then pending, the waiting list, the ones that ended."""


Ranking = dict[UUID, list[UUID]]
"""Per choice slot of the programme (``slot_id``), the sessions a person asks for, best
first; capacity decides who holds which session."""


class HealthConsentMissing(Exception):
    """Accessibility needs were given without the explicit consent to keep health data."""


class NotActive(Exception):
    """The registration no longer holds or waits for a seat (cancelled or rejected)."""


def ranking(choices: Mapping[UUID, Sequence[UUID]]) -> Ranking:
    """The sessions per slot in the order given, a session named twice kept at its better
    rank."""
    return {slot: list(dict.fromkeys(sessions)) for slot, sessions in choices.items()}


@dataclass(frozen=True)
class Accessibility:
    """What an attendee needs to take part. Health data (GDPR art. 9): kept only with its own
    consent (``consent_at``); nothing at all when no need is declared."""

    needs: tuple[AccessibilityNeed, ...] = ()
    other: str = ""
    consent_at: datetime | None = None

    @classmethod
    def declare(
        cls, needs: Iterable[AccessibilityNeed], other: str, *, consent: bool, at: datetime
    ) -> Accessibility:
        """Needs without repeats in a fixed order; a free-text need counts as ``other``.

        Raises ``HealthConsentMissing`` when needs are declared without consent."""
        other = other.strip()
        needs = tuple(needs)
        if health_data_consent_missing(needs, other, consent):
            raise HealthConsentMissing
        declared = set(needs) | ({AccessibilityNeed.OTHER} if other else set())
        if not declared:
            return cls()
        return cls(tuple(n for n in AccessibilityNeed if n in declared), other, at)


@dataclass(frozen=True)
class AccessibilityReport:
    """How many active registrations of an event declared which needs: counts, no names."""

    event_id: UUID
    active_registrations: int
    with_needs: int
    needs: dict[AccessibilityNeed, int]

    @classmethod
    def count(
        cls, event_id: UUID, active: int, with_needs: int, per_need: Mapping[str, int]
    ) -> AccessibilityReport:
        """The report with every need listed, zero when nobody declared it."""
        needs = {need: per_need.get(need, 0) for need in AccessibilityNeed}
        return cls(event_id, active, with_needs, needs)


def normalize_email(email: str) -> str:
    """The form used to recognise the same person twice: trimmed, NFC, lower case."""
    return unicodedata.normalize("NFC", email.strip()).lower()


@dataclass
class Registration:
    registration_id: UUID
    event_id: UUID
    name: str
    email: str
    organisation: str
    locale: str
    idempotency_key: str
    privacy_consent_at: datetime
    created_at: datetime
    status: RegistrationStatus = RegistrationStatus.PENDING
    waitlisted_at: datetime | None = None
    rejection_reason: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: CancelReason | None = None
    role: AttendeeRole = AttendeeRole.OTHER
    accessibility: Accessibility = field(default_factory=Accessibility)
    choices: Ranking = field(default_factory=dict)
    stand_application_id: UUID | None = None
    """A stand's staff member: the accepted application whose contingent seats them."""

    @property
    def email_normalized(self) -> str:
        return normalize_email(self.email)

    @property
    def cancelled(self) -> bool:
        return self.status is RegistrationStatus.CANCELLED

    @property
    def active(self) -> bool:
        """Holds or waits for a seat."""
        return self.status in ACTIVE

    def rank(self, choices: Mapping[UUID, Sequence[UUID]]) -> Ranking:
        """Rank the sessions of the slots named anew (the others keep their ranking) and
        return the new ranking of those slots; raises ``NotActive`` once the registration
        has ended."""
        if not self.active:
            raise NotActive
        changed = ranking(choices)
        self.choices = {**self.choices, **changed}
        return changed

    def confirm(self) -> None:
        if not self.cancelled:
            self.status = RegistrationStatus.CONFIRMED
            self.waitlisted_at = None

    def waitlist(self, at: datetime) -> None:
        """On the waiting list since ``at``: the order of the list."""
        if not self.cancelled:
            self.status = RegistrationStatus.WAITLISTED
            self.waitlisted_at = at

    def reject(self, reason: str) -> None:
        if not self.cancelled:
            self.status = RegistrationStatus.REJECTED
            self.rejection_reason = reason

    def cancel(self, at: datetime, reason: CancelReason = CancelReason.ATTENDEE) -> bool:
        """Cancel; False when there is nothing to cancel (already cancelled or rejected)."""
        if self.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
            return False
        self.status = RegistrationStatus.CANCELLED
        self.waitlisted_at = None
        self.cancelled_at = at
        self.cancel_reason = reason
        return True


@dataclass(frozen=True)
class Feedback:
    """A message sent from the accessibility statement; name and e-mail are optional."""

    feedback_id: UUID
    message: str
    name: str
    email: str
    page: str
    locale: str
    received_at: datetime
