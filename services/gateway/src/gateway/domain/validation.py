"""Checks on what a person typed into the registration form (or sent to the JSON API)."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from contracts.messages import Locale

MAX_LENGTH = 200


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


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    organisation: str
    locale: Locale


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def validate_attendee(
    *,
    name: str | None,
    email: str | None,
    organisation: str | None,
    privacy_consent: bool,
    locale: str | None = None,
) -> Attendee:
    """The attendee's details, tidied; ``InvalidInput`` lists every problem at once."""
    problems: list[Problem] = []
    clean_name = _clean(name)
    if not clean_name:
        problems.append(
            Problem("name", "missing", "Bitte geben Sie Ihren Namen an.", "Please enter your name.")
        )
    elif len(clean_name) > MAX_LENGTH:
        problems.append(
            Problem(
                "name",
                "too_long",
                f"Der Name darf höchstens {MAX_LENGTH} Zeichen lang sein.",
                f"The name must not be longer than {MAX_LENGTH} characters.",
            )
        )
    address = ""
    try:
        address = validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        problems.append(
            Problem(
                "email",
                "invalid",
                "Bitte geben Sie eine gültige E-Mail-Adresse an.",
                "Please enter a valid email address.",
            )
        )
    clean_organisation = _clean(organisation)
    if len(clean_organisation) > MAX_LENGTH:
        problems.append(
            Problem(
                "organisation",
                "too_long",
                f"Die Angabe zu Organisation/Kommune darf höchstens {MAX_LENGTH} Zeichen "
                "lang sein.",
                f"The organisation must not be longer than {MAX_LENGTH} characters.",
            )
        )
    if not privacy_consent:
        problems.append(
            Problem(
                "privacy_consent",
                "missing",
                "Bitte stimmen Sie der Datenschutzerklärung zu.",
                "Please accept the privacy policy.",
            )
        )
    try:
        chosen_locale = Locale(locale or Locale.DE)
    except ValueError:
        chosen_locale = Locale.DE
        problems.append(
            Problem(
                "locale",
                "invalid",
                "Die Sprache muss „de“ oder „en“ sein.",
                'The locale must be "de" or "en".',
            )
        )
    if problems:
        raise InvalidInput(problems)
    return Attendee(clean_name, address, clean_organisation, chosen_locale)
