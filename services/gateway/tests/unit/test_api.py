"""The public JSON API against a fake catalog and a fake registration service."""

import asyncio
import uuid
from datetime import UTC, datetime

from contracts.http.errors import ApiError
from contracts.http.registration import (
    PRIVACY_CONSENT_MISSING,
    RegistrationState,
    RegistrationStatus,
)
from contracts.messages import (
    CloseReason,
    EventCancelled,
    EventStatus,
    EventUpdated,
    SeatConfirmed,
    Waitlisted,
)
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from services.gateway.tests.unit.test_pages import with_programme

CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

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


async def test_prefer_wait_answers_with_the_decision_when_it_comes_in_time(
    client, add_event, registrations, feed, decisions
):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    feed.following = True
    seated, listed, late = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    registrations.ids.update({"seated-0001": seated, "listed-0001": listed, "late-00001": late})

    async def decide() -> None:
        await asyncio.sleep(0.05)
        decisions.record(Waitlisted(**decided(listed, event.event_id), position=4))

    decisions.record(SeatConfirmed(**decided(seated, event.event_id)))
    deciding = asyncio.create_task(decide())
    answers = [
        await client.post(
            url, json=BODY, headers={"Idempotency-Key": key, "Prefer": "respond-async, wait=5"}
        )
        for key in ("seated-0001", "listed-0001")
    ]
    await deciding
    pending = await client.post(
        url, json=BODY, headers={"Idempotency-Key": "late-00001", "Prefer": "wait=0.05"}
    )

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == {
        "registration_id": str(seated),
        "status": "confirmed",
        "status_url": f"/api/v1/registrations/{seated}",
        "waitlist_position": None,
        "rejection_reason": None,
    }
    assert (answers[1].json()["status"], answers[1].json()["waitlist_position"]) == (
        "waitlisted",
        4,
    )
    assert answers[1].headers["location"].endswith(f"/api/v1/registrations/{listed}")
    assert pending.status_code == 202
    assert pending.json()["status"] == "pending"


async def test_prefer_wait_is_not_held_without_the_decisions_followed(
    client, add_event, registrations, decisions
):
    event = add_event()
    registrations.ids["client-key-0002"] = rid = uuid.uuid4()
    decisions.record(SeatConfirmed(**decided(rid, event.event_id)))  # feed not following
    for prefer in ("wait=5", "wait=abc", "wait=nan", "handling=strict"):
        answer = await client.post(
            f"/api/v1/events/{event.event_id}/registrations",
            json=BODY,
            headers={"Idempotency-Key": "client-key-0002", "Prefer": prefer},
        )
        assert (answer.status_code, answer.json()["status"]) == (202, "pending")


def decided(registration_id: uuid.UUID, event_id: uuid.UUID) -> dict[str, object]:
    return {
        "decision_id": uuid.uuid4(),
        "registration_id": registration_id,
        "event_id": event_id,
        "decided_at": CREATED,
    }


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
    registrations.failure = RegistrationRefused(
        409,
        ApiError(
            code="already_registered", message_de="Bereits angemeldet.", message_en="Registered."
        ),
    )
    refused = await client.post(url, json=BODY)
    assert refused.status_code == 409
    assert refused.json()["message_de"] == "Bereits angemeldet."


async def test_registration_status(client, add_event, registrations):
    event = add_event()
    waitlisted = RegistrationState(
        registration_id=uuid.uuid4(),
        event_id=event.event_id,
        created_at=CREATED,
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
        "cancel_reason": None,
    }
    assert (await client.get(f"/api/v1/registrations/{uuid.uuid4()}")).status_code == 404
    registrations.failure = RegistrationUnavailable("down")
    down = await client.get(f"/api/v1/registrations/{waitlisted.registration_id}")
    assert down.status_code == 503


async def test_the_api_is_documented(client):
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/v1/events/{event_id}/registrations" in schema["paths"]
    cancel = schema["paths"]["/api/v1/cancellations/{token}"]["post"]
    assert {"200", "404", "410", "503"} <= set(cancel["responses"])
    registration = schema["components"]["schemas"]["RegistrationOut"]["properties"]
    assert "current place" in registration["waitlist_position"]["description"]
    assert "cancel_reason" in registration
    assert not any(path.startswith(("/veranstaltungen", "/abmeldung")) for path in schema["paths"])


async def test_events_carry_the_newest_snapshot(client, add_event, send):
    event = add_event(seats_left=12, registration_deadline=datetime(2026, 3, 11, 11, 0, tzinfo=UTC))
    full = add_event(seats_left=0, status=EventStatus.CLOSED, close_reason=CloseReason.FULL)
    cancelled = add_event(title="Abgesagt")
    send(EventUpdated, event, seats_left=2)
    send(EventCancelled, cancelled, status=EventStatus.CANCELLED)

    listed = {e["event_id"]: e for e in (await client.get("/api/v1/events")).json()["events"]}
    one = (await client.get(f"/api/v1/events/{cancelled.event_id}")).json()

    assert set(listed) == {str(event.event_id), str(full.event_id)}
    assert listed[str(event.event_id)]["seats_left"] == 2
    assert listed[str(event.event_id)]["registration_deadline"] == "2026-03-11T11:00:00Z"
    assert listed[str(event.event_id)]["close_reason"] is None
    assert listed[str(full.event_id)]["close_reason"] == "full"
    assert one["availability"] == "cancelled"
    assert one["registration_open"] is False


def cancellable(registrations, event_id, status=RegistrationStatus.CONFIRMED, **fields):
    state = RegistrationState(
        registration_id=uuid.uuid4(), event_id=event_id, created_at=CREATED, status=status, **fields
    )
    return state, registrations.cancel_link(state)


async def test_cancel_by_token(client, add_event, registrations):
    event = add_event()
    state, token = cancellable(
        registrations, event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=2
    )

    response = await client.post(
        f"/api/v1/cancellations/{token}", headers={"X-Correlation-ID": "corr-cancel"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "registration_id": str(state.registration_id),
        "event_id": str(event.event_id),
        "status": "cancelled",
        "waitlist_position": None,
        "rejection_reason": None,
        "cancel_reason": "attendee",
        "already_cancelled": False,
    }
    (command,) = registrations.cancel_requests
    assert command.correlation_id == "corr-cancel"
    again = await client.post(f"/api/v1/cancellations/{token}")
    assert again.status_code == 200
    assert again.json()["already_cancelled"] is True
    assert again.json()["status"] == "cancelled"


async def test_cancel_with_a_wrong_or_expired_token(client, add_event, registrations):
    event = add_event()
    _, expired = cancellable(registrations, event.event_id)
    registrations.expired_tokens.add(expired)

    wrong = await client.post("/api/v1/cancellations/tok.wrong.sig")
    odd = await client.post("/api/v1/cancellations/kaputt!")
    old = await client.post(f"/api/v1/cancellations/{expired}")

    for response in (wrong, odd):
        assert response.status_code == 404
        assert response.json()["code"] == "invalid_token"
        assert response.json()["message_de"].startswith("Dieser Abmeldelink ist ungültig.")
        assert response.json()["message_en"].startswith("This cancellation link is not valid.")
    assert old.status_code == 410
    assert old.json()["code"] == "token_expired"
    assert old.json()["message_en"].startswith("This cancellation link has expired.")


async def test_cancel_while_registration_is_down(client, add_event, registrations):
    event = add_event()
    state, token = cancellable(registrations, event.event_id)
    registrations.failure = RegistrationUnavailable("down")
    response = await client.post(f"/api/v1/cancellations/{token}")
    assert response.status_code == 503
    assert response.json()["code"] == "registration_unavailable"
    assert "Nothing was changed" in response.json()["message_en"]
    assert registrations.states[state.registration_id].status is RegistrationStatus.CONFIRMED


async def test_refusals_keep_the_registration_services_code(client, add_event, registrations):
    event = add_event()
    registrations.failure = RegistrationRefused(
        422,
        ApiError(
            code="consent_required",
            message_de="Ohne Einwilligung keine Anmeldung.",
            message_en="Consent.",
            errors=(PRIVACY_CONSENT_MISSING,),
        ),
    )
    response = await client.post(f"/api/v1/events/{event.event_id}/registrations", json=BODY)
    assert response.status_code == 422
    assert response.json()["code"] == "consent_required"
    assert response.json()["message_en"] == "Consent."
    assert [e["field"] for e in response.json()["errors"]] == ["privacy_consent"]


async def test_a_cancelled_registrations_status(client, add_event, registrations):
    event = add_event()
    state, _ = cancellable(
        registrations, event.event_id, RegistrationStatus.CANCELLED, cancel_reason="event_cancelled"
    )
    response = await client.get(f"/api/v1/registrations/{state.registration_id}")
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "event_cancelled"


async def test_register_passes_the_ranked_sessions_on_and_refuses_a_bad_ranking(
    client, add_event, registrations
):
    """The API takes the programme's choices like the form: a session twice or a missing
    first choice is a 422 naming the field, nothing is sent on."""
    event, _, morning, afternoon = with_programme(add_event)
    first, second, _ = (s.session_id for s in morning.sessions)
    url = f"/api/v1/events/{event.event_id}/registrations"

    twice = {**BODY, "choices": {str(morning.slot_id): [str(first), str(first)]}}
    refused = await client.post(url, json=twice)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [f"choice-{morning.slot_id}-2"]
    missing = await client.post(url, json=BODY)
    assert missing.status_code == 422
    assert "Erstwunsch" in missing.json()["errors"][0]["message_de"]
    assert registrations.submitted == []

    ranked = {**BODY, "choices": {str(morning.slot_id): [str(second), str(first)]}}
    assert (await client.post(url, json=ranked)).status_code == 202
    (command,) = registrations.submitted
    assert command.choices[morning.slot_id] == [second, first]
    assert command.choices[afternoon.slot_id] == []
