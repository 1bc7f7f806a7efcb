"""Organiser accounts, each ``use_case(command, accounts)``: create or reset one, log in
(throttled), find a session, log out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import structlog

from gateway.desk.domain.commands import LogIn, LogOut, OpenSession, SaveOrganiser
from gateway.desk.domain.organisers import (
    SESSION_LIFETIME,
    THROTTLE_WINDOW,
    Organiser,
    account_details,
    login_email,
    token_hash,
)
from gateway.desk.service_layer.ports import Accounts, Organisers

log = structlog.get_logger(__name__)


class LoginFailed(Exception):
    """Unknown e-mail address or wrong password: the person is not told which."""


class LoginThrottled(Exception):
    """Too many failed logins for this e-mail address or from this client lately."""


@dataclass(frozen=True)
class Session:
    """A fresh session: the token goes into the cookie, only its hash into the database."""

    organiser: Organiser
    token: str


async def save_organiser(command: SaveOrganiser, accounts: Accounts) -> tuple[str, bool]:
    """Create the account, or reset name and password of an existing one (its sessions
    end): the account's e-mail address and whether it was created.  ``InvalidAccount``
    says what is wrong with the details."""
    address, clean_name = account_details(command.email, command.name, command.password)
    created = await accounts.organisers.save_account(
        address, clean_name, await accounts.passwords.hash(command.password), command.at
    )
    log.info("organiser account saved", created=created)
    return address, created


async def log_in(command: LogIn, accounts: Accounts) -> Session:
    """A new session for the organiser, or ``LoginFailed`` / ``LoginThrottled``.

    Throttling is checked before the password, so guessing on goes nowhere; an unknown
    address takes as long as a wrong password."""
    organisers, passwords, now = accounts.organisers, accounts.passwords, command.at
    client_ip, password = command.client_ip, command.password
    address = login_email(command.email)
    failures = await organisers.recent_failures(address, client_ip, now - THROTTLE_WINDOW)
    if failures.throttled:
        log.warning("login throttled")
        raise LoginThrottled()
    account = await organisers.account(address)
    matches = await passwords.verify(account.password_hash if account else None, password)
    if account is None or not matches:
        await organisers.record_failure(address, client_ip, now)
        log.info("login failed")
        raise LoginFailed()
    organiser = account.organiser
    fresh_hash = None
    if passwords.needs_rehash(account.password_hash):
        fresh_hash = await passwords.hash(password)
    await organisers.record_login(organiser.organiser_id, now, fresh_hash)
    await organisers.clear_failures(address)
    token = secrets.token_urlsafe(32)
    await organisers.open_session(
        token_hash(token), organiser.organiser_id, now, now + SESSION_LIFETIME
    )
    log.info("organiser logged in", organiser_id=str(organiser.organiser_id))
    return Session(organiser, token)


async def session_organiser(query: OpenSession, organisers: Organisers) -> Organiser | None:
    """Whose session the cookie's token opens, if it has not expired."""
    if not query.token:
        return None
    return await organisers.session_organiser(token_hash(query.token), query.at)


async def log_out(command: LogOut, organisers: Organisers) -> None:
    if command.token:
        await organisers.close_session(token_hash(command.token))
