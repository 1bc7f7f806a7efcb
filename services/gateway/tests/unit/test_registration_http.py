"""The HTTP adapter for the registration service, against httpx's mock transport."""

import json
import uuid

import httpx
import pytest

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import RegistrationStatus
from contracts.messages import Locale
from gateway.adapters.registration_http import HttpRegistrations
from gateway.domain.commands import (
    CancelRegistration,
    ChangeChoices,
    RegisterAttendee,
    SendFeedback,
)
from gateway.domain.validation import Attendee, Feedback
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkInvalid,
    RegistrationRefused,
    RegistrationUnavailable,
)

EVENT_ID = uuid.uuid4()
SLOT, FORUM_A, FORUM_B = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
COMMAND = RegisterAttendee(
    event_id=EVENT_ID,
    attendee=Attendee(
        "Erika Mustermann",
        "erika@example.org",
        "Stadt Ulm",
        Locale.EN,
        AttendeeRole.COORDINATION,
        (AccessibilityNeed.STEP_FREE, AccessibilityNeed.OTHER),
        "Begleitperson",
        True,
    ),
    idempotency_key="key-12345678",
    correlation_id="corr-1",
    choices={SLOT: [FORUM_B, FORUM_A]},
)


def adapter(handler) -> HttpRegistrations:
    transport = httpx.MockTransport(handler)
    return HttpRegistrations(httpx.AsyncClient(transport=transport, base_url="http://registration"))


async def test_submit_sends_the_contracted_request():
    seen: list[httpx.Request] = []
    registration_id = uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            202,
            json={
                "registration_id": str(registration_id),
                "status": "pending",
                "status_url": f"/registrations/{registration_id}",
            },
        )

    submission = await adapter(handler).submit(COMMAND)

    assert submission.registration_id == registration_id
    assert submission.status is RegistrationStatus.PENDING
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == "/registrations"
    assert request.headers["Idempotency-Key"] == "key-12345678"
    assert request.headers["X-Correlation-ID"] == "corr-1"
    assert json.loads(request.content) == {
        "event_id": str(EVENT_ID),
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Stadt Ulm",
        "locale": "en",
        "privacy_consent": True,
        "role": "coordination",
        "accessibility_needs": ["step_free", "other"],
        "accessibility_other": "Begleitperson",
        "health_data_consent": True,
        "choices": {str(SLOT): [str(FORUM_B), str(FORUM_A)]},
        "exhibitor_token": None,
    }


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(503, json={"detail": "starting"}),
        httpx.Response(202, json={"unexpected": True}),
    ],
)
async def test_server_errors_and_garbage_mean_unavailable(answer):
    with pytest.raises(RegistrationUnavailable):
        await adapter(lambda request: answer).submit(COMMAND)


async def test_an_unreachable_service_is_unavailable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(RegistrationUnavailable):
        await adapter(handler).submit(COMMAND)
    with pytest.raises(RegistrationUnavailable):
        await adapter(handler).state(uuid.uuid4(), "corr")


def api_error(status_code: int, code: str, message_de: str, **fields: object) -> httpx.Response:
    body = {"code": code, "message_de": message_de, "message_en": f"{code} (en)", **fields}
    return httpx.Response(status_code, json=body)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            api_error(409, "already_registered", "Sie sind bereits angemeldet."),
            "Sie sind bereits angemeldet.",
        ),
        (api_error(400, "invalid_request", "Ungültig."), "Ungültig."),
        (
            api_error(422, "consent_required", "Ohne Einwilligung keine Anmeldung.", errors=[]),
            "Ohne Einwilligung keine Anmeldung.",
        ),
        # not the one error body: nothing in it is a message for a person
        (
            httpx.Response(409, json={"detail": "Sie sind bereits angemeldet."}),
            "Die Anmeldung wurde nicht angenommen.",
        ),
        (
            httpx.Response(400, json={"message": "Ungültig."}),
            "Die Anmeldung wurde nicht angenommen.",
        ),
        (
            httpx.Response(422, json={"detail": [{"msg": "x"}]}),
            "Die Anmeldung wurde nicht angenommen.",
        ),
        (httpx.Response(400, text="not json"), "Die Anmeldung wurde nicht angenommen."),
        (
            httpx.Response(
                422,
                json={"detail": {"code": "consent_required", "message_de": "Ohne Einwilligung."}},
            ),
            "Die Anmeldung wurde nicht angenommen.",
        ),
    ],
)
async def test_client_errors_carry_the_services_message(answer, message):
    with pytest.raises(RegistrationRefused) as caught:
        await adapter(lambda request: answer).submit(COMMAND)
    assert caught.value.status_code == answer.status_code
    assert caught.value.error.message_de.startswith(message)


async def test_state_of_a_registration():
    registration_id = uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Correlation-ID"] == "corr-2"
        if request.url.path != f"/registrations/{registration_id}":
            return httpx.Response(404, json={"detail": "not found"})
        return httpx.Response(
            200,
            json={
                "registration_id": str(registration_id),
                "event_id": str(EVENT_ID),
                "status": "rejected",
                "waitlist_position": None,
                "rejection_reason": "event_full",
                "created_at": "2026-03-01T09:00:00Z",
            },
        )

    registrations = adapter(handler)
    state = await registrations.state(registration_id, "corr-2")
    assert state is not None
    assert state.status is RegistrationStatus.REJECTED
    assert state.rejection_reason == "event_full"
    assert await registrations.state(uuid.uuid4(), "corr-2") is None


async def test_structured_refusals_keep_code_both_languages_and_the_fields():
    answer = httpx.Response(
        422,
        json={
            "code": "consent_required",
            "message_de": "Ohne Einwilligung keine Anmeldung.",
            "message_en": "Consent is required.",
            "errors": [
                {
                    "field": "privacy_consent",
                    "code": "missing",
                    "message_de": "Bitte zustimmen.",
                    "message_en": "Please consent.",
                }
            ],
        },
    )
    with pytest.raises(RegistrationRefused) as caught:
        await adapter(lambda request: answer).submit(COMMAND)
    assert caught.value.code == "consent_required"
    assert caught.value.error.message_en == "Consent is required."
    ((field, german),) = [(p.field, p.message_de) for p in caught.value.error.errors]
    assert (field, german) == ("privacy_consent", "Bitte zustimmen.")


TOKEN = "InJlZyI.aBcD_e-f.sig"


def status_body(registration_id: uuid.UUID, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "registration_id": str(registration_id),
        "event_id": str(EVENT_ID),
        "status": "waitlisted",
        "waitlist_position": 4,
        "rejection_reason": None,
        "cancel_reason": None,
        "locale": "de",
        "created_at": "2026-03-01T09:00:00Z",
    }
    body.update(changes)
    return body


async def test_the_target_of_a_cancel_link():
    registration_id = uuid.uuid4()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=status_body(registration_id))

    state = await adapter(handler).cancellation_target(TOKEN, "corr-3")

    assert state.registration_id == registration_id
    assert state.status is RegistrationStatus.WAITLISTED
    assert state.waitlist_position == 4
    (request,) = seen
    assert request.method == "GET"
    assert request.url.raw_path == f"/cancellations/{TOKEN}".encode()
    assert request.headers["X-Correlation-ID"] == "corr-3"


async def test_cancel_posts_and_reads_already_cancelled():
    registration_id = uuid.uuid4()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = status_body(
            registration_id,
            status="cancelled",
            waitlist_position=None,
            cancel_reason="attendee",
            already_cancelled=True,
        )
        return httpx.Response(200, json=body)

    cancellation = await adapter(handler).cancel(CancelRegistration(TOKEN, "corr-4"))

    assert cancellation.status is RegistrationStatus.CANCELLED
    assert cancellation.cancel_reason == "attendee"
    assert cancellation.already_cancelled is True
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == f"/cancellations/{TOKEN}"
    assert request.headers["X-Correlation-ID"] == "corr-4"


def link_error(status_code: int, code: str) -> httpx.Response:
    return httpx.Response(
        status_code,
        json={"code": code, "message_de": f"{code} (de)", "message_en": f"{code} (en)"},
    )


async def test_wrong_and_expired_cancel_links():
    wrong = adapter(lambda request: link_error(404, "invalid_token"))
    expired = adapter(lambda request: link_error(410, "token_expired"))
    refused = adapter(lambda request: link_error(409, "busy"))

    for call in (
        lambda registrations: registrations.cancellation_target(TOKEN, "c"),
        lambda registrations: registrations.cancel(CancelRegistration(TOKEN, "c")),
        lambda registrations: registrations.current_choices(TOKEN, "c"),
        lambda registrations: registrations.change_choices(ChangeChoices(TOKEN, {}, "c")),
    ):
        with pytest.raises(CancelLinkInvalid) as invalid:
            await call(wrong)
        assert invalid.value.message_de == "invalid_token (de)"
        assert invalid.value.message_en == "invalid_token (en)"
        with pytest.raises(CancelLinkExpired) as too_old:
            await call(expired)
        assert too_old.value.code == "token_expired"
        assert too_old.value.message_de == "token_expired (de)"
        with pytest.raises(RegistrationRefused) as other:
            await call(refused)
        assert other.value.status_code == 409
        assert other.value.code == "busy"


async def test_the_ranking_behind_a_link_is_read_and_changed():
    registration_id = uuid.uuid4()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, json={"choices": {str(SLOT): [str(FORUM_A)]}})
        return httpx.Response(202, json=status_body(registration_id, status="confirmed"))

    registrations = adapter(handler)
    current = await registrations.current_choices(TOKEN, "corr-5")
    state = await registrations.change_choices(
        ChangeChoices(TOKEN, {SLOT: [FORUM_B, FORUM_A]}, "corr-6")
    )

    assert current == {SLOT: [FORUM_A]}
    assert state.registration_id == registration_id
    assert state.status is RegistrationStatus.CONFIRMED
    read, change = seen
    assert (read.method, read.url.raw_path) == ("GET", f"/choices/{TOKEN}".encode())
    assert read.headers["X-Correlation-ID"] == "corr-5"
    assert (change.method, change.url.raw_path) == ("POST", f"/choices/{TOKEN}".encode())
    assert change.headers["X-Correlation-ID"] == "corr-6"
    assert json.loads(change.content) == {"choices": {str(SLOT): [str(FORUM_B), str(FORUM_A)]}}


async def test_a_refused_change_of_choice_carries_the_services_words():
    ended = {
        "code": "registration_ended",
        "message_de": "Ihre Anmeldung ist storniert.",
        "message_en": "Your registration was cancelled.",
    }
    registrations = adapter(lambda request: httpx.Response(409, json=ended))
    with pytest.raises(RegistrationRefused) as caught:
        await registrations.change_choices(ChangeChoices(TOKEN, {SLOT: []}, "c"))
    assert caught.value.status_code == 409
    assert caught.value.error.message_en == "Your registration was cancelled."


async def test_a_plain_404_is_still_an_invalid_link_with_our_own_words():
    plain = adapter(lambda request: httpx.Response(404, json={"detail": "Not Found"}))
    with pytest.raises(CancelLinkInvalid) as caught:
        await plain.cancellation_target(TOKEN, "c")
    assert caught.value.message_de.startswith("Dieser Abmeldelink ist ungültig.")


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(503), httpx.Response(200, json={"status": "cancelled"})],
)
async def test_cancel_with_registration_failing(answer):
    with pytest.raises(RegistrationUnavailable):
        await adapter(lambda request: answer).cancel(CancelRegistration(TOKEN, "c"))


async def test_health_check():
    healthy = adapter(lambda request: httpx.Response(200, json={"status": "ok"}))
    await healthy.check()
    sick = adapter(lambda request: httpx.Response(503))
    with pytest.raises(httpx.HTTPStatusError):
        await sick.check()


FEEDBACK = SendFeedback(
    Feedback("Der Kontrast ist zu schwach.", "", None, "/veranstaltungen", Locale.DE), "corr-9"
)


async def test_feedback_is_posted_and_answers_its_id():
    seen: list[httpx.Request] = []
    feedback_id = uuid.uuid4()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"feedback_id": str(feedback_id)})

    assert await adapter(handler).send_feedback(FEEDBACK) == feedback_id
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/feedback")
    assert request.headers["X-Correlation-ID"] == "corr-9"
    assert json.loads(request.content) == {
        "message": "Der Kontrast ist zu schwach.",
        "name": "",
        "email": None,
        "page": "/veranstaltungen",
        "locale": "de",
    }


async def test_feedback_refused_or_failing():
    refusing = adapter(lambda request: httpx.Response(422, json={"detail": []}))
    with pytest.raises(RegistrationRefused):
        await refusing.send_feedback(FEEDBACK)
    failing = adapter(lambda request: httpx.Response(503, text="down"))
    with pytest.raises(RegistrationUnavailable):
        await failing.send_feedback(FEEDBACK)
