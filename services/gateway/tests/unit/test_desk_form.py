"""The event form's rules: Berlin time, required fields, the order of start, end and deadline."""

import uuid
from datetime import UTC, datetime

import pytest

from contracts.http.capacity import MAX_SESSIONS, MAX_SLOTS
from contracts.messages import SessionSnapshot, SlotSnapshot
from gateway.desk.domain.model import validate_event, validate_new_event
from gateway.desk.domain.organisers import InvalidAccount, RecentFailures, account_details
from gateway.desk.domain.programme import SessionNotFound, row_layout, with_session_capacity
from gateway.desk.domain.stand_call import stand_call_values
from gateway.domain.validation import InvalidInput
from services.gateway.tests.unit.conftest import snapshot

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


# --- the programme ---------------------------------------------------------------------

SLOT_ID, SESSION_ID = uuid.uuid4(), uuid.uuid4()
PROGRAMME = {
    "slot_rows": "3",
    "slot-1-id": str(SLOT_ID),
    "slot-1-title": "  Praxisforen  ",
    "slot-1-date": "12.03.2026",
    "slot-1-start_time": "13:30",
    "slot-1-end_time": "15.00",
    "slot-1-session_rows": "3",
    "slot-1-session-1-id": str(SESSION_ID),
    "slot-1-session-1-title": "Forum A",
    "slot-1-session-1-description": "Erster Absatz.\n\nZweiter.",
    "slot-1-session-1-capacity": "40",
    "slot-1-session-3-title": "Forum C",
    "slot-1-session-3-capacity": "0",
    "slot-1-choice_required": "ja",
    "slot-2-title": "Abschluss",
    "slot-2-start_time": "15:15",
    "slot-2-end_time": "16:00",
    "slot-2-ranks": "2",
    "slot-2-fallback": "ja",
    "slot-2-session_rows": "1",
}


def test_the_programme_is_read_in_berlin_time_with_its_ids():
    details = validate_event({**FORM, **PROGRAMME})

    forums, closing = details.programme  # the empty third slot row is left out
    assert (forums.slot_id, forums.title) == (SLOT_ID, "Praxisforen")
    assert forums.starts_at == datetime(2026, 3, 12, 12, 30, tzinfo=UTC)
    assert forums.ends_at == datetime(2026, 3, 12, 14, 0, tzinfo=UTC)
    first, third = forums.sessions  # the empty second session row too
    assert (first.session_id, first.capacity, first.description) == (
        SESSION_ID,
        40,
        "Erster Absatz.\n\nZweiter.",
    )
    assert (third.session_id, third.title, third.capacity) == (None, "Forum C", 0)
    assert (forums.ranks, forums.choice_required, forums.fallback) == (2, True, False)
    # A slot without sessions is for everyone: no choices, whatever was ticked.
    assert closing.slot_id is None and closing.sessions == []
    assert (closing.ranks, closing.fallback) == (0, False)
    assert closing.starts_at == datetime(2026, 3, 12, 14, 15, tzinfo=UTC)  # the event's day
    assert details.choice_deadline is None


def test_programme_problems_name_their_field_and_where_it_is():
    broken = {
        **PROGRAMME,
        "slot-1-title": "",
        "slot-1-session-1-capacity": "-3",
        "slot-1-session-3-title": "",
        "slot-1-ranks": "3",
        "slot-2-start_time": "09:00",
        "slot-2-end_time": "09:30",  # before the event starts at 10:00
        "slot-3-session-1-room": "Saal 4",  # a session typed into an untitled slot row
        "slot-3-session_rows": "1",
    }
    with pytest.raises(InvalidInput) as exc:
        validate_event({**FORM, **broken})
    messages = {p.field: (p.message_de, p.message_en) for p in exc.value.problems}
    assert set(messages) == {
        "slot-1-title",
        "slot-1-session-1-capacity",
        "slot-1-session-3-title",
        "slot-2-start_time",
        "slot-3-title",
        "slot-3-start_time",
        "slot-3-end_time",
        "slot-3-session-1-title",
        "slot-3-session-1-capacity",
        "slot-1-ranks",  # 3 choices asked of 2 sessions
    }
    assert messages["slot-1-session-3-title"] == (
        "Programmpunkt 1, Forum 3: Bitte füllen Sie dieses Feld aus.",
        "Programme item 1, session 3: Please fill in.",
    )
    assert messages["slot-1-ranks"][0] == (
        "Programmpunkt 1: Es können 1 bis 2 Wünsche abgefragt werden."
    )
    assert "zwischen Beginn und Ende der Veranstaltung" in messages["slot-2-start_time"][0]


def test_a_slot_ends_after_it_starts_and_texts_keep_their_limits():
    with pytest.raises(InvalidInput) as exc:
        validate_event(
            {
                **FORM,
                **PROGRAMME,
                "slot-2-end_time": "15:15",
                "slot-1-session-1-room": "x" * 301,
                "slot-1-session-1-description": "x" * 2001,
            }
        )
    assert fields(exc) == {
        "slot-2-end_time",
        "slot-1-session-1-room",
        "slot-1-session-1-description",
    }


def test_the_choice_deadline_is_not_after_the_start():
    late = {"choice_deadline_date": "2026-03-12", "choice_deadline_time": "10:30"}
    with pytest.raises(InvalidInput) as exc:
        validate_event({**FORM, **PROGRAMME, **late})
    assert fields(exc) == {"choice_deadline_date"}
    details = validate_event({**FORM, **PROGRAMME, **late, "choice_deadline_time": "09:00"})
    assert details.choice_deadline == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


def test_the_form_shows_more_rows_when_asked_but_never_more_than_capacity_takes():
    assert [(r.number, r.sessions) for r in row_layout({})] == [(1, (1, 2, 3))]
    asked = row_layout({**PROGRAMME, "mehr": "foren-2"})
    assert [len(r.sessions) for r in asked] == [3, 3, 3]
    assert len(row_layout({**PROGRAMME, "mehr": "programmpunkt"})) == 4
    most = row_layout({"slot_rows": "999", "slot-1-session_rows": "999", "mehr": "foren-1"})
    assert len(most) == MAX_SLOTS and len(most[0].sessions) == MAX_SESSIONS
    assert not most[0].can_grow


def test_a_sessions_capacity_changes_and_nothing_else():
    slot = SlotSnapshot(
        slot_id=SLOT_ID,
        title="Praxisforen",
        starts_at=datetime(2026, 3, 12, 12, 30, tzinfo=UTC),
        ends_at=datetime(2026, 3, 12, 14, 0, tzinfo=UTC),
        ranks=2,
        fallback=True,
        sessions=[
            SessionSnapshot(
                session_id=sid,
                title=title,
                room="Saal",
                capacity=10,
                seats_taken=10,
                seats_left=0,
                waitlist_length=3,
            )
            for sid, title in ((SESSION_ID, "Forum A"), (uuid.uuid4(), "Forum B"))
        ],
    )
    event = snapshot(programme=[slot], choice_deadline=datetime(2026, 3, 10, tzinfo=UTC))

    details = with_session_capacity(event, SESSION_ID, 15)

    (sent,) = details.programme
    assert [(s.session_id, s.capacity) for s in sent.sessions] == [
        (SESSION_ID, 15),
        (slot.sessions[1].session_id, 10),
    ]
    assert (sent.slot_id, sent.ranks, sent.fallback, sent.sessions[0].room) == (
        SLOT_ID,
        2,
        True,
        "Saal",
    )
    assert (details.title, details.choice_deadline) == (event.title, event.choice_deadline)
    with pytest.raises(SessionNotFound):
        with_session_capacity(event, uuid.uuid4(), 15)


CALL = {
    "call_stands": " 20 ",
    "call_opens_date": "2026-01-15",
    "call_opens_time": "09:00",
    "call_closes_date": "2026-02-15",
    "call_closes_time": "23:59",
    "call_description": " Ein Tisch und Strom.\n\nAufbau ab 8 Uhr. ",
}


def test_a_call_for_stands_is_read_in_berlin_time_and_shown_again_for_editing():
    details, _ = validate_new_event({**FORM, **CALL})

    call = details.stand_call
    assert call is not None
    assert call.stands == 20
    assert call.opens_at == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2026, 2, 15, 22, 59, tzinfo=UTC)
    assert call.description == "Ein Tisch und Strom.\n\nAufbau ab 8 Uhr."
    assert stand_call_values(call) == {
        **{name: value.strip() for name, value in CALL.items()},
        "call_description": "Ein Tisch und Strom.\n\nAufbau ab 8 Uhr.",
    }
    assert validate_new_event(FORM)[0].stand_call is None
    assert stand_call_values(None) == {}


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        ({"call_stands": "0"}, {"call_stands"}),
        ({"call_stands": "viele"}, {"call_stands"}),
        ({"call_opens_date": ""}, {"call_opens_date"}),
        ({"call_closes_time": "spät"}, {"call_closes_time"}),
        ({"call_closes_date": "2026-01-10"}, {"call_closes_date"}),  # before it opens
        ({"call_closes_date": "2026-03-12", "call_closes_time": "10:30"}, {"call_closes_date"}),
        ({"call_description": "x" * 2001}, {"call_description"}),
    ],
)
def test_a_call_that_makes_no_sense_names_its_field(changes, wrong):
    with pytest.raises(InvalidInput) as exc:
        validate_new_event({**FORM, **CALL, **changes})
    assert fields(exc) == wrong
    assert all(p.message_de and p.message_en for p in exc.value.problems)
