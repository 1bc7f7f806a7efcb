"""``gateway-admin`` (``make admin``): create an organiser account for the desk
(``/verwaltung``), or give an existing one a new name and password.

Asks for e-mail address, name and password (twice), or takes ``ADMIN_EMAIL``,
``ADMIN_NAME`` and ``ADMIN_PASSWORD`` from the environment.  The database is
``GATEWAY_DATABASE_URL`` if set, else the one a running ``make run`` wrote to
``.data/gateway-database-url``, else the gateway's default.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from gateway.config import AccountsDatabase, AdminInput
from gateway.desk.adapters.organisers import PostgresOrganisers
from gateway.desk.adapters.passwords import Argon2Passwords
from gateway.desk.domain.commands import SaveOrganiser
from gateway.desk.domain.organisers import MIN_PASSWORD_LENGTH, InvalidAccount
from gateway.desk.service_layer.organisers import save_organiser
from gateway.desk.service_layer.ports import OrganiserStoreUnavailable
from servicekit.logging import configure

DEVSTACK_DSN_FILE = Path(".data") / "gateway-database-url"
PASSWORD_TRIES = 3
T = TypeVar("T")


class Stop(Exception):
    """End with this message (German / English) and exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def database_url(settings: AccountsDatabase, dsn_file: Path) -> str:
    """``GATEWAY_DATABASE_URL`` if given, else what ``make run`` left in ``dsn_file``."""
    if "database_url" not in settings.model_fields_set and dsn_file.is_file():
        return dsn_file.read_text().strip() or settings.database_url
    return settings.database_url


def without_password(dsn: str) -> str:
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        raise Stop(
            "Keine Eingabe möglich: setzen Sie ADMIN_EMAIL, ADMIN_NAME und ADMIN_PASSWORD. / "
            "No input possible: set ADMIN_EMAIL, ADMIN_NAME and ADMIN_PASSWORD."
        ) from None


def ask_password() -> str:
    """The new password, typed twice without echo, at least ``MIN_PASSWORD_LENGTH`` long."""
    for _ in range(PASSWORD_TRIES):
        password = getpass.getpass(
            f"Passwort / password (mindestens / at least {MIN_PASSWORD_LENGTH}): "
        )
        if len(password) < MIN_PASSWORD_LENGTH:
            say(
                f"Zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen. / "
                f"Too short: at least {MIN_PASSWORD_LENGTH} characters."
            )
        elif getpass.getpass("Passwort wiederholen / repeat password: ") != password:
            say("Die beiden Eingaben stimmen nicht überein. / The two entries differ.")
        else:
            return password
    raise Stop("Kein Passwort gesetzt. / No password set.")


def account_input(given: AdminInput) -> tuple[str, str, str]:
    """E-mail address, name and password: from the environment, the rest asked for."""
    email = given.email or ask("E-Mail-Adresse / e-mail address: ")
    name = given.name or ask("Name / name: ")
    password = given.password.get_secret_value() or ask_password()
    return email, name, password


async def with_store(dsn: str, use: Callable[[PostgresOrganisers], Awaitable[T]]) -> T:
    pool = await asyncpg.create_pool(dsn, min_size=0, max_size=1, timeout=5)
    try:
        return await use(PostgresOrganisers(pool))
    finally:
        await pool.close()


def in_store(dsn: str, use: Callable[[PostgresOrganisers], Awaitable[T]]) -> T:
    """Run ``use`` on the account store; a database that cannot be used ends the program."""
    try:
        return asyncio.run(with_store(dsn, use))
    except OrganiserStoreUnavailable:
        raise Stop(
            f"Die Datenbank der Verwaltung ({without_password(dsn)}) ist nicht erreichbar. "
            "Läuft `make run`? / The desk's database cannot be reached. Is `make run` running?",
            code=2,
        ) from None
    except asyncpg.PostgresError as exc:
        raise Stop(
            f"Die Datenbank der Verwaltung ({without_password(dsn)}) ist nicht eingerichtet "
            f"({type(exc).__name__}). Läuft `make run`? / The desk's database is not set up. "
            "Is `make run` running?",
            code=2,
        ) from None


@dataclass(frozen=True)
class AccountStore:
    """The accounts database with the desk's password hashing (what ``save_organiser`` uses)."""

    organisers: PostgresOrganisers
    passwords: Argon2Passwords = field(default_factory=Argon2Passwords)


def run(dsn_file: Path) -> str:
    """Save the account; what to tell the person."""
    dsn = database_url(AccountsDatabase(), dsn_file)
    in_store(dsn, lambda organisers: organisers.check())
    email, name, password = account_input(AdminInput())
    now = datetime.now(UTC)
    try:
        address, created = in_store(
            dsn,
            lambda organisers: save_organiser(
                SaveOrganiser(email, name, password, now), AccountStore(organisers)
            ),
        )
    except InvalidAccount as exc:
        raise Stop(f"{exc.de} / {exc.en}") from None
    if created:
        return (
            f"Konto für {address} angelegt: Anmeldung unter /verwaltung/anmelden. / "
            f"Account for {address} created: log in at /verwaltung/anmelden."
        )
    return (
        f"Das Konto für {address} gab es schon: Name und Passwort wurden neu gesetzt, "
        "bestehende Sitzungen beendet. / "
        f"The account for {address} already existed: its name and password were reset "
        "and its sessions ended."
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="gateway-admin", description=__doc__)
    parser.add_argument(
        "--dsn-file",
        type=Path,
        default=DEVSTACK_DSN_FILE,
        help="where `make run` leaves the database address (default: %(default)s)",
    )
    args = parser.parse_args()
    configure("gateway-admin", level="WARNING", json=False)
    try:
        say(run(args.dsn_file))
    except Stop as exc:
        sys.stderr.write(exc.message + "\n")
        sys.exit(exc.code)
    except KeyboardInterrupt:
        sys.exit(130)
