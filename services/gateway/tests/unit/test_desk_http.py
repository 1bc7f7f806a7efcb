"""The desk's HTTP adapters (capacity's and registration's organiser APIs) against httpx's
mock transport."""

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from contracts.attendees import AccessibilityNeed
from contracts.messages import EventKind
from gateway.desk.adapters.capacity_http import HttpCapacity
from gateway.desk.adapters.registration_http import HttpRegistrationDesk
from gateway.desk.domain.commands import EventAction
from gateway.desk.domain.model import EventDetails
from gateway.desk.service_layer.ports import (
    CapacityRefused,
    CapacityUnavailable,
    EventNotFound,
)
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

EVENT_ID = uuid.uuid4()
SNAPSHOT = {
    "event_id": str(EVENT_ID),
    "title": "Fachtag",
    "kind": "fachtag",
    "starts_at": "2026-03-12T09:00:00Z",
    "ends_at": "2026-03-12T15:00:00Z",
    "venue": "Hospitalhof",
    "address": "Büchsenstraße 33",
    "city": "Stuttgart",
    "organiser_contact": "quartier@example.org",
    "capacity": 300,
    "seats_taken": 0,
    "seats_left": 300,
    "waitlist_enabled": True,
    "waitlist_length": 0,
    "status": "draft",
    "revision": 1,
}
DETAILS = EventDetails(
    title="Fachtag",
    kind=EventKind.FACHTAG,
    description="",
    starts_at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
    ends_at=datetime(2026, 3, 12, 15, 0, tzinfo=UTC),
    venue="Hospitalhof",
    address="Büchsenstraße 33",
    city="Stuttgart",
    organiser_contact="quartier@example.org",
    waitlist_enabled=True,
    registration_deadline=None,
)


def client(handler, **kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.MockTransport(handler), base_url="http://svc", **kwargs
    )


async def test_create_sends_the_contracted_body():
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        return httpx.Response(201, json=SNAPSHOT)

    created = await HttpCapacity(client(handler)).create(DETAILS, 300, False, "corr-7")

    assert created.event_id == EVENT_ID and created.address == "Büchsenstraße 33"
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/events")
    assert request.headers["X-Correlation-ID"] == "corr-7"
    body = json.loads(request.content)
    assert body["starts_at"] == "2026-03-12T09:00:00Z"
    assert body["publish"] is False and body["capacity"] == 300
    assert body["registration_deadline"] is None
    assert set(body) == {
        "title",
        "kind",
        "description",
        "starts_at",
        "ends_at",
        "venue",
        "address",
        "city",
        "organiser_contact",
        "waitlist_enabled",
        "registration_deadline",
        "capacity",
        "publish",
    }


@pytest.mark.parametrize(
    ("action", "path"),
    [
        (EventAction.PUBLISH, "publish"),
        (EventAction.CLOSE, "close"),
        (EventAction.REOPEN, "reopen"),
        (EventAction.CANCEL, "cancel"),
    ],
)
async def test_state_changes_go_to_their_endpoint(action, path):
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=SNAPSHOT)

    await HttpCapacity(client(handler)).act(EVENT_ID, action, "c")
    assert seen[0].url.path == f"/events/{EVENT_ID}/{path}"


async def test_capacity_errors_are_told_apart():
    answers = iter(
        [
            httpx.Response(
                409,
                json={
                    "code": "seats_taken",
                    "message_de": "12 Plätze sind bereits vergeben",
                    "message_en": "12 seats are taken",
                },
            ),
            httpx.Response(
                422,
                json={
                    "code": "invalid_request",
                    "message_de": "Die Anfrage ist ungültig.",
                    "message_en": "The request is invalid.",
                    "errors": [
                        {
                            "field": "starts_at",
                            "code": "x",
                            "message_de": "Falsch.",
                            "message_en": "Bad.",
                        }
                    ],
                },
            ),
            httpx.Response(404, json={"code": "not_found", "message_de": "-", "message_en": "-"}),
            httpx.Response(503),
            httpx.Response(200, json={"unexpected": True}),
        ]
    )

    def handler(request):
        return next(answers)

    capacity = HttpCapacity(client(handler))
    with pytest.raises(CapacityRefused) as refused:
        await capacity.change_capacity(EVENT_ID, 5, "c")
    assert refused.value.status_code == 409
    assert refused.value.error.code == "seats_taken"
    assert refused.value.error.message_de.startswith("12 Plätze sind bereits vergeben")
    with pytest.raises(CapacityRefused) as invalid:
        await capacity.update(EVENT_ID, DETAILS, "c")
    assert invalid.value.fields == ("starts_at",)
    with pytest.raises(EventNotFound):
        await capacity.event(EVENT_ID, "c")
    with pytest.raises(CapacityUnavailable):
        await capacity.events("c")
    with pytest.raises(CapacityUnavailable):
        await capacity.event(EVENT_ID, "c")


async def test_capacity_unreachable():
    def handler(request):
        raise httpx.ConnectError("refused")

    with pytest.raises(CapacityUnavailable):
        await HttpCapacity(client(handler)).events("c")


async def test_the_registration_desk_reads_participants_and_cancels():
    seen: list[httpx.Request] = []
    registration_id = uuid.uuid4()
    participant = {
        "registration_id": str(registration_id),
        "event_id": str(EVENT_ID),
        "name": "Erika",
        "email": "erika@example.org",
        "organisation": "",
        "role": "science",
        "locale": "en",
        "status": "waitlisted",
        "waitlist_position": 3,
        "accessibility_needs": ["step_free"],
        "accessibility_other": "",
        "created_at": "2026-02-01T10:00:00Z",
        "cancelled_at": None,
        "cancel_reason": None,
    }
    answers = {
        f"/events/{EVENT_ID}/registrations": [participant],
        f"/events/{EVENT_ID}/accessibility-report": {
            "event_id": str(EVENT_ID),
            "active_registrations": 1,
            "with_needs": 1,
            "needs": {"step_free": 1, "sign_language": 0},
        },
        f"/registrations/{registration_id}/organiser-cancellation": {
            "registration_id": str(registration_id),
            "event_id": str(EVENT_ID),
            "status": "cancelled",
            "waitlist_position": None,
            "rejection_reason": None,
            "cancel_reason": "cancelled_by_organiser",
            "locale": "en",
            "created_at": "2026-02-01T10:00:00Z",
            "already_cancelled": False,
        },
        "/feedback": [],
    }

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=answers[request.url.path])

    desk = HttpRegistrationDesk(client(handler, headers={"X-Internal-Token": "geheim"}))
    (person,) = await desk.participants(EVENT_ID, "c")
    report = await desk.accessibility_report(EVENT_ID, "c")
    cancelled = await desk.cancel_for_organiser(registration_id, "c")
    assert await desk.feedback("c") == []

    assert person.waitlist_position == 3 and person.accessibility_needs == [
        AccessibilityNeed.STEP_FREE
    ]
    assert report.count(AccessibilityNeed.STEP_FREE) == 1
    assert report.count(AccessibilityNeed.OTHER) == 0
    assert not cancelled.already_cancelled
    assert [r.method for r in seen] == ["GET", "GET", "POST", "GET"]
    assert all(r.headers["X-Internal-Token"] == "geheim" for r in seen)


async def test_the_registration_desk_errors():
    answers = iter(
        [
            httpx.Response(
                403,
                json={
                    "code": "internal_token_required",
                    "message_de": "Nur für interne Dienste.",
                    "message_en": "Internal services only.",
                },
            ),
            httpx.Response(500),
        ]
    )

    def handler(request):
        return next(answers)

    desk = HttpRegistrationDesk(client(handler))
    with pytest.raises(RegistrationRefused):
        await desk.feedback("c")
    with pytest.raises(RegistrationUnavailable):
        await desk.participants(EVENT_ID, "c")


async def test_a_refusal_in_both_languages_keeps_both():
    def handler(request):
        body = {"code": "draft", "message_de": "Erst veröffentlichen", "message_en": "Publish"}
        return httpx.Response(409, json=body)

    with pytest.raises(CapacityRefused) as refused:
        await HttpCapacity(client(handler)).act(EVENT_ID, EventAction.CLOSE, "c")
    error = refused.value.error
    assert (error.message_de, error.message_en) == ("Erst veröffentlichen", "Publish")


async def test_an_answer_not_in_the_one_error_shape_says_nothing_of_its_own():
    def handler(request):
        return httpx.Response(409, json={"detail": "Die Veranstaltung ist abgesagt"})

    with pytest.raises(CapacityRefused) as refused:
        await HttpCapacity(client(handler)).act(EVENT_ID, EventAction.CLOSE, "c")
    assert refused.value.error.message_de == "Capacity hat die Änderung abgelehnt."
    assert refused.value.fields == ()
