"""Organiser accounts, sessions and failed logins on a real, migrated gateway database; and
``gateway-admin`` writing to it."""

import concurrent.futures
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from gateway.desk.adapters.organisers import PostgresOrganisers
from gateway.desk.adapters.passwords import Argon2Passwords
from gateway.desk.domain.commands import LogIn, OpenSession
from gateway.desk.domain.organisers import token_hash
from gateway.desk.entrypoints import admin as desk_admin
from gateway.desk.entrypoints.admin import AccountStore
from gateway.desk.service_layer.organisers import LoginFailed, log_in, session_organiser
from gateway.desk.service_layer.ports import OrganiserStoreUnavailable

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def dsn(service_db) -> str:
    return await service_db("gateway")


@pytest.fixture
async def organisers(dsn) -> AsyncIterator[PostgresOrganisers]:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    yield PostgresOrganisers(pool)
    await pool.close()


async def test_accounts_are_created_and_reset(organisers):
    assert await organisers.save_account("team@example.org", "Petra", "hash-1", NOW)
    account = await organisers.account("team@example.org")
    assert account is not None
    assert (account.organiser.name, account.password_hash) == ("Petra", "hash-1")
    await organisers.open_session(
        b"t" * 32, account.organiser.organiser_id, NOW, NOW + timedelta(hours=8)
    )

    assert not await organisers.save_account("team@example.org", "Petra P.", "hash-2", NOW)

    again = await organisers.account("team@example.org")
    assert again is not None
    assert again.organiser.organiser_id == account.organiser.organiser_id
    assert (again.organiser.name, again.password_hash) == ("Petra P.", "hash-2")
    assert await organisers.session_organiser(b"t" * 32, NOW) is None  # reset ends sessions
    assert await organisers.account("other@example.org") is None


async def test_the_database_refuses_mixed_case_addresses(organisers):
    with pytest.raises(asyncpg.CheckViolationError):
        await organisers.save_account("Team@Example.org", "Petra", "hash", NOW)


async def test_sessions_last_until_they_expire_or_end(organisers):
    await organisers.save_account("team@example.org", "Petra", "hash", NOW)
    account = await organisers.account("team@example.org")
    assert account is not None
    organiser_id = account.organiser.organiser_id
    await organisers.open_session(b"a" * 32, organiser_id, NOW, NOW + timedelta(hours=8))
    await organisers.open_session(b"b" * 32, organiser_id, NOW, NOW + timedelta(hours=8))

    found = await organisers.session_organiser(b"a" * 32, NOW + timedelta(hours=7))
    assert found == account.organiser
    assert await organisers.session_organiser(b"a" * 32, NOW + timedelta(hours=8)) is None
    await organisers.close_session(b"b" * 32)
    assert await organisers.session_organiser(b"b" * 32, NOW) is None
    assert await organisers.session_organiser(b"x" * 32, NOW) is None


async def test_failures_count_per_address_and_client_within_the_window(organisers):
    for minute in range(3):
        await organisers.record_failure(
            "a@example.org", "10.0.0.1", NOW + timedelta(minutes=minute)
        )
    await organisers.record_failure("b@example.org", "10.0.0.1", NOW)
    await organisers.record_failure("a@example.org", "10.0.0.2", NOW - timedelta(hours=1))

    counts = await organisers.recent_failures(
        "a@example.org", "10.0.0.1", NOW - timedelta(minutes=15)
    )
    assert (counts.for_email, counts.from_client) == (3, 4)

    await organisers.clear_failures("a@example.org")
    counts = await organisers.recent_failures("a@example.org", "10.0.0.1", NOW - timedelta(days=1))
    assert (counts.for_email, counts.from_client) == (0, 1)


async def test_logging_in_against_the_database(organisers):
    passwords = Argon2Passwords()
    await organisers.save_account(
        "team@example.org", "Petra", await passwords.hash("ein-langes-passwort"), NOW
    )

    accounts = AccountStore(organisers, passwords)
    session = await log_in(LogIn("TEAM@example.org", "ein-langes-passwort", "::1", NOW), accounts)

    assert await session_organiser(OpenSession(session.token, NOW), organisers) == session.organiser
    assert await organisers.session_organiser(token_hash(session.token), NOW) is not None
    with pytest.raises(LoginFailed):
        await log_in(LogIn("team@example.org", "falsch-falsch", "::1", NOW), accounts)
    counts = await organisers.recent_failures("team@example.org", "::1", NOW - timedelta(minutes=1))
    assert counts.for_email == 1
    await organisers.check()


async def test_an_unreachable_database_is_unavailable():
    pool = await asyncpg.create_pool("postgresql://postgres@127.0.0.1:9/x", min_size=0, max_size=1)
    with pytest.raises(OrganiserStoreUnavailable):
        await PostgresOrganisers(pool).check()
    await pool.close()


def run_admin(monkeypatch, capsys, dsn_file, **env: str) -> tuple[int, str, str]:
    for name in ("GATEWAY_DATABASE_URL", "ADMIN_EMAIL", "ADMIN_NAME", "ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.argv", ["gateway-admin", "--dsn-file", str(dsn_file)])
    code = 0
    try:
        desk_admin.main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


async def test_gateway_admin_creates_then_resets_an_account(
    dsn, organisers, monkeypatch, capsys, tmp_path
):
    dsn_file = tmp_path / "gateway-database-url"
    dsn_file.write_text(dsn + "\n")  # what a running `make run` leaves
    account = {"ADMIN_EMAIL": "Admin@Example.org", "ADMIN_NAME": "Ada Admin"}

    code, out, _ = await_in_thread(
        run_admin, monkeypatch, capsys, dsn_file, **account, ADMIN_PASSWORD="zwölf-zeichen!"
    )
    assert code == 0
    assert "Konto für admin@example.org angelegt" in out
    first = await organisers.account("admin@example.org")
    assert first is not None and first.organiser.name == "Ada Admin"

    code, out, _ = await_in_thread(
        run_admin, monkeypatch, capsys, dsn_file, **account, ADMIN_PASSWORD="ein-neues-passwort"
    )
    assert code == 0
    assert "Passwort wurden neu gesetzt" in out
    second = await organisers.account("admin@example.org")
    assert second is not None and second.password_hash != first.password_hash

    code, _, err = await_in_thread(
        run_admin, monkeypatch, capsys, dsn_file, **account, ADMIN_PASSWORD="zu-kurz"
    )
    assert code == 1
    assert "mindestens 12 Zeichen" in err


async def test_gateway_admin_says_when_the_database_is_not_there(monkeypatch, capsys, tmp_path):
    code, _, err = await_in_thread(
        run_admin,
        monkeypatch,
        capsys,
        tmp_path / "missing",
        GATEWAY_DATABASE_URL="postgresql://postgres:geheim@127.0.0.1:9/quartier_gateway",
        ADMIN_EMAIL="a@example.org",
        ADMIN_NAME="A",
        ADMIN_PASSWORD="lang-genug-1234",
    )
    assert code == 2
    assert "Läuft `make run`?" in err
    assert "geheim" not in err


def await_in_thread(function, *args, **kwargs):
    """``gateway-admin`` runs its own event loop: call it outside the test's loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
