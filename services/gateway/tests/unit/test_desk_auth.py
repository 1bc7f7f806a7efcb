"""Logging in to the organiser desk: sessions, throttling, the way back to the page asked for."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from argon2 import PasswordHasher

from gateway.app import create_app
from gateway.bootstrap import Overrides
from gateway.config import Settings
from gateway.desk.bootstrap import Desk
from gateway.desk.domain.organisers import Account


class Clock:
    """A clock the test moves forward."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))


def app_client(catalog, registrations, feed, desk: Desk, clock, base_url="http://gateway"):
    settings = Settings(log_json=False)
    overrides = Overrides(catalog=catalog, registrations=registrations, feed=feed, clock=clock)
    app = create_app(settings, overrides, replace(desk, clock=clock))

    async def run() -> AsyncIterator[httpx.AsyncClient]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
                yield http

    return run()


@pytest.fixture
async def http(catalog, registrations, feed, desk, clock):
    async for client in app_client(catalog, registrations, feed, desk, clock):
        yield client


def login_target(response: httpx.Response) -> str | None:
    location = urlsplit(response.headers["location"])
    assert location.path == "/verwaltung/anmelden"
    return parse_qs(location.query).get("weiter", [None])[0]


async def test_desk_pages_send_to_the_login_and_back(http, organiser, log_in, capacity):
    event = capacity.add()
    page = f"/verwaltung/veranstaltungen/{event.event_id}?hinweis=gespeichert"

    redirect = await http.get(page)
    assert redirect.status_code == 303
    assert login_target(redirect) == page
    assert redirect.headers["cache-control"] == "no-store"

    login = await log_in(http, weiter=page)
    assert login.status_code == 303
    assert login.headers["location"] == page
    shown = await http.get(page)
    assert shown.status_code == 200
    assert "Petra Planer" in shown.text
    assert "Die Änderungen sind gespeichert." in shown.text


async def test_without_a_session_every_desk_address_is_closed(http, capacity):
    event = capacity.add()
    base = f"/verwaltung/veranstaltungen/{event.event_id}"
    for path in ("/verwaltung", "/verwaltung/rueckmeldungen", f"{base}/teilnehmende.csv"):
        answer = await http.get(path)
        assert answer.status_code == 303, path
        assert login_target(answer) == path
    live = await http.get(f"{base}/stand.json")
    assert live.status_code == 401
    posted = await http.post(f"{base}/schliessen", data={})
    assert posted.status_code == 303
    assert login_target(posted) == "/verwaltung"
    assert capacity.actions == []


async def test_the_session_cookie_is_locked_down(http, organiser, log_in, organisers):
    login = await log_in(http)

    cookie = login.headers["set-cookie"]
    assert cookie.startswith("quartier_verwaltung=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/verwaltung", "max-age=28800"} <= attributes
    assert "secure" not in attributes  # plain http here
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token.encode() not in b"".join(organisers.sessions)  # only its hash is stored
    assert organisers.last_logins[organiser.organiser_id]


async def test_the_cookie_is_secure_over_https(
    catalog, registrations, feed, desk, clock, organiser, log_in
):
    async for https in app_client(catalog, registrations, feed, desk, clock, "https://gateway"):
        login = await log_in(https)
    assert "secure" in login.headers["set-cookie"].lower()


async def test_a_wrong_password_and_an_unknown_address_look_the_same(http, organiser, log_in):
    wrong = await log_in(http, password="falsches-passwort-123")
    unknown = await log_in(http, email="niemand@example.org")

    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "E-Mail-Adresse oder Passwort ist falsch." in answer.text
        assert 'aria-describedby="password-error"' in answer.text
        assert 'class="error-summary"' in answer.text
        assert "quartier_verwaltung" not in answer.headers.get("set-cookie", "")
    assert 'value="team@example.org"' in wrong.text  # the address stays, the password not
    assert "falsches-passwort" not in wrong.text


async def test_five_failures_for_an_address_pause_its_logins(http, organiser, log_in):
    for _ in range(5):
        assert (await log_in(http, password="falsch-falsch-falsch")).status_code == 401

    throttled = await log_in(http)  # even the right password

    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "900"
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in throttled.text
    assert "quartier_verwaltung" not in throttled.headers.get("set-cookie", "")


async def test_five_failures_from_one_client_pause_its_logins(http, organiser, log_in, clock):
    for number in range(5):
        await log_in(http, email=f"rater{number}@example.org")

    assert (await log_in(http)).status_code == 429
    clock.now += timedelta(minutes=15, seconds=1)
    assert (await log_in(http)).status_code == 303


async def test_a_login_clears_the_failures_of_its_address(http, organiser, log_in):
    for _ in range(4):
        await log_in(http, password="falsch-falsch-falsch")
    assert (await log_in(http)).status_code == 303
    await log_in(http, password="falsch-falsch-falsch")
    assert (await log_in(http)).status_code == 303


async def test_the_session_ends_after_eight_hours(http, organiser, log_in, clock):
    await log_in(http)
    clock.now += timedelta(hours=7, minutes=59)
    assert (await http.get("/verwaltung")).status_code == 200

    clock.now += timedelta(minutes=1)
    expired = await http.get("/verwaltung")
    assert expired.status_code == 303
    assert login_target(expired) == "/verwaltung"


async def test_logging_out_ends_the_session(http, organiser, log_in, organisers, form_token):
    await log_in(http)
    page = await http.get("/verwaltung")

    out = await http.post("/verwaltung/abmelden", data={"csrf_token": form_token(page)})

    assert out.status_code == 303
    assert out.headers["location"] == "/verwaltung/anmelden?abgemeldet=1"
    assert organisers.sessions == {}
    assert (await http.get("/verwaltung")).status_code == 303
    assert "Sie sind abgemeldet." in (await http.get(out.headers["location"])).text


async def test_login_goes_only_to_desk_pages(http, organiser, log_in):
    for target in ("//evil.example/", "https://evil.example/", "/veranstaltungen", "/verwaltungx"):
        login = await log_in(http, weiter=target)
        assert login.headers["location"] == "/verwaltung", target


async def test_the_login_form_needs_its_csrf_token(http, organiser):
    await http.get("/verwaltung/anmelden")
    answer = await http.post(
        "/verwaltung/anmelden",
        data={"email": "team@example.org", "password": "ein-wirklich-langes-passwort"},
    )
    assert answer.status_code == 403


async def test_an_outdated_hash_is_replaced_at_login(http, organiser, organisers, log_in, desk):
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    old_hash = stronger.hash("ein-wirklich-langes-passwort")
    organisers.accounts["team@example.org"] = Account(organiser, old_hash)

    assert (await log_in(http)).status_code == 303

    new_hash = organisers.accounts["team@example.org"].password_hash
    assert new_hash != old_hash
    assert not desk.passwords.needs_rehash(new_hash)


async def test_readiness_includes_the_accounts_database(http, organisers):
    assert (await http.get("/readyz")).status_code == 200
    organisers.healthy = False
    not_ready = await http.get("/readyz")
    assert not_ready.status_code == 503
    assert "database" in not_ready.json()["failed"]


async def test_an_unreachable_accounts_database_is_a_503_page(http, organisers):
    organisers.healthy = False
    page = await http.get("/verwaltung", headers={"Cookie": "quartier_verwaltung=irgendwas"})
    assert page.status_code == 503
    assert "Kontenverwaltung" in page.text
