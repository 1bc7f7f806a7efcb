"""What the site does to requests no browser page made: forged forms, an address beyond its
budget, strangers on the desk, and whatever the JSON API's schema allows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin
from uuid import uuid4

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation, Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from devstack.stack import Stack
from tests.e2e.over_http import parse

from .conftest import BUDGET, EventFactory
from .flows import PublicEvent, listed_on, unique_email

CSRF_FIELD = "csrf_token"
MAX_EXAMPLES = 50


def registration_form(html: str, email: str) -> tuple[str, dict[str, str]]:
    """The action of the event page's registration form and a complete, valid filling."""
    form = next(f for f in parse(html).forms if f.method == "post")
    data = {
        **form.fields,
        "name": "Fritz Fälscher",
        "email": email,
        "organisation": "",
        "role": "other",
    }
    data.update(form.checkboxes)
    return form.action, data


@pytest.fixture
async def open_event(make_event: EventFactory) -> PublicEvent:
    return await make_event(title="Markt der guten Ideen – Formulare", capacity=50)


async def test_a_form_without_its_csrf_token_is_refused(
    stack: Stack, open_event: PublicEvent
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        page = await client.get(open_event.path)
        action, data = registration_form(page.text, unique_email("csrf"))
        assert data.get(CSRF_FIELD), "the registration form carries no csrf_token"
        assert any(name.endswith("csrf") for name in client.cookies), client.cookies

        without = {k: v for k, v in data.items() if k != CSRF_FIELD}
        refused = await client.post(urljoin(open_event.path, action), data=without)
        assert refused.status_code == 403, refused.text[:300]
        assert "text/html" in refused.headers["content-type"]

        forged = {**data, CSRF_FIELD: data[CSRF_FIELD][:-4] + "AAAA"}
        assert (await client.post(urljoin(open_event.path, action), data=forged)).status_code == 403

    async with httpx.AsyncClient(base_url=stack.gateway_url) as stranger:  # no cookie
        answer = await stranger.post(urljoin(open_event.path, action), data=data)
        assert answer.status_code == 403

    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        await client.get(open_event.path)  # the cookie, but a form made for someone else
        assert (await client.post(urljoin(open_event.path, action), data=data)).status_code == 403

    async with httpx.AsyncClient(base_url=stack.gateway_url, follow_redirects=False) as client:
        page = await client.get(open_event.path)  # and the genuine form goes through
        action, data = registration_form(page.text, unique_email("csrf.ok"))
        accepted = await client.post(urljoin(open_event.path, action), data=data)
        assert accepted.status_code == 303, accepted.text[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/abmeldung/irgendein-token",
        "/barrierefreiheit/rueckmeldung",
        "/verwaltung/anmelden",
    ],
)
async def test_every_other_form_needs_its_csrf_token(stack: Stack, path: str) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        await client.get("/barrierefreiheit")  # the CSRF cookie, but no token in the form
        answer = await client.post(path, data={"message": "Hallo", "email": "a@example.org"})
        assert answer.status_code == 403, answer.text[:300]


async def test_beyond_the_budget_an_address_is_asked_for_a_challenge(
    limited_gateway: str, open_event: PublicEvent
) -> None:
    """The second gateway takes two registrations from an address, then asks for a solved
    challenge (the budget may have been used up by an earlier test: what counts is how it
    ends). Nothing is refused: the API answers 428 with the challenge, the form comes back."""
    await listed_on(limited_gateway, open_event)
    async with httpx.AsyncClient(base_url=limited_gateway) as client:
        url = f"/api/v1/events/{open_event.event_id}/registrations"
        statuses: list[int] = []
        for attempt in range(BUDGET + 1):
            answer = await client.post(
                url,
                json={
                    "name": f"Eilige Person {attempt}",
                    "email": unique_email("rush"),
                    "privacy_consent": True,
                    "role": "other",
                },
            )
            statuses.append(answer.status_code)
            if answer.status_code == 428:
                break
        assert statuses[-1] == 428, statuses
        assert set(statuses[:-1]) <= {202}, statuses
        assert int(answer.headers["Retry-After"]) > 0
        body = answer.json()
        assert body["code"] == "challenge_required", body
        assert body["message_de"] and body["message_en"]
        assert body["challenge"]["algorithm"] == "SHA-256", body
        assert "?expires=" in body["challenge"]["salt"], body

        page = await client.get(open_event.path)  # the form answers with the form again
        action, data = registration_form(page.text, unique_email("rush.form"))
        challenged = await client.post(urljoin(open_event.path, action), data=data)
        assert challenged.status_code == 428, challenged.text[:300]
        assert "text/html" in challenged.headers["content-type"]
        assert "data-challenge=" in challenged.text
        assert f'value="{data["email"]}"' in challenged.text, "the typed values are kept"


async def test_the_desk_sends_strangers_to_its_login(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        for path in (
            "/verwaltung",
            "/verwaltung/veranstaltungen/neu",
            "/verwaltung/rueckmeldungen",
            f"/verwaltung/veranstaltungen/{uuid4()}/teilnehmende.csv",
        ):
            answer = await client.get(path, follow_redirects=False)
            assert answer.status_code in (302, 303, 307), (path, answer.status_code)
            login = await client.get(path, follow_redirects=True)
            assert login.status_code == 200, (path, login.status_code)
            assert login.url.path == "/verwaltung/anmelden", (path, login.url)
            assert 'type="password"' in login.text, f"{path}: no password field"
            assert "Teilnehmende" not in login.text


def api_operations(stack: Stack) -> list[APIOperation[Any, Any, Any, Any]]:
    """The operations of the gateway's own OpenAPI document under ``/api/v1``."""
    schema = schemathesis.openapi.from_url(f"{stack.gateway_url}/api/openapi.json")
    operations = []
    for result in schema.include(path_regex=r"^/api/v1/").get_all_operations():
        assert isinstance(result, Ok), f"the schema has an invalid operation: {result.err()}"
        operations.append(result.ok())
    assert operations, "the OpenAPI document has no /api/v1 operation"
    return operations


def test_the_api_answers_no_server_error(stack: Stack) -> None:
    """Schemathesis generates requests from the schema (a modest number per operation):
    none may get a 5xx.  Sync on purpose: schemathesis calls with ``requests``."""
    failures: list[str] = []
    calls = 0
    operations = api_operations(stack)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def no_server_error(case: Case[Any]) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(
                base_url=stack.gateway_url, checks=[not_a_server_error], timeout=10
            )

        try:
            no_server_error()
        except Exception as exc:  # every operation gets its turn; report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert calls >= 5 * len(operations), f"only {calls} requests for {len(operations)} operations"
