import pytest

from contracts.messages import Locale
from gateway.domain.validation import InvalidInput, validate_attendee


def test_valid_input_is_tidied():
    attendee = validate_attendee(
        name="  Erika   Mustermann ",
        email=" erika@Stuttgart.DE ",
        organisation=" Landeshauptstadt  Stuttgart",
        privacy_consent=True,
    )
    assert attendee.name == "Erika Mustermann"
    assert attendee.email == "erika@stuttgart.de"
    assert attendee.organisation == "Landeshauptstadt Stuttgart"
    assert attendee.locale is Locale.DE


def test_every_problem_is_reported_at_once_in_german_and_english():
    with pytest.raises(InvalidInput) as caught:
        validate_attendee(name=" ", email="erika@", organisation=None, privacy_consent=False)
    problems = {problem.field: problem for problem in caught.value.problems}
    assert problems["name"].de == "Bitte geben Sie Ihren Namen an."
    assert problems["email"].de == "Bitte geben Sie eine gültige E-Mail-Adresse an."
    assert problems["privacy_consent"].de == "Bitte stimmen Sie der Datenschutzerklärung zu."
    assert problems["email"].en == "Please enter a valid email address."
    assert set(problems) == {"name", "email", "privacy_consent"}


def test_overlong_fields_and_unknown_locales_are_refused():
    with pytest.raises(InvalidInput) as caught:
        validate_attendee(
            name="x" * 201,
            email="a@example.org",
            organisation="y" * 201,
            privacy_consent=True,
            locale="fr",
        )
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("name", "too_long"),
        ("organisation", "too_long"),
        ("locale", "invalid"),
    }


def test_english_locale():
    attendee = validate_attendee(
        name="Jane Doe",
        email="jane@example.org",
        organisation="",
        privacy_consent=True,
        locale="en",
    )
    assert attendee.locale is Locale.EN
