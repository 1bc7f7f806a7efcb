"""The desk asks the registration service for the one registration it shows (the
"Stornieren" confirmation), not for the event's whole list: the adapter against httpx's
mock transport, the page against the fakes."""

import uuid

import httpx
import pytest

from contracts.http.registration import RegistrationStatus
from gateway.desk.adapters.registration_http import HttpRegistrationDesk
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

from .test_desk_http import INTERNAL_ONLY, NOT_FOUND, answering, client

EVENT_ID = uuid.uuid4()
REGISTRATION_ID = uuid.uuid4()
WAITING = {
    "registration_id": str(REGISTRATION_ID),
    "event_id": str(EVENT_ID),
    "name": "Wanda Warteliste",
    "email": "wanda@example.org",
    "organisation": "Stadt Ulm",
    "role": "volunteer",
    "locale": "en",
    "status": "waitlisted",
    "waitlist_position": 3,
    "accessibility_needs": ["step_free"],
    "accessibility_other": "",
    "created_at": "2026-03-01T08:00:00Z",
    "cancelled_at": None,
    "cancel_reason": None,
}


async def test_one_registration_is_asked_for_by_event_and_id():
    seen: list[httpx.Request] = []
    desk = HttpRegistrationDesk(client(answering(httpx.Response(200, json=WAITING), seen)))

    participant = await desk.participant(EVENT_ID, REGISTRATION_ID, "corr-9")

    assert participant is not None
    assert participant.name == "Wanda Warteliste"
    assert (participant.status, participant.waitlist_position) == (RegistrationStatus.WAITLISTED, 3)
    (request,) = seen
    assert (request.method, request.url.path) == (
        "GET",
        f"/events/{EVENT_ID}/registrations/{REGISTRATION_ID}",
    )
    assert request.url.query == b""
    assert request.headers["X-Correlation-ID"] == "corr-9"


async def test_the_service_s_not_found_is_no_registration():
    desk = HttpRegistrationDesk(client(answering(httpx.Response(404, json=NOT_FOUND))))

    assert await desk.participant(EVENT_ID, REGISTRATION_ID, "c") is None


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(404, json={"detail": "Not Found"}), RegistrationRefused),
        (httpx.Response(403, json=INTERNAL_ONLY), RegistrationRefused),
        (httpx.Response(500), RegistrationUnavailable),
        (httpx.Response(200, json={"unexpected": True}), RegistrationUnavailable),
        (httpx.ConnectError("refused"), RegistrationUnavailable),
    ],
    ids=[
        "bare-404-is-a-refusal-not-a-missing-registration",
        "403-is-a-refusal",
        "500-is-unavailable",
        "answer-off-contract-is-unavailable",
        "unreachable",
    ],
)
async def test_failures_are_not_taken_for_a_missing_registration(answer, error):
    desk = HttpRegistrationDesk(client(answering(answer)))

    with pytest.raises(error):
        await desk.participant(EVENT_ID, REGISTRATION_ID, "c")


@pytest.fixture
async def desk_client(client, organiser, log_in):
    """The test client, logged in as an organiser."""
    assert (await log_in(client)).status_code == 303
    return client


async def test_the_confirmation_asks_for_the_one_registration(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    for i in range(5):
        registration_desk.add(event.event_id, RegistrationStatus.CONFIRMED, email=f"p{i}@x.org")
    person = registration_desk.add(
        event.event_id, RegistrationStatus.WAITLISTED, name="Wanda W", waitlist_position=2
    )
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    page = await desk_client.get(f"{path}/anmeldungen/{person.registration_id}/stornieren")

    assert page.status_code == 200
    assert "Wanda W" in page.text
    assert "Ja, Anmeldung stornieren" in page.text
    assert registration_desk.participant_calls == [person.registration_id]
    assert registration_desk.page_calls == []


async def test_no_confirmation_for_another_event_s_or_an_unknown_registration(
    desk_client, capacity, registration_desk
):
    event, other = capacity.add(), capacity.add()
    elsewhere = registration_desk.add(other.event_id, RegistrationStatus.CONFIRMED)
    gone = registration_desk.add(event.event_id, RegistrationStatus.CANCELLED)
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    for registration_id in (elsewhere.registration_id, gone.registration_id, uuid.uuid4()):
        page = await desk_client.get(f"{path}/anmeldungen/{registration_id}/stornieren")
        assert page.status_code == 404, registration_id
        assert "Keine aktive Anmeldung" in page.text
    not_an_id = await desk_client.get(f"{path}/anmeldungen/kein-uuid/stornieren")
    assert not_an_id.status_code == 404
    assert "Keine aktive Anmeldung" in not_an_id.text


async def test_the_confirmation_says_when_registration_is_down(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    person = registration_desk.add(event.event_id, RegistrationStatus.CONFIRMED)
    registration_desk.failure = RegistrationUnavailable("down")
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    page = await desk_client.get(f"{path}/anmeldungen/{person.registration_id}/stornieren")

    assert page.status_code == 503
    assert "Der Anmeldedienst (registration)" in page.text
