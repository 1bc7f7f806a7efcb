"""Checks on what a person typed into the registration or feedback form (or sent to the JSON
API)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.messages import Locale

MAX_LENGTH = 200
MAX_OTHER_NEED_LENGTH = 500
MAX_FEEDBACK_LENGTH = 5000
MAX_PAGE_LENGTH = 500


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, in German and English."""

    field: str
    code: str
    de: str
    en: str


class InvalidInput(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


HEALTH_CONSENT_MISSING = Problem(
    "health_data_consent",
    "health_consent_required",
    "Für Angaben zur Barrierefreiheit brauchen wir Ihre ausdrückliche Einwilligung. Bitte "
    "willigen Sie ein – oder lassen Sie die Angaben zur Barrierefreiheit weg.",
    "We need your explicit consent for accessibility needs. Please give it – or leave the "
    "accessibility needs out.",
)
EMAIL_INVALID = Problem(
    "email",
    "invalid",
    "Bitte geben Sie eine gültige E-Mail-Adresse an.",
    "Please enter a valid email address.",
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
        field,
        "too_long",
        f"{what_de} darf höchstens {limit} Zeichen lang sein.",
        f"{what_en} must not be longer than {limit} characters.",
    )


def _email(value: str | None) -> str | None:
    """The normalised address, or None if it is not one."""
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _locale(value: str | None, problems: list[Problem]) -> Locale:
    try:
        return Locale(value or Locale.DE)
    except ValueError:
        problems.append(
            Problem(
                "locale",
                "invalid",
                "Die Sprache muss „de“ oder „en“ sein.",
                'The locale must be "de" or "en".',
            )
        )
        return Locale.DE


def _role(value: str | None, problems: list[Problem]) -> AttendeeRole:
    try:
        return AttendeeRole(value or "")
    except ValueError:
        problems.append(
            Problem(
                "role",
                "missing" if not value else "invalid",
                "Bitte wählen Sie aus, in welcher Rolle Sie teilnehmen.",
                "Please choose the role in which you take part.",
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
                "accessibility_needs",
                "invalid",
                "Bitte wählen Sie nur Angaben aus der Liste.",
                "Please choose only needs from the list.",
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
            Problem("name", "missing", "Bitte geben Sie Ihren Namen an.", "Please enter your name.")
        )
    elif len(clean_name) > MAX_LENGTH:
        problems.append(_too_long("name", MAX_LENGTH, "Der Name", "The name"))
    address = _email(email)
    if address is None:
        problems.append(EMAIL_INVALID)
    clean_organisation = _clean(organisation)
    if len(clean_organisation) > MAX_LENGTH:
        problems.append(
            _too_long(
                "organisation",
                MAX_LENGTH,
                "Die Angabe zu Organisation/Kommune",
                "The organisation",
            )
        )
    chosen_role = _role(role, problems)
    needs = _needs(accessibility_needs, problems)
    other = _clean(accessibility_other)
    if len(other) > MAX_OTHER_NEED_LENGTH:
        problems.append(
            _too_long(
                "accessibility_other",
                MAX_OTHER_NEED_LENGTH,
                "Die Beschreibung",
                "The description",
            )
        )
    if (needs or other) and not health_data_consent:
        problems.append(HEALTH_CONSENT_MISSING)
    if not privacy_consent:
        problems.append(
            Problem(
                "privacy_consent",
                "missing",
                "Bitte stimmen Sie der Datenschutzerklärung zu.",
                "Please accept the privacy policy.",
            )
        )
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
                "message",
                "missing",
                "Bitte schreiben Sie uns, was Ihnen aufgefallen ist.",
                "Please tell us what you noticed.",
            )
        )
    elif len(text) > MAX_FEEDBACK_LENGTH:
        problems.append(_too_long("message", MAX_FEEDBACK_LENGTH, "Die Nachricht", "The message"))
    clean_name = _clean(name)
    if len(clean_name) > MAX_LENGTH:
        problems.append(_too_long("name", MAX_LENGTH, "Der Name", "The name"))
    address = _email(email) if (email or "").strip() else None
    if (email or "").strip() and address is None:
        problems.append(EMAIL_INVALID)
    clean_page = _clean(page)
    if len(clean_page) > MAX_PAGE_LENGTH:
        problems.append(_too_long("page", MAX_PAGE_LENGTH, "Die Angabe der Seite", "The page"))
    if problems:
        raise InvalidInput(problems)
    return Feedback(text, clean_name, address, clean_page, locale)
