"""The internal HTTP APIs' contracts: one error body, and each rule about the data once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from contracts.attendees import AccessibilityNeed
from contracts.http import capacity, registration
from contracts.http.errors import ApiError, Problem


def test_every_error_is_one_body_with_the_fields_it_is_about() -> None:
    error = ApiError(
        code="invalid_input",
        message_de="Bitte prüfen Sie Ihre Angaben.",
        message_en="Please check your input.",
        errors=(registration.PRIVACY_CONSENT_MISSING,),
    )
    body = error.model_dump(mode="json")
    assert body == {
        "code": "invalid_input",
        "message_de": "Bitte prüfen Sie Ihre Angaben.",
        "message_en": "Please check your input.",
        "errors": [
            {
                "field": "privacy_consent",
                "code": "missing",
                "message_de": "Bitte stimmen Sie der Datenschutzerklärung zu.",
                "message_en": "Please accept the privacy policy.",
            }
        ],
    }
    assert ApiError.model_validate(body) == error
    assert error.message("en") == "Please check your input."
    assert error.message("fr") == "Bitte prüfen Sie Ihre Angaben."
    bare = ApiError.model_validate({"code": "not_found", "message_de": "x", "message_en": "y"})
    assert bare.errors == ()
    with pytest.raises(ValidationError):
        bare.code = "changed"  # type: ignore[misc]


def test_health_data_needs_their_own_consent() -> None:
    missing = registration.health_data_consent_missing
    assert missing([AccessibilityNeed.STEP_FREE], "", False)
    assert missing([], " Assistenzhund ", False)
    assert not missing([AccessibilityNeed.STEP_FREE], "Assistenzhund", True)
    assert not missing([], "   ", False)
    assert registration.HEALTH_DATA_CONSENT_MISSING.field == "health_data_consent"


def test_nobody_registers_without_the_privacy_consent() -> None:
    assert registration.privacy_consent_missing(False)
    assert not registration.privacy_consent_missing(True)


def test_one_email_check_normalises_and_refuses() -> None:
    assert registration.valid_email("  Erika@Example.ORG ") == "Erika@example.org"
    with pytest.raises(ValueError, match="not a valid email"):
        registration.valid_email("erika@")
    new = registration.NewRegistration(
        event_id=uuid4(), name="Erika", email=" erika@EXAMPLE.org", privacy_consent=True
    )
    assert new.email == "erika@example.org"
    with pytest.raises(ValidationError):
        registration.NewFeedback(message="Danke", email="nope")
    schema = registration.NewRegistration.model_json_schema()
    assert schema["properties"]["email"]["format"] == "email"


def test_the_registration_limits_are_the_request_models_constraints() -> None:
    limit = registration.NAME_MAX_LENGTH
    base = {"event_id": uuid4(), "email": "erika@example.org", "privacy_consent": True}
    registration.NewRegistration(**base, name="x" * limit)
    with pytest.raises(ValidationError) as caught:
        registration.NewRegistration(**base, name="x" * (limit + 1))
    assert caught.value.errors()[0]["type"] == "string_too_long"
    other = registration.ACCESSIBILITY_OTHER_MAX_LENGTH
    with pytest.raises(ValidationError):
        registration.NewRegistration(**base, name="x", accessibility_other="y" * (other + 1))
    feedback = registration.FEEDBACK_MESSAGE_MAX_LENGTH
    with pytest.raises(ValidationError):
        registration.NewFeedback(message="z" * (feedback + 1))


def test_the_desk_reads_capacity_s_text_limits_off_its_model() -> None:
    assert dict(capacity.TEXT_LIMITS) == {
        "title": capacity.TITLE_MAX_LENGTH,
        "description": capacity.DESCRIPTION_MAX_LENGTH,
        "venue": capacity.VENUE_MAX_LENGTH,
        "address": capacity.ADDRESS_MAX_LENGTH,
        "city": capacity.CITY_MAX_LENGTH,
        "organiser_contact": capacity.ORGANISER_CONTACT_MAX_LENGTH,
    }
    assert capacity.REQUIRED_TEXTS == ("title", "venue", "city")
    start = datetime(2030, 5, 6, 8, tzinfo=UTC)
    details = {"kind": "markt", "starts_at": start, "ends_at": start, "venue": "R", "city": "U"}
    capacity.EventDetails(title="t" * capacity.TITLE_MAX_LENGTH, **details)
    with pytest.raises(ValidationError):
        capacity.EventDetails(title="t" * (capacity.TITLE_MAX_LENGTH + 1), **details)
    with pytest.raises(ValidationError):
        capacity.NewCapacity(capacity=capacity.MAX_CAPACITY + 1)


def test_the_status_answers_say_whether_a_registration_still_holds_a_place() -> None:
    state = registration.RegistrationState(
        registration_id=uuid4(),
        event_id=uuid4(),
        status=registration.RegistrationStatus.CANCELLED,
        cancel_reason=registration.CancelReason.EVENT_CANCELLED,
        locale="de",
        created_at=datetime.now(UTC),
        unknown_field="ignored",
    )
    assert state.event_cancelled and not state.active
    assert registration.plausible_cancel_token("abc.DEF-_1")
    assert not registration.plausible_cancel_token("../etc")
    assert Problem(field="f", code="c", message_de="d", message_en="e").field == "f"
