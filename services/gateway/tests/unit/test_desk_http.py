"""The desk's HTTP adapters (capacity's and registration's organiser APIs) against httpx's
mock transport."""

import json
import uuid
from collections.abc import Awaitable, Callable
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


def answering(
    answer: httpx.Response | Exception, seen: list[httpx.Request] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that gives every request ``answer`` (an exception: the request fails with it)
    and, given ``seen``, keeps the requests there."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


async def test_create_sends_the_contracted_body():
    seen: list[httpx.Request] = []
    capacity = HttpCapacity(client(answering(httpx.Response(201, json=SNAPSHOT), seen)))

    created = await capacity.create(DETAILS, 300, False, "corr-7")

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
        "programme",
        "choice_deadline",
        "stand_call",
        "capacity",
        "publish",
    }
    assert body["programme"] == [] and body["choice_deadline"] is None


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
    capacity = HttpCapacity(client(answering(httpx.Response(200, json=SNAPSHOT), seen)))

    await capacity.act(EVENT_ID, action, "c")
    assert seen[0].url.path == f"/events/{EVENT_ID}/{path}"


async def read_event(http: httpx.AsyncClient) -> object:
    return await HttpCapacity(http).event(EVENT_ID, "c")


async def list_events(http: httpx.AsyncClient) -> object:
    return await HttpCapacity(http).events("c")


async def read_feedback(http: httpx.AsyncClient) -> object:
    return await HttpRegistrationDesk(http).feedback("c")


async def list_participants(http: httpx.AsyncClient) -> object:
    return await HttpRegistrationDesk(http).participants(EVENT_ID, "c")


NOT_FOUND = {"code": "not_found", "message_de": "-", "message_en": "-"}
INTERNAL_ONLY = {
    "code": "internal_token_required",
    "message_de": "Nur für interne Dienste.",
    "message_en": "Internal services only.",
}


@pytest.mark.parametrize(
    ("answer", "call", "error"),
    [
        (httpx.Response(404, json=NOT_FOUND), read_event, EventNotFound),
        (httpx.Response(503), list_events, CapacityUnavailable),
        (httpx.Response(200, json={"unexpected": True}), read_event, CapacityUnavailable),
        (httpx.ConnectError("refused"), list_events, CapacityUnavailable),
        (httpx.Response(403, json=INTERNAL_ONLY), read_feedback, RegistrationRefused),
        (httpx.Response(500), list_participants, RegistrationUnavailable),
    ],
    ids=[
        "capacity-404-is-not-found",
        "capacity-503-is-unavailable",
        "capacity-answer-off-contract-is-unavailable",
        "capacity-unreachable",
        "registration-403-is-a-refusal",
        "registration-500-is-unavailable",
    ],
)
async def test_errors_are_told_apart(answer, call, error):
    with pytest.raises(error):
        await call(client(answering(answer)))


async def refusal(
    answer: httpx.Response, call: Callable[[HttpCapacity], Awaitable[object]]
) -> CapacityRefused:
    """What capacity's refusal, ``answer`` to ``call``, became."""
    with pytest.raises(CapacityRefused) as refused:
        await call(HttpCapacity(client(answering(answer))))
    return refused.value


async def test_a_capacity_refusal_keeps_its_status_code_and_message():
    seats_taken = {
        "code": "seats_taken",
        "message_de": "12 Plätze sind bereits vergeben",
        "message_en": "12 seats are taken",
    }
    refused = await refusal(
        httpx.Response(409, json=seats_taken),
        lambda capacity: capacity.change_capacity(EVENT_ID, 5, "c"),
    )
    assert refused.status_code == 409
    assert refused.error.code == "seats_taken"
    assert refused.error.message_de.startswith("12 Plätze sind bereits vergeben")


async def test_a_capacity_refusal_names_the_fields():
    invalid = {
        "code": "invalid_request",
        "message_de": "Die Anfrage ist ungültig.",
        "message_en": "The request is invalid.",
        "errors": [
            {"field": "starts_at", "code": "x", "message_de": "Falsch.", "message_en": "Bad."}
        ],
    }
    refused = await refusal(
        httpx.Response(422, json=invalid), lambda capacity: capacity.update(EVENT_ID, DETAILS, "c")
    )
    assert refused.fields == ("starts_at",)


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


async def test_a_refusal_in_both_languages_keeps_both():
    body = {"code": "draft", "message_de": "Erst veröffentlichen", "message_en": "Publish"}
    refused = await refusal(
        httpx.Response(409, json=body),
        lambda capacity: capacity.act(EVENT_ID, EventAction.CLOSE, "c"),
    )
    error = refused.error
    assert (error.message_de, error.message_en) == ("Erst veröffentlichen", "Publish")


async def test_an_answer_not_in_the_one_error_shape_says_nothing_of_its_own():
    refused = await refusal(
        httpx.Response(409, json={"detail": "Die Veranstaltung ist abgesagt"}),
        lambda capacity: capacity.act(EVENT_ID, EventAction.CLOSE, "c"),
    )
    assert refused.error.message_de == "Capacity hat die Änderung abgelehnt."
    assert refused.fields == ()


SESSION_ID = uuid.uuid4()


async def test_the_session_lists_are_read_with_the_internal_token():
    seen: list[httpx.Request] = []
    holder, waiting = uuid.uuid4(), uuid.uuid4()
    listed = {
        "slot_id": str(uuid.uuid4()),
        "session_id": str(SESSION_ID),
        "capacity": 1,
        "holders": [str(holder)],
        "waiting": [str(waiting)],
    }
    http = client(
        answering(httpx.Response(200, json=[listed]), seen), headers={"X-Internal-Token": "t"}
    )

    (session,) = await HttpCapacity(http).session_lists(EVENT_ID, "corr-9")

    assert (session.session_id, session.holders, session.waiting) == (
        SESSION_ID,
        [holder],
        [waiting],
    )
    (request,) = seen
    assert (request.method, request.url.path) == ("GET", f"/events/{EVENT_ID}/sessions")
    assert request.headers["X-Correlation-ID"] == "corr-9"
    assert request.headers["X-Internal-Token"] == "t"


async def test_an_assignment_posts_the_registration_to_the_session():
    seen: list[httpx.Request] = []
    registration_id = uuid.uuid4()
    capacity = HttpCapacity(client(answering(httpx.Response(200, json=SNAPSHOT), seen)))

    event = await capacity.assign_session(EVENT_ID, SESSION_ID, registration_id, "c")

    assert event.event_id == EVENT_ID
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == f"/events/{EVENT_ID}/sessions/{SESSION_ID}/assignments"
    assert json.loads(request.content) == {"registration_id": str(registration_id)}


async def test_a_full_session_is_a_refusal_in_both_languages():
    full = {
        "code": "session_full",
        "message_de": "„Forum A“ ist voll (20 Plätze).",
        "message_en": "“Forum A” is full (20 seats).",
    }
    refused = await refusal(
        httpx.Response(409, json=full),
        lambda capacity: capacity.assign_session(EVENT_ID, SESSION_ID, uuid.uuid4(), "c"),
    )
    assert (refused.status_code, refused.error.code) == (409, "session_full")
    assert refused.error.message_en == "“Forum A” is full (20 seats)."
