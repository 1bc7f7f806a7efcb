"""Applications for stands on a real Postgres, their messages on the test broker; capacity's
half (the call, the stands taken) is a fake that counts like capacity does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from contracts import messages as m
from contracts import topics
from contracts.http.stands import PUBLIC_DESCRIPTION_MAX_LENGTH
from registration.config import Settings
from registration.entrypoints.http import create_app
from registration.service_layer.unit_of_work import Stands, StandsFull
from tests.support import rows_per_table

from .conftest import TOKEN, body
from .test_http import first_registration_message
from .test_organiser import app_of

INTERNAL = {"X-Internal-Token": TOKEN}
NOW = datetime.now(UTC)


class FakeStands(Stands):
    """An event's call with ``stands`` stands; a stand taken once per application."""

    def __init__(self) -> None:
        self.calls: dict[UUID, m.StandCall] = {}
        self.taken: dict[UUID, set[UUID]] = {}

    def open_call(self, stands: int, *, opens: timedelta = timedelta(days=-1)) -> str:
        event_id = uuid4()
        self.calls[event_id] = m.StandCall(
            opens_at=NOW + opens, closes_at=NOW + opens + timedelta(days=30), stands=stands
        )
        self.taken[event_id] = set()
        return str(event_id)

    async def call(self, event_id: UUID) -> m.StandCall | None:
        return self.calls.get(event_id)

    async def reserve(
        self, event_id: UUID, application_id: UUID, staff: int, revision: int
    ) -> None:
        taken = self.taken[event_id]
        if application_id not in taken and len(taken) >= self.calls[event_id].stands:
            raise StandsFull(event_id)
        taken.add(application_id)


@pytest.fixture
async def market(service_db, broker: str) -> AsyncIterator[tuple[httpx.AsyncClient, FakeStands]]:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=await service_db("registration"),
        kafka_bootstrap=broker,
        internal_token=TOKEN,
        log_json=False,
    )
    stands = FakeStands()
    app = create_app(settings, stands=stands)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registration") as c:
            yield c, stands


def application(event_id: str, **overrides: object) -> dict[str, object]:
    return {
        "event_id": event_id,
        "project_title": "Quartierstreff Nord",
        "organisation": "Stadt Ulm",
        "description": "Ein Treffpunkt für alle Generationen.",
        "contact_name": "Erika Mustermann",
        "email": "erika@example.org",
        "staff": 2,
        "needs": ["power", "table"],
        "publish_consent": True,
        "privacy_consent": True,
        **overrides,
    }


async def apply(client: httpx.AsyncClient, event_id: str, **overrides: object) -> dict[str, Any]:
    answer = await client.post("/stand-applications", json=application(event_id, **overrides))
    assert answer.status_code == 201, answer.text
    receipt: dict[str, Any] = answer.json()
    return receipt


async def decide(
    client: httpx.AsyncClient, event_id: str, application_id: str, decision: str, note: str = ""
) -> httpx.Response:
    return await client.post(
        f"/events/{event_id}/stand-applications/{application_id}/decision",
        json={"decision": decision, "note": note},
        headers=INTERNAL,
    )


async def test_an_application_is_received_seen_and_withdrawn_through_its_link(
    market: tuple[httpx.AsyncClient, FakeStands], broker: str
) -> None:
    client, stands = market
    event_id = stands.open_call(5)
    receipt = await apply(client, event_id, needs_other="Beamer-Leinwand")
    view = receipt["application"]
    assert receipt["created"] and view["state"] == "received"
    assert view["needs"] == ["table", "power", "other"]  # fixed order; words count as other

    def received(payload: m.IntegrationEvent) -> bool:
        return (
            isinstance(payload, m.StandApplicationReceived)
            and str(payload.application_id) == view["application_id"]
        )

    key, _, payload = await first_registration_message(broker, received, topics.STAND_APPLICATIONS)
    assert key == event_id.encode()
    assert isinstance(payload, m.StandApplicationReceived)
    assert (payload.revision, payload.staff) == (1, 2)
    assert "Erika" not in payload.model_dump_json()  # no personal data on the topic

    token = receipt["token"]
    shown = (await client.get(f"/stand-applications/{token}")).json()
    assert shown["project_title"] == "Quartierstreff Nord" and shown["state"] == "received"
    first = (await client.post(f"/stand-applications/{token}/withdrawal")).json()
    again = (await client.post(f"/stand-applications/{token}/withdrawal")).json()
    assert (first["already_withdrawn"], again["already_withdrawn"]) == (False, True)
    assert again["application"]["state"] == "withdrawn"
    refused = await decide(client, event_id, view["application_id"], "accept")
    assert refused.status_code == 409 and refused.json()["code"] == "withdrawn"

    for bad in ("nonsense", token[:-2] + "xx"):
        answer = await client.get(f"/stand-applications/{bad}")
        assert answer.status_code == 404 and answer.json()["code"] == "invalid_token"


async def test_applying_is_refused_outside_the_call_and_without_consent_storing_nothing(
    market: tuple[httpx.AsyncClient, FakeStands],
) -> None:
    client, stands = market
    soon = stands.open_call(5, opens=timedelta(days=2))
    open_ = stands.open_call(5)
    pool = app_of(client).state.pool
    before = await rows_per_table(pool)
    for event_id, overrides, code in [
        (soon, {}, "call_not_open"),
        (str(uuid4()), {}, "call_not_open"),  # no call at all
        (open_, {"privacy_consent": False}, "consent_required"),
        (open_, {"description": "x" * (PUBLIC_DESCRIPTION_MAX_LENGTH + 1)}, "invalid_request"),
        (open_, {"staff": 4}, "invalid_request"),
        (open_, {"email": "not-an-address"}, "invalid_request"),
    ]:
        answer = await client.post("/stand-applications", json=application(event_id, **overrides))
        assert answer.status_code == 422, (overrides, answer.text)
        assert answer.json()["code"] == code, overrides
    assert await rows_per_table(pool) == before


async def test_the_organisers_decide_within_the_stands_and_see_counts_and_filters(
    market: tuple[httpx.AsyncClient, FakeStands],
) -> None:
    client, stands = market
    event_id = stands.open_call(2)
    ids = [
        (await apply(client, event_id, organisation=f"Gemeinde {i % 2}", needs=needs))[
            "application"
        ]["application_id"]
        for i, needs in enumerate([["power"], ["table"], ["power", "screen"], []])
    ]
    assert (await decide(client, event_id, ids[0], "accept", "Willkommen!")).status_code == 200
    assert (await decide(client, event_id, ids[1], "accept")).status_code == 200
    full = await decide(client, event_id, ids[2], "accept")
    assert full.status_code == 409 and full.json()["code"] == "stands_full"
    waiting = (await decide(client, event_id, ids[2], "waitlist", "Sie stehen oben.")).json()
    assert [h["state"] for h in waiting["history"]] == ["received", "waitlisted"]
    assert waiting["history"][-1]["note"] == "Sie stehen oben."
    declined = (await decide(client, event_id, ids[3], "decline")).json()
    repeated = (await decide(client, event_id, ids[3], "decline", "anders")).json()
    assert repeated["revision"] == declined["revision"] == 2  # the same decision: no change

    page = (await client.get(f"/events/{event_id}/stand-applications", headers=INTERNAL)).json()
    assert page["total"] == 4
    assert page["counts"] == {
        "received": 0,
        "accepted": 2,
        "waitlisted": 1,
        "declined": 1,
        "withdrawn": 0,
    }
    assert page["accepted_needs"]["power"] == 1 and page["accepted_needs"]["table"] == 1
    assert page["accepted_staff"] == 4
    assert page["organisations"] == ["Gemeinde 0", "Gemeinde 1"]
    filtered = (
        await client.get(
            f"/events/{event_id}/stand-applications",
            params={"need": "power", "state": ["waitlisted", "accepted"]},
            headers=INTERNAL,
        )
    ).json()
    assert [a["application_id"] for a in filtered["items"]] == [ids[0], ids[2]]
    other = await client.get(f"/events/{uuid4()}/stand-applications/{ids[0]}", headers=INTERNAL)
    assert other.status_code == 404


async def test_accepted_stands_are_public_with_consent_and_their_team_registers_by_link(
    market: tuple[httpx.AsyncClient, FakeStands], broker: str
) -> None:
    client, stands = market
    event_id = stands.open_call(3)
    shown = (await apply(client, event_id, staff=2))["application"]["application_id"]
    hidden = (await apply(client, event_id, publish_consent=False))["application"]["application_id"]
    waiting = (await apply(client, event_id))["application"]["application_id"]
    for application_id in (shown, hidden):
        assert (await decide(client, event_id, application_id, "accept")).status_code == 200
    await decide(client, event_id, waiting, "waitlist")
    public = (await client.get(f"/events/{event_id}/stands")).json()
    assert [s["application_id"] for s in public] == [shown]
    assert set(public[0]) == {"application_id", "project_title", "organisation", "description"}

    contact = (await client.get(f"/stand-applications/{shown}/contact", headers=INTERNAL)).json()
    assert contact["application"]["email"] == "erika@example.org"
    assert len(contact["exhibitor_tokens"]) == 2
    waiting_contact = await client.get(f"/stand-applications/{waiting}/contact", headers=INTERNAL)
    assert waiting_contact.json()["exhibitor_tokens"] == []

    link = contact["exhibitor_tokens"][1]
    assert (await client.get(f"/exhibitor-links/{link}")).json()["seat"] == 2
    staff = body(event_id=event_id, email="team@example.org", exhibitor_token=link)
    first = await client.post("/registrations", json=staff)
    again = await client.post("/registrations", json={**staff, "email": "other@example.org"})
    assert first.status_code == again.status_code == 202
    assert first.json()["registration_id"] == again.json()["registration_id"]  # one per link

    def requested(payload: m.IntegrationEvent) -> bool:
        return (
            isinstance(payload, m.RegistrationRequested)
            and str(payload.registration_id) == first.json()["registration_id"]
        )

    _, _, payload = await first_registration_message(broker, requested)
    assert isinstance(payload, m.RegistrationRequested)
    assert str(payload.stand_application_id) == shown

    await decide(client, event_id, shown, "decline", "Leider doch nicht.")
    late = contact["exhibitor_tokens"][0]
    refused = await client.post(
        "/registrations", json=body(event_id=event_id, email="x@example.org", exhibitor_token=late)
    )
    assert refused.status_code == 409 and refused.json()["code"] == "not_accepted"
    assert (await client.get(f"/exhibitor-links/{late}")).json()["accepted"] is False
    forged = await client.post(
        "/registrations", json=body(event_id=event_id, exhibitor_token="forged.token")
    )
    assert forged.status_code == 409
