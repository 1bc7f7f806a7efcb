import pytest

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.messages import Locale
from gateway.domain.validation import Attendee, InvalidInput, validate_attendee, validate_feedback


def attendee(**fields) -> Attendee:
    """``validate_attendee`` on a valid registration with ``fields`` changed."""
    valid = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "",
        "privacy_consent": True,
        "role": "mayor",
    }
    return validate_attendee(**{**valid, **fields})


def test_valid_input_is_tidied():
    tidied = attendee(
        name="  Erika   Mustermann ",
        email=" erika@Stuttgart.DE ",
        organisation=" Landeshauptstadt  Stuttgart",
        role="coordination",
    )
    assert tidied.name == "Erika Mustermann"
    assert tidied.email == "erika@stuttgart.de"
    assert tidied.organisation == "Landeshauptstadt Stuttgart"
    assert tidied.locale is Locale.DE
    assert tidied.role is AttendeeRole.COORDINATION
    assert tidied.accessibility_needs == ()
    assert not tidied.health_data_consent


def test_every_problem_is_reported_at_once_in_german_and_english():
    with pytest.raises(InvalidInput) as caught:
        attendee(name=" ", email="erika@", organisation=None, privacy_consent=False, role="")
    problems = {problem.field: problem for problem in caught.value.problems}
    assert problems["name"].message_de == "Bitte geben Sie Ihren Namen an."
    assert problems["email"].message_de == "Bitte geben Sie eine gültige E-Mail-Adresse an."
    assert (
        problems["privacy_consent"].message_de == "Bitte stimmen Sie der Datenschutzerklärung zu."
    )
    assert problems["role"].message_de == "Bitte wählen Sie aus, in welcher Rolle Sie teilnehmen."
    assert problems["email"].message_en == "Please enter a valid email address."
    assert set(problems) == {"name", "email", "privacy_consent", "role"}


def test_overlong_fields_and_unknown_values_are_refused():
    with pytest.raises(InvalidInput) as caught:
        attendee(
            name="x" * 201,
            organisation="y" * 201,
            role="king",
            accessibility_needs=["step_free", "teleport"],
            accessibility_other="z" * 501,
            health_data_consent=True,
            locale="fr",
        )
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("name", "too_long"),
        ("organisation", "too_long"),
        ("role", "invalid"),
        ("accessibility_needs", "invalid"),
        ("accessibility_other", "too_long"),
        ("locale", "invalid"),
    }


def test_english_locale():
    assert attendee(name="Jane Doe", email="jane@example.org", locale="en").locale is Locale.EN


@pytest.mark.parametrize(
    ("needs", "other"), [(["sign_language"], ""), ([], "Ich brauche eine Begleitperson.")]
)
def test_accessibility_needs_without_their_own_consent_are_refused(needs, other):
    with pytest.raises(InvalidInput) as caught:
        attendee(accessibility_needs=needs, accessibility_other=other, health_data_consent=False)
    ((field, code),) = {(p.field, p.code) for p in caught.value.problems}
    assert (field, code) == ("health_data_consent", "health_consent_required")


def test_accessibility_needs_with_consent_are_kept_in_a_fixed_order():
    with_needs = attendee(
        accessibility_needs=["easy_language", "step_free", "step_free"],
        accessibility_other="  Bitte ein Platz  vorne ",
        health_data_consent=True,
    )
    assert with_needs.accessibility_needs == (
        AccessibilityNeed.STEP_FREE,
        AccessibilityNeed.EASY_LANGUAGE,
    )
    assert with_needs.accessibility_other == "Bitte ein Platz vorne"
    assert with_needs.health_data_consent


def test_a_consent_without_needs_is_not_passed_on():
    assert not attendee(health_data_consent=True).health_data_consent


def test_feedback_needs_a_message_and_a_valid_address_if_one_is_given():
    with pytest.raises(InvalidInput) as caught:
        validate_feedback(message="  ", name="", email="nicht@", page="", locale=Locale.DE)
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("message", "missing"),
        ("email", "invalid"),
    }
    feedback = validate_feedback(
        message=" Der Kontrast ist zu schwach.\nAuf dem Handy. ",
        name=" ",
        email="",
        page="/veranstaltungen",
        locale=Locale.EN,
    )
    assert feedback.message == "Der Kontrast ist zu schwach.\nAuf dem Handy."
    assert feedback.email is None
    assert feedback.name == ""
    assert feedback.locale is Locale.EN
