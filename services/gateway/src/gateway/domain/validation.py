"""Checks on what a person typed into the registration, feedback or stand application form (or
sent to the JSON API), before it goes to the registration service: tidied, and held against
the registration service's own rules (``contracts.http.registration`` and
``contracts.http.stands``: the length limits, the e-mail check, the consents), so the form
shows every problem at once in the visitor's words.  A ``Problem`` is the contracts' one
(``contracts.http.errors``)."""

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
from contracts.http.stands import (
    CONTACT_NAME_MAX_LENGTH,
    MAX_STAFF,
    NEEDS_OTHER_MAX_LENGTH,
    PROJECT_TITLE_MAX_LENGTH,
    PUBLIC_DESCRIPTION_MAX_LENGTH,
    StandNeed,
)
from contracts.http.stands import ORGANISATION_MAX_LENGTH as STAND_ORGANISATION_MAX_LENGTH
from contracts.http.stands import PRIVACY_CONSENT_MISSING as STAND_PRIVACY_CONSENT_MISSING
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


@dataclass(frozen=True)
class StandApplicant:
    """An application for a stand at the Markt der guten Ideen, tidied
    (``contracts.http.stands.NewStandApplication`` without the event)."""

    project_title: str
    organisation: str
    description: str
    """For the public programme; its paragraphs (line breaks) kept."""
    contact_name: str
    email: str
    staff: int
    needs: tuple[StandNeed, ...]
    needs_other: str
    publish_consent: bool
    locale: Locale


def _missing(field: str, message_de: str, message_en: str) -> Problem:
    return Problem(field=field, code="missing", message_de=message_de, message_en=message_en)


def _required_text(
    problems: list[Problem],
    field: str,
    value: str,
    limit: int,
    missing: tuple[str, str],
    what: tuple[str, str],
) -> None:
    """``missing`` (German, English) when ``value`` is empty; too long beyond ``limit``,
    naming ``what`` it is."""
    if not value:
        problems.append(_missing(field, *missing))
    elif len(value) > limit:
        problems.append(_too_long(field, limit, *what))


def multiline(value: str | None) -> str:
    """A text's line breaks as one ``\\n`` each (a browser sends ``\\r\\n``), trimmed: what a
    length limit counts, the same as the form's count while typing."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _description(value: str, problems: list[Problem]) -> None:
    limit = PUBLIC_DESCRIPTION_MAX_LENGTH
    if not value:
        problems.append(
            _missing(
                "description",
                "Bitte beschreiben Sie Ihr Projekt kurz für das Programm.",
                "Please describe your project briefly for the programme.",
            )
        )
    elif len(value) > limit:
        over = len(value) - limit
        problems.append(
            Problem(
                field="description",
                code="too_long",
                message_de=f"Die Kurzbeschreibung darf höchstens {limit} Zeichen lang sein – "
                f"sie ist {over} Zeichen zu lang.",
                message_en=f"The short description must not be longer than {limit} characters "
                f"– it is {over} too long.",
            )
        )


def _staff(value: str | None) -> int | None:
    try:
        staff = int((value or "").strip())
    except ValueError:
        return None
    return staff if 1 <= staff <= MAX_STAFF else None


def _stand_needs(
    values: Iterable[str], other: str, problems: list[Problem]
) -> tuple[StandNeed, ...]:
    """Known needs without repeats, in the order of ``StandNeed``; a description of another
    need counts as ``other`` even without its box ticked."""
    chosen = set(values)
    if chosen - {need.value for need in StandNeed}:
        problems.append(
            Problem(
                field="needs",
                code="invalid",
                message_de="Bitte wählen Sie nur Angaben aus der Liste.",
                message_en="Please choose only needs from the list.",
            )
        )
    if other:
        chosen.add(StandNeed.OTHER.value)
    elif StandNeed.OTHER.value in chosen:
        problems.append(
            _missing(
                "needs_other",
                "Bitte beschreiben Sie, was Sie sonst für Ihren Stand brauchen.",
                "Please describe what else your stand needs.",
            )
        )
    return tuple(need for need in StandNeed if need.value in chosen)


def validate_stand_application(
    *,
    project_title: str | None,
    organisation: str | None,
    description: str | None,
    contact_name: str | None,
    email: str | None,
    staff: str | None,
    needs: Iterable[str] = (),
    needs_other: str | None = None,
    publish_consent: bool = False,
    privacy_consent: bool,
    locale: Locale,
) -> StandApplicant:
    """The application, tidied; ``InvalidInput`` lists every problem at once, in the order of
    the form.  Publishing is optional (without it the stand is listed nowhere public); the
    privacy notice has to be accepted."""
    problems: list[Problem] = []
    title = _clean(project_title)
    _required_text(
        problems,
        "project_title",
        title,
        PROJECT_TITLE_MAX_LENGTH,
        ("Bitte geben Sie den Titel Ihres Projekts an.", "Please enter the title of your project."),
        ("Der Projekttitel", "The project title"),
    )
    kommune = _clean(organisation)
    _required_text(
        problems,
        "organisation",
        kommune,
        STAND_ORGANISATION_MAX_LENGTH,
        (
            "Bitte geben Sie Ihre Kommune oder Organisation an.",
            "Please enter your municipality or organisation.",
        ),
        ("Die Angabe zu Kommune/Organisation", "The organisation"),
    )
    text = multiline(description)
    _description(text, problems)
    contact = _clean(contact_name)
    _required_text(
        problems,
        "contact_name",
        contact,
        CONTACT_NAME_MAX_LENGTH,
        (
            "Bitte geben Sie an, wer Ansprechperson für den Stand ist.",
            "Please name the contact person for the stand.",
        ),
        ("Der Name", "The name"),
    )
    address = _email(email)
    if address is None:
        problems.append(EMAIL_INVALID)
    people = _staff(staff)
    if people is None:
        problems.append(
            Problem(
                field="staff",
                code="invalid",
                message_de=f"Bitte wählen Sie, wie viele Personen (1 bis {MAX_STAFF}) den Stand "
                "betreuen.",
                message_en=f"Please choose how many people (1 to {MAX_STAFF}) staff the stand.",
            )
        )
    other = _clean(needs_other)
    chosen = _stand_needs(needs, other, problems)
    if len(other) > NEEDS_OTHER_MAX_LENGTH:
        problems.append(
            _too_long("needs_other", NEEDS_OTHER_MAX_LENGTH, "Die Beschreibung", "The description")
        )
    if not privacy_consent:
        problems.append(STAND_PRIVACY_CONSENT_MISSING)
    if problems:
        raise InvalidInput(problems)
    return StandApplicant(
        project_title=title,
        organisation=kommune,
        description=text,
        contact_name=contact,
        email=address or "",
        staff=people or 1,
        needs=chosen,
        needs_other=other,
        publish_consent=publish_consent,
        locale=locale,
    )
