"""The HTTP adapter for the applications for a stand, against httpx's mock transport: the
contract's paths, bodies and headers, and what a wrong token or a refusal turns into."""

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from contracts.http.stands import StandNeed
from contracts.messages import Locale
from gateway.adapters.registration_http import HttpStandApplications
from gateway.domain.commands import ApplyForStand, OpenStandLink, ShowStands, WithdrawApplication
from gateway.domain.validation import StandApplicant
from gateway.service_layer.ports import (
    RegistrationRefused,
    RegistrationUnavailable,
    StandLinkInvalid,
)

EVENT_ID = uuid.uuid4()
APPLICANT = StandApplicant(
    project_title="Quartierstreff",
    organisation="Stadt Ulm",
    description="Ein Treffpunkt.\n\nMit Café.",
    contact_name="Erika Mustermann",
    email="erika@example.org",
    staff=3,
    needs=(StandNeed.POWER, StandNeed.OTHER),
    needs_other="Zwei Stühle",
    publish_consent=True,
    locale=Locale.EN,
)


def view(**changes):
    return {
        "application_id": str(uuid.uuid4()),
        "event_id": str(EVENT_ID),
        "state": "received",
        "project_title": "Quartierstreff",
        "organisation": "Stadt Ulm",
        "description": "Ein Treffpunkt.",
        "contact_name": "Erika Mustermann",
        "email": "erika@example.org",
        "staff": 3,
        "publish_consent": True,
        "received_at": datetime(2026, 3, 1, tzinfo=UTC).isoformat(),
        **changes,
    }


def adapter(handler) -> HttpStandApplications:
    transport = httpx.MockTransport(handler)
    client = httpx.AsyncClient(transport=transport, base_url="http://registration")
    return HttpStandApplications(client)


async def test_apply_sends_the_contracted_request():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"application": view(), "token": "tok.1", "created": True})

    command = ApplyForStand(EVENT_ID, APPLICANT, "key-12345678", "corr-1")
    receipt = await adapter(handler).apply(command)

    assert receipt.token == "tok.1" and receipt.created
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/stand-applications")
    assert request.headers["Idempotency-Key"] == "key-12345678"
    assert request.headers["X-Correlation-ID"] == "corr-1"
    assert json.loads(request.content) == {
        "event_id": str(EVENT_ID),
        "project_title": "Quartierstreff",
        "organisation": "Stadt Ulm",
        "description": "Ein Treffpunkt.\n\nMit Café.",
        "contact_name": "Erika Mustermann",
        "email": "erika@example.org",
        "staff": 3,
        "needs": ["power", "other"],
        "needs_other": "Zwei Stühle",
        "publish_consent": True,
        "privacy_consent": True,
        "locale": "en",
    }


async def test_a_refused_application_carries_the_services_words():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={"code": "call_not_open", "message_de": "Zu spät", "message_en": "Too late"},
        )

    with pytest.raises(RegistrationRefused) as refused:
        await adapter(handler).apply(ApplyForStand(EVENT_ID, APPLICANT, "key-12345678", "c"))
    assert refused.value.code == "call_not_open"
    assert refused.value.status_code == 422


async def test_the_links_paths_and_a_wrong_token():
    paths: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append((request.method, request.url.raw_path.decode()))
        if b"falsch" in request.url.raw_path:
            return httpx.Response(
                404,
                json={"code": "invalid_token", "message_de": "Unbekannt", "message_en": "Unknown"},
            )
        if request.url.path.endswith("/withdrawal"):
            return httpx.Response(
                200, json={"application": view(state="withdrawn"), "already_withdrawn": False}
            )
        if request.url.path.startswith("/exhibitor-links/"):
            link = {
                "application_id": str(uuid.uuid4()),
                "event_id": str(EVENT_ID),
                "project_title": "Quartierstreff",
                "organisation": "Stadt Ulm",
                "staff": 3,
                "seat": 2,
                "accepted": True,
            }
            return httpx.Response(200, json=link)
        return httpx.Response(200, json=view())

    stands = adapter(handler)
    shown = await stands.application(OpenStandLink("tok.a b", "c"))
    withdrawn = await stands.withdraw(WithdrawApplication("tok.a", "c"))
    link = await stands.exhibitor_link(OpenStandLink("team.1", "c"))
    with pytest.raises(StandLinkInvalid) as invalid:
        await stands.application(OpenStandLink("falsch", "c"))

    assert shown.project_title == "Quartierstreff"
    assert withdrawn.application.state == "withdrawn"
    assert link.seat == 2
    assert invalid.value.message_en == "Unknown"
    assert paths == [
        ("GET", "/stand-applications/tok.a%20b"),
        ("POST", "/stand-applications/tok.a/withdrawal"),
        ("GET", "/exhibitor-links/team.1"),
        ("GET", "/stand-applications/falsch"),
    ]


async def test_public_stands_and_an_outage():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/events/{EVENT_ID}/stands"
        stand = {
            "application_id": str(uuid.uuid4()),
            "project_title": "Quartierstreff",
            "organisation": "Stadt Ulm",
            "description": "Ein Treffpunkt.",
        }
        return httpx.Response(200, json=[stand])

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="starting")

    (stand,) = await adapter(handler).public_stands(ShowStands(EVENT_ID, "c"))
    assert stand.organisation == "Stadt Ulm"
    with pytest.raises(RegistrationUnavailable):
        await adapter(down).public_stands(ShowStands(EVENT_ID, "c"))
