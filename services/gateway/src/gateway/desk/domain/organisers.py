"""Organiser accounts: who may use the desk, how long a session lasts, when logins pause.

The gateway keeps identity only (accounts and sessions); events and registrations stay with
the services that own them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from email_validator import EmailNotValidError, validate_email

SESSION_LIFETIME = timedelta(hours=8)
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 5
"""After this many failed logins for one e-mail address or from one client address within
``THROTTLE_WINDOW``, further attempts are refused until the window has moved on."""
MIN_PASSWORD_LENGTH = 12
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Organiser:
    """A person who may use the desk."""

    organiser_id: UUID
    email: str
    name: str


@dataclass(frozen=True)
class Account:
    """An organiser with the argon2 hash of the password."""

    organiser: Organiser
    password_hash: str


@dataclass(frozen=True)
class RecentFailures:
    """Failed logins inside the throttle window, for the e-mail address and the client."""

    for_email: int
    from_client: int

    @property
    def throttled(self) -> bool:
        return max(self.for_email, self.from_client) >= THROTTLE_LIMIT


class InvalidAccount(ValueError):
    """What is wrong with the details for a new or reset account, in German and English."""

    def __init__(self, de: str, en: str) -> None:
        super().__init__(en)
        self.de = de
        self.en = en


def login_email(value: str) -> str:
    """The key an account is found by: trimmed and lower-cased."""
    return value.strip().lower()


def token_hash(token: str) -> bytes:
    """What is stored of a session token: a copy of the table lets nobody in."""
    return hashlib.sha256(token.encode()).digest()


def account_details(email: str, name: str, password: str) -> tuple[str, str]:
    """The normalised e-mail address and name for an account; ``InvalidAccount`` if the
    address is not one, the name is missing or the password is too short."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidAccount(
            "Das ist keine gültige E-Mail-Adresse.", "That is not a valid e-mail address."
        ) from None
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > MAX_NAME_LENGTH:
        raise InvalidAccount(
            f"Bitte geben Sie einen Namen mit höchstens {MAX_NAME_LENGTH} Zeichen an.",
            f"Please give a name of at most {MAX_NAME_LENGTH} characters.",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(
            f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.",
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
        )
    return login_email(address), clean_name
