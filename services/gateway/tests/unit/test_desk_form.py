"""The event form's rules: Berlin time, required fields, the order of start, end and deadline."""

from datetime import UTC, datetime

import pytest

from gateway.desk.domain.model import validate_event, validate_new_event
from gateway.desk.domain.organisers import InvalidAccount, RecentFailures, account_details
from gateway.domain.validation import InvalidInput

FORM = {
    "title": "  Fachtag   Quartier ",
    "kind": "fachtag",
    "description": "Erster Absatz.\n\nZweiter Absatz.",
    "start_date": "12.03.2026",
    "start_time": "10:00",
    "end_date": "2026-03-12",
    "end_time": "16.00",
    "venue": "Hospitalhof",
    "city": "Stuttgart",
    "capacity": "300",
}


def fields(exc: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {problem.field for problem in exc.value.problems}


def test_times_are_read_in_berlin_time_and_texts_tidied():
    details, seats = validate_new_event(FORM)

    assert seats == 300
    assert details.title == "Fachtag Quartier"
    assert details.description == "Erster Absatz.\n\nZweiter Absatz."
    assert details.starts_at == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert details.ends_at == datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    assert details.registration_deadline is None
    assert not details.waitlist_enabled
    assert (details.address, details.organiser_contact) == ("", "")


def test_summer_time_counts():
    details = validate_event({**FORM, "start_date": "2026-07-01", "end_date": "2026-07-01"})
    assert details.starts_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_every_problem_at_once():
    broken = {
        **FORM,
        "title": " ",
        "kind": "party",
        "start_date": "31.02.2026",
        "end_time": "25:00",
        "venue": "",
        "city": "x" * 101,
        "capacity": "-1",
    }
    with pytest.raises(InvalidInput) as exc:
        validate_new_event(broken)
    assert fields(exc) == {
        "title",
        "kind",
        "start_date",
        "end_time",
        "venue",
        "city",
        "capacity",
    }
    assert all(problem.message_de and problem.message_en for problem in exc.value.problems)


def test_the_end_comes_after_the_start_and_the_deadline_not_after_it():
    with pytest.raises(InvalidInput) as exc:
        validate_event(
            {**FORM, "end_time": "10:00", "deadline_date": "2026-03-12", "deadline_time": "11:00"}
        )
    assert fields(exc) == {"end_date", "deadline_date"}


def test_a_deadline_needs_date_and_time():
    with pytest.raises(InvalidInput) as exc:
        validate_event({**FORM, "deadline_date": "2026-03-10"})
    assert fields(exc) == {"deadline_time"}
    details = validate_event({**FORM, "deadline_date": "2026-03-10", "deadline_time": "23:59"})
    assert details.registration_deadline == datetime(2026, 3, 10, 22, 59, tzinfo=UTC)


def test_account_details_are_checked():
    assert account_details(" Team@Example.ORG ", " Petra  Planer ", "x" * 12) == (
        "team@example.org",
        "Petra Planer",
    )
    for email, name, password in (
        ("kein-at", "Petra", "x" * 12),
        ("team@example.org", " ", "x" * 12),
        ("team@example.org", "Petra", "x" * 11),
    ):
        with pytest.raises(InvalidAccount):
            account_details(email, name, password)


def test_throttling_starts_at_five_failures():
    assert not RecentFailures(4, 4).throttled
    assert RecentFailures(5, 0).throttled
    assert RecentFailures(0, 5).throttled
