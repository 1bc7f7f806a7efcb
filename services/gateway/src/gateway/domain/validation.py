"""Checks on what a person typed into the registration or feedback form (or sent to the JSON
API), before it goes to the registration service: tidied, and held against the registration
service's own rules (``contracts.http.registration``: the length limits, the e-mail check,
the privacy and the health-data consent), so the form shows every problem at once in the
visitor's words.  A ``Problem`` is the contracts' one (``contracts.http.errors``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import Problem
from contracts.http.registration import (
    ACCESSIBILITY_OTHER_MAX_LENGTH,
    FEEDBACK_MESSAGE_MAX_LENGTH,
    FEEDBACK_NAME_MAX_LENGTH,
    FEEDBACK_PAGE_MAX_LENGTH,
    HEALTH_DATA_CONSENT_MISSING,
    NAME_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    PRIVACY_CONSENT_MISSING,
    health_data_consent_missing,
    privacy_consent_missing,
    valid_email,
)
from contracts.messages import Locale


class InvalidInput(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


EMAIL_INVALID = Problem(
    field="email",
    code="invalid",
    message_de="Bitte geben Sie eine gültige E-Mail-Adresse an.",
    message_en="Please enter a valid email address.",
)


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    organisation: str
    locale: Locale
    role: AttendeeRole = AttendeeRole.OTHER
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    """Health data (GDPR art. 9): only with ``health_data_consent``."""
    accessibility_other: str = ""
    health_data_consent: bool = False


@dataclass(frozen=True)
class Feedback:
    """Feedback on the accessibility of the site; name and e-mail are optional."""

    message: str
    name: str
    email: str | None
    page: str
    locale: Locale


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _too_long(field: str, limit: int, what_de: str, what_en: str) -> Problem:
    return Problem(
        field=field,
        code="too_long",
        message_de=f"{what_de} darf höchstens {limit} Zeichen lang sein.",
        message_en=f"{what_en} must not be longer than {limit} characters.",
    )


def _email(value: str | None) -> str | None:
    """The normalised address (the registration service's one check), or None."""
    try:
        return valid_email(value or "")
    except ValueError:
        return None


def _locale(value: str | None, problems: list[Problem]) -> Locale:
    try:
        return Locale(value or Locale.DE)
    except ValueError:
        problems.append(
            Problem(
                field="locale",
                code="invalid",
                message_de="Die Sprache muss „de“ oder „en“ sein.",
                message_en='The locale must be "de" or "en".',
            )
        )
        return Locale.DE


def _role(value: str | None, problems: list[Problem]) -> AttendeeRole:
    try:
        return AttendeeRole(value or "")
    except ValueError:
        problems.append(
            Problem(
                field="role",
                code="missing" if not value else "invalid",
                message_de="Bitte wählen Sie aus, in welcher Rolle Sie teilnehmen.",
                message_en="Please choose the role in which you take part.",
            )
        )
        return AttendeeRole.OTHER


def _needs(values: Iterable[str], problems: list[Problem]) -> tuple[AccessibilityNeed, ...]:
    """Known needs without repeats, in the order of ``AccessibilityNeed``."""
    chosen = set(values)
    known = {need.value for need in AccessibilityNeed}
    if chosen - known:
        problems.append(
            Problem(
                field="accessibility_needs",
                code="invalid",
                message_de="Bitte wählen Sie nur Angaben aus der Liste.",
                message_en="Please choose only needs from the list.",
            )
        )
    return tuple(need for need in AccessibilityNeed if need.value in chosen)


def validate_attendee(
    *,
    name: str | None,
    email: str | None,
    organisation: str | None,
    privacy_consent: bool,
    role: str | None,
    accessibility_needs: Iterable[str] = (),
    accessibility_other: str | None = None,
    health_data_consent: bool = False,
    locale: str | None = None,
) -> Attendee:
    """The attendee's details, tidied; ``InvalidInput`` lists every problem at once.

    Accessibility needs are health data: they need their own consent, apart from the
    consent to the privacy notice."""
    problems: list[Problem] = []
    clean_name = _clean(name)
    if not clean_name:
        problems.append(
            Problem(
                field="name",
                code="missing",
                message_de="Bitte geben Sie Ihren Namen an.",
                message_en="Please enter your name.",
            )
        )
    elif len(clean_name) > NAME_MAX_LENGTH:
        problems.append(_too_long("name", NAME_MAX_LENGTH, "Der Name", "The name"))
    address = _email(email)
    if address is None:
        problems.append(EMAIL_INVALID)
    clean_organisation = _clean(organisation)
    if len(clean_organisation) > ORGANISATION_MAX_LENGTH:
        problems.append(
            _too_long(
                "organisation",
                ORGANISATION_MAX_LENGTH,
                "Die Angabe zu Organisation/Kommune",
                "The organisation",
            )
        )
    chosen_role = _role(role, problems)
    needs = _needs(accessibility_needs, problems)
    other = _clean(accessibility_other)
    if len(other) > ACCESSIBILITY_OTHER_MAX_LENGTH:
        problems.append(
            _too_long(
                "accessibility_other",
                ACCESSIBILITY_OTHER_MAX_LENGTH,
                "Die Beschreibung",
                "The description",
            )
        )
    if health_data_consent_missing(needs, other, health_data_consent):
        problems.append(HEALTH_DATA_CONSENT_MISSING)
    if privacy_consent_missing(privacy_consent):
        problems.append(PRIVACY_CONSENT_MISSING)
    chosen_locale = _locale(locale, problems)
    if problems:
        raise InvalidInput(problems)
    return Attendee(
        clean_name,
        address or "",
        clean_organisation,
        chosen_locale,
        chosen_role,
        needs,
        other,
        health_data_consent and bool(needs or other),
    )


def validate_feedback(
    *,
    message: str | None,
    name: str | None,
    email: str | None,
    page: str | None,
    locale: Locale,
) -> Feedback:
    """Feedback as typed (line breaks kept), tidied; ``InvalidInput`` lists every problem."""
    problems: list[Problem] = []
    text = (message or "").strip()
    if not text:
        problems.append(
            Problem(
                field="message",
                code="missing",
                message_de="Bitte schreiben Sie uns, was Ihnen aufgefallen ist.",
                message_en="Please tell us what you noticed.",
            )
        )
    elif len(text) > FEEDBACK_MESSAGE_MAX_LENGTH:
        problems.append(
            _too_long("message", FEEDBACK_MESSAGE_MAX_LENGTH, "Die Nachricht", "The message")
        )
    clean_name = _clean(name)
    if len(clean_name) > FEEDBACK_NAME_MAX_LENGTH:
        problems.append(_too_long("name", FEEDBACK_NAME_MAX_LENGTH, "Der Name", "The name"))
    address = _email(email) if (email or "").strip() else None
    if (email or "").strip() and address is None:
        problems.append(EMAIL_INVALID)
    clean_page = _clean(page)
    if len(clean_page) > FEEDBACK_PAGE_MAX_LENGTH:
        problems.append(
            _too_long("page", FEEDBACK_PAGE_MAX_LENGTH, "Die Angabe der Seite", "The page")
        )
    if problems:
        raise InvalidInput(problems)
    return Feedback(text, clean_name, address, clean_page, locale)
