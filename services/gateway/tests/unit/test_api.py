"""The public JSON API against a fake catalogue and a fake registration service."""

import uuid

from contracts.messages import EventStatus
from gateway.domain.registration import RegistrationState, RegistrationStatus
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

BODY = {
    "name": "Jane Doe",
    "email": "jane@example.org",
    "organisation": "City of Ulm",
    "privacy_consent": True,
    "locale": "en",
}


async def test_events_are_listed_soonest_first_without_cancelled_ones(client, add_event):
    event = add_event(title="Fachtag Quartier 2026", seats_left=12)
    add_event(title="Abgesagt", status=EventStatus.CANCELLED)

    response = await client.get("/api/v1/events")

    assert response.status_code == 200
    (listed,) = response.json()["events"]
    assert listed["event_id"] == str(event.event_id)
    assert listed["kind"] == "fachtag"
    assert listed["kind_label"] == "Fachtag"
    assert listed["seats_left"] == 12
    assert listed["availability"] == "seats"
    assert listed["registration_open"] is True
    assert listed["url"] == f"https://veranstaltungen.example/veranstaltungen/{event.event_id}"


async def test_one_event_or_404(client, add_event):
    event = add_event()
    found = await client.get(f"/api/v1/events/{event.event_id}")
    assert found.status_code == 200
    assert found.json()["title"] == event.title
    for missing in (uuid.uuid4(), "no-uuid"):
        response = await client.get(f"/api/v1/events/{missing}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert (await client.get("/api/v1/nothing-here")).json()["code"] == "not_found"


async def test_register_answers_202_with_the_status_url(client, add_event, registrations):
    event = add_event()

    response = await client.post(
        f"/api/v1/events/{event.event_id}/registrations",
        json=BODY,
        headers={"Idempotency-Key": "client-key-0001", "X-Correlation-ID": "corr-api"},
    )

    assert response.status_code == 202
    body = response.json()
    registration_id = registrations.ids["client-key-0001"]
    assert body == {
        "registration_id": str(registration_id),
        "status": "pending",
        "status_url": f"/api/v1/registrations/{registration_id}",
    }
    assert response.headers["location"] == (
        f"https://veranstaltungen.example/api/v1/registrations/{registration_id}"
    )
    (command,) = registrations.submitted
    assert command.correlation_id == "corr-api"
    assert command.attendee.locale == "en"
    again = await client.post(
        f"/api/v1/events/{event.event_id}/registrations",
        json=BODY,
        headers={"Idempotency-Key": "client-key-0001"},
    )
    assert again.json()["registration_id"] == str(registration_id)


async def test_without_idempotency_key_each_request_is_new(client, add_event, registrations):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    first = await client.post(url, json=BODY)
    second = await client.post(url, json=BODY)
    assert first.json()["registration_id"] != second.json()["registration_id"]


async def test_invalid_input_gets_german_and_english_messages(client, add_event, registrations):
    event = add_event()
    response = await client.post(
        f"/api/v1/events/{event.event_id}/registrations",
        json={"name": "", "email": "nope", "privacy_consent": False},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    errors = {error["field"]: error for error in body["errors"]}
    assert errors["email"]["message_de"] == "Bitte geben Sie eine gültige E-Mail-Adresse an."
    assert errors["email"]["message_en"] == "Please enter a valid email address."
    assert errors["name"]["message_en"] == "Please enter your name."
    assert errors["privacy_consent"]["message_de"] == (
        "Bitte stimmen Sie der Datenschutzerklärung zu."
    )
    assert registrations.submitted == []


async def test_unreadable_bodies_get_the_same_error_shape(client, add_event):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    not_json = await client.post(
        url, content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert not_json.json()["errors"][0]["field"] == "body"
    wrong_type = await client.post(url, json={**BODY, "name": 42})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["field"] == "name"
    assert wrong_type.json()["message_de"] == "Die Anfrage ist ungültig."


async def test_register_for_unknown_event_is_404(client):
    response = await client.post(f"/api/v1/events/{uuid.uuid4()}/registrations", json=BODY)
    assert response.status_code == 404


async def test_registration_down_or_refusing(client, add_event, registrations):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    registrations.failure = RegistrationUnavailable("down")
    down = await client.post(url, json=BODY)
    assert down.status_code == 503
    assert down.json()["code"] == "registration_unavailable"
    registrations.failure = RegistrationRefused(409, "Bereits angemeldet.")
    refused = await client.post(url, json=BODY)
    assert refused.status_code == 409
    assert refused.json()["message_de"] == "Bereits angemeldet."


async def test_registration_status(client, add_event, registrations):
    event = add_event()
    waitlisted = RegistrationState(
        registration_id=uuid.uuid4(),
        event_id=event.event_id,
        status=RegistrationStatus.WAITLISTED,
        waitlist_position=7,
    )
    registrations.states[waitlisted.registration_id] = waitlisted

    response = await client.get(f"/api/v1/registrations/{waitlisted.registration_id}")

    assert response.status_code == 200
    assert response.json() == {
        "registration_id": str(waitlisted.registration_id),
        "event_id": str(event.event_id),
        "status": "waitlisted",
        "waitlist_position": 7,
        "rejection_reason": None,
    }
    assert (await client.get(f"/api/v1/registrations/{uuid.uuid4()}")).status_code == 404
    registrations.failure = RegistrationUnavailable("down")
    down = await client.get(f"/api/v1/registrations/{waitlisted.registration_id}")
    assert down.status_code == 503


async def test_the_api_is_documented(client):
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/v1/events/{event_id}/registrations" in schema["paths"]
    assert not any(path.startswith("/veranstaltungen") for path in schema["paths"])
