"""The Fachtag programme at the desk: the programme builder in the event form, the sessions
on the event page, a session's people, moving a person, a session's capacity and the
exports per session – against fake capacity and registration services."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from openpyxl import load_workbook

from contracts.http.capacity import EventDetails, ProgrammeSession, ProgrammeSlot, SessionList
from contracts.http.errors import ApiError
from contracts.http.registration import RegistrationStatus
from contracts.messages import EventSnapshot, SessionSnapshot, SlotSnapshot
from gateway.desk.service_layer.ports import CapacityRefused
from services.gateway.tests.unit.test_desk_pages import (
    NEW_EVENT,
    assert_accessible,
    assert_refused_at_the_capacity_field,
    invalid_event,
    post_form,
)

SLOT = datetime(2026, 3, 12, 12, 30, tzinfo=UTC)  # 13:30 Berlin time, the Fachtag's afternoon


def programme_refused() -> CapacityRefused:
    """Capacity's answer to a programme with fewer seats in a session than are taken."""
    return invalid_event(
        "programme",
        "seats_taken",
        "Ein Forum hat mehr Teilnehmende als die neue Kapazität.",
        "A session has more participants than its new capacity.",
    )


class ProgrammeCapacity:
    """The desk's fake capacity with a programme: who holds and waits per session, moves
    by hand (refused when the session is full), capacities through a new programme."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lists: dict[UUID, SessionList] = {}
        self.assigned: list[tuple[UUID, UUID, UUID]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def session(
        self, session_id: UUID, given: ProgrammeSession | SessionSnapshot, slot_id: UUID
    ) -> SessionSnapshot:
        capacity = given.capacity
        listed = self.lists.setdefault(
            session_id,
            SessionList(
                slot_id=slot_id, session_id=session_id, capacity=capacity, holders=[], waiting=[]
            ),
        )
        taken = len(listed.holders)
        if taken > capacity:
            raise programme_refused()
        self.lists[session_id] = listed.model_copy(update={"capacity": capacity})
        return SessionSnapshot(
            session_id=session_id,
            **given.model_dump(include={"title", "description", "room", "moderation"}),
            capacity=capacity,
            seats_taken=taken,
            seats_left=capacity - taken,
            waitlist_length=len(listed.waiting),
        )

    def slots(self, programme: list[ProgrammeSlot]) -> list[SlotSnapshot]:
        """The programme as capacity answers it: new ids given, seats counted."""
        answered = []
        for slot in programme:
            slot_id = slot.slot_id or uuid.uuid4()
            sessions = [
                self.session(s.session_id or uuid.uuid4(), s, slot_id) for s in slot.sessions
            ]
            values = slot.model_dump(exclude={"slot_id", "sessions"})
            answered.append(SlotSnapshot(slot_id=slot_id, sessions=sessions, **values))
        return answered

    def add(self, **changes: Any) -> EventSnapshot:
        """An event with the afternoon's Praxisforen (``forum_seats`` each) unless given."""
        if "programme" not in changes:
            seats = changes.pop("forum_seats", 2)
            changes["programme"] = self.slots([afternoon(seats)])
        return self.inner.add(**changes)

    async def create(
        self, details: EventDetails, capacity: int, publish: bool, correlation_id: str
    ):
        self.inner._answer()
        self.inner.created.append((details, capacity, publish))
        values = vars(details) | {"programme": self.slots(details.programme)}
        return self.inner.add(**values, capacity=capacity, seats_taken=0, seats_left=capacity)

    async def update(self, event_id: UUID, details: EventDetails, correlation_id: str):
        event = await self.inner.event(event_id, correlation_id)
        self.inner.updated.append((event_id, details))
        values = vars(details) | {"programme": self.slots(details.programme)}
        return self.inner._store(event, **values)

    def seat(self, event_id: UUID, session_id: UUID, holders: list[UUID], waiting: list[UUID]):
        """Who holds and who waits for a session; the event's numbers follow."""
        listed = self.lists[session_id]
        self.lists[session_id] = listed.model_copy(update={"holders": holders, "waiting": waiting})
        self.refresh(event_id)

    def refresh(self, event_id: UUID) -> EventSnapshot:
        """The stored event with its sessions' numbers as the lists say."""
        event = self.inner.stored[event_id]
        programme = [
            slot.model_copy(
                update={
                    "sessions": [self.session(s.session_id, s, slot.slot_id) for s in slot.sessions]
                }
            )
            for slot in event.programme
        ]
        return self.inner._store(event, programme=programme)

    async def session_lists(self, event_id: UUID, correlation_id: str) -> list[SessionList]:
        event = await self.inner.event(event_id, correlation_id)
        ids = [s.session_id for slot in event.programme for s in slot.sessions]
        return [self.lists[session_id] for session_id in ids]

    async def assign_session(
        self, event_id: UUID, session_id: UUID, registration_id: UUID, correlation_id: str
    ) -> EventSnapshot:
        event = await self.inner.event(event_id, correlation_id)
        target = self.lists[session_id]
        if len(target.holders) >= target.capacity:
            raise CapacityRefused(
                409,
                ApiError(
                    code="session_full",
                    message_de=f"„Forum“ ist voll ({target.capacity} Plätze).",
                    message_en=f"“Forum” is full ({target.capacity} seats).",
                ),
            )
        for key, listed in self.lists.items():
            if listed.slot_id == target.slot_id:
                self.lists[key] = listed.model_copy(
                    update={
                        "holders": [r for r in listed.holders if r != registration_id],
                        "waiting": [r for r in listed.waiting if r != registration_id],
                    }
                )
        self.lists[session_id].holders.append(registration_id)
        self.assigned.append((event_id, session_id, registration_id))
        return self.refresh(event.event_id)


def afternoon(seats: int) -> ProgrammeSlot:
    return ProgrammeSlot(
        title="Praxisforen am Nachmittag",
        starts_at=SLOT,
        ends_at=SLOT.replace(hour=14),
        sessions=[
            {"title": "Forum A: Wohnen", "room": "Saal 1", "capacity": seats},
            {"title": "Forum B: Pflege", "room": "Saal 2", "capacity": seats},
        ],
        ranks=2,
        choice_required=True,
    )


@pytest.fixture
def capacity(capacity):
    """The conftest's fake capacity, with a programme."""
    return ProgrammeCapacity(capacity)


@pytest.fixture
async def desk_client(client, organiser, log_in):
    assert (await log_in(client)).status_code == 303
    return client


def sessions_of(event: EventSnapshot) -> list[SessionSnapshot]:
    return [s for slot in event.programme for s in slot.sessions]


@pytest.fixture
def fachtag(capacity, registration_desk):
    """A Fachtag whose Forum A is full (Anna, Ben), with Wim and Zoe waiting for it in this
    order, and Forum B empty."""
    event = capacity.add(forum_seats=2)
    forum_a, forum_b = sessions_of(event)
    people = {
        name: registration_desk.add(
            event.event_id,
            RegistrationStatus.CONFIRMED,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            organisation=organisation,
        )
        for name, organisation in (
            ("Anna Platz", "Stadt Ulm"),
            ("Ben Platz", "Gemeinde Au"),
            ("Wim Wartend", "Landkreis Calw"),
            ("Zoe Zweite", "=Böse()"),
        )
    }
    ids = {name: p.registration_id for name, p in people.items()}
    capacity.seat(
        event.event_id,
        forum_a.session_id,
        holders=[ids["Anna Platz"], ids["Ben Platz"]],
        waiting=[ids["Wim Wartend"], ids["Zoe Zweite"]],
    )
    return event, forum_a, forum_b, ids


FORM = "/verwaltung/veranstaltungen/neu"
PROGRAMME = {
    "slot_rows": "2",
    "slot-1-title": "Begrüßung",
    "slot-1-start_time": "10:00",
    "slot-1-end_time": "10:30",
    "slot-1-session_rows": "1",
    "slot-2-title": "Praxisforen",
    "slot-2-start_time": "13:30",
    "slot-2-end_time": "15:00",
    "slot-2-session_rows": "3",
    "slot-2-session-1-title": "Forum A: Wohnen",
    "slot-2-session-1-room": "Saal 1",
    "slot-2-session-1-moderation": "Dr. Mira Moder",
    "slot-2-session-1-capacity": "40",
    "slot-2-session-2-title": "Forum B: Pflege",
    "slot-2-session-2-capacity": "30",
    "slot-2-ranks": "2",
    "slot-2-fallback": "ja",
    "choice_deadline_date": "2026-03-26",
    "choice_deadline_time": "18:00",
}


def control_ids(html: str) -> set[str]:
    return {c.get("id") or "" for c in assert_accessible(html).controls}


async def test_the_new_form_has_labelled_rows_for_a_slot_and_its_sessions(desk_client):
    page = await desk_client.get(FORM)

    ids = control_ids(page.text)
    for field in (
        "slot-1-title",
        "slot-1-date",
        "slot-1-start_time",
        "slot-1-end_time",
        "slot-1-ranks",
        "slot-1-choice_required",
        "slot-1-fallback",
        "slot-1-session-3-title",
        "slot-1-session-3-description",
        "slot-1-session-3-room",
        "slot-1-session-3-moderation",
        "slot-1-session-3-capacity",
        "choice_deadline_date",
        "choice_deadline_time",
    ):
        assert field in ids, field
    assert "slot-2-title" not in ids and "slot-1-session-4-title" not in ids
    assert 'name="mehr" value="programmpunkt"' in page.text


async def test_more_rows_keep_what_was_typed_and_save_nothing(desk_client, capacity, form_token):
    typed = {**NEW_EVENT, **PROGRAMME, "mehr": "foren-2"}

    more = await post_form(desk_client, FORM, FORM, typed, form_token)

    assert more.status_code == 200
    assert capacity.created == []
    ids = control_ids(more.text)
    assert "slot-2-session-5-title" in ids and "slot-2-session-6-title" not in ids
    assert 'value="Forum A: Wohnen"' in more.text and 'value="Dr. Mira Moder"' in more.text
    assert 'name="slot-2-session_rows" value="5"' in more.text
    assert "Gespeichert ist noch nichts." in more.text

    slot = await post_form(desk_client, FORM, FORM, {**typed, "mehr": "programmpunkt"}, form_token)
    assert "slot-3-title" in control_ids(slot.text)
    assert 'name="slot_rows" value="3"' in slot.text


async def test_a_new_event_is_saved_with_its_programme(desk_client, capacity, form_token):
    data = {**NEW_EVENT, **PROGRAMME, "start_date": "2026-03-27", "end_date": "2026-03-27"}
    data["deadline_date"] = "2026-03-26"

    saved = await post_form(desk_client, FORM, FORM, {**data, "action": "draft"}, form_token)

    assert saved.status_code == 303
    ((details, _, _),) = capacity.created
    welcome, forums = details.programme
    assert (welcome.title, welcome.sessions, welcome.ranks) == ("Begrüßung", [], 0)
    assert welcome.starts_at == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # the event's day
    assert [s.title for s in forums.sessions] == ["Forum A: Wohnen", "Forum B: Pflege"]
    first = forums.sessions[0]
    assert (first.room, first.moderation, first.capacity, first.session_id) == (
        "Saal 1",
        "Dr. Mira Moder",
        40,
        None,
    )
    assert (forums.ranks, forums.choice_required, forums.fallback) == (2, False, True)
    assert details.choice_deadline == datetime(2026, 3, 26, 17, 0, tzinfo=UTC)


async def test_programme_errors_stand_next_to_their_fields_in_english(
    desk_client, capacity, form_token
):
    desk_client.cookies.set("lang", "en")
    data = {
        **NEW_EVENT,
        **PROGRAMME,
        "slot-2-session-2-title": "",
        "slot-2-session-1-capacity": "viele",
        "slot-1-end_time": "09:00",
        "choice_deadline_date": "2026-04-01",
        "action": "draft",
    }

    answer = await post_form(desk_client, FORM, FORM, data, form_token)

    assert answer.status_code == 422
    assert capacity.created == []
    html = answer.text
    for field in (
        "slot-2-session-2-title",
        "slot-2-session-1-capacity",
        "slot-1-end_time",
        "choice_deadline_date",
    ):
        assert f'href="#{field}"' in html, field
        assert f'id="{field}-error"' in html, field
    assert "Programme item 2, session 2: Please fill in." in html
    assert "Programme item 1: The end must be after the start." in html
    assert 'value="Forum B: Pflege"' not in html and 'value="Dr. Mira Moder"' in html
    assert_accessible(html)


async def test_editing_keeps_the_ids_so_nobody_loses_a_seat(desk_client, capacity, form_token):
    event = capacity.add(forum_seats=25)
    (slot,) = event.programme
    path = f"/verwaltung/veranstaltungen/{event.event_id}/bearbeiten"

    form = await desk_client.get(path)
    assert f'name="slot-1-id" value="{slot.slot_id}"' in form.text
    assert f'name="slot-1-session-2-id" value="{slot.sessions[1].session_id}"' in form.text
    assert 'name="slot-1-start_time" value="13:30"' in form.text  # Berlin time
    assert 'name="slot-1-session-1-capacity" value="25"' in form.text
    assert (
        'id="slot-1-choice_required" name="slot-1-choice_required" value="ja" checked' in form.text
    )

    values = dict(re.findall(r'name="(slot[^"]*)" value="([^"]*)"', form.text))
    values = {k: v for k, v in values.items() if not k.endswith(("choice_required", "fallback"))}
    values |= {
        "slot-1-session-1-capacity": "30",
        "slot-1-session-3-title": "Forum C: Mobilität",
        "slot-1-session-3-capacity": "15",
    }
    fachtag = {**NEW_EVENT, "start_date": "2026-03-12", "end_date": "2026-03-12"}
    fachtag["deadline_date"] = "2026-03-10"
    saved = await post_form(desk_client, path, path, {**fachtag, **values}, form_token)

    assert saved.status_code == 303
    ((_, details),) = capacity.updated
    (sent,) = details.programme
    assert sent.slot_id == slot.slot_id
    assert [s.session_id for s in sent.sessions][:2] == [s.session_id for s in slot.sessions]
    assert sent.sessions[2].session_id is None
    assert [s.capacity for s in sent.sessions] == [30, 25, 15]
    assert not sent.choice_required  # the box was left unticked


async def test_capacitys_refusal_of_the_programme_stands_at_the_programme(
    desk_client, capacity, form_token
):
    capacity.inner.failure = programme_refused()
    data = {**NEW_EVENT, **PROGRAMME, "start_date": "2026-03-27", "end_date": "2026-03-27"}
    data["deadline_date"] = "2026-03-26"

    answer = await post_form(desk_client, FORM, FORM, {**data, "action": "draft"}, form_token)

    assert answer.status_code == 422
    assert '<li><a href="#programme">Ein Forum hat mehr Teilnehmende' in answer.text
    assert 'id="programme-error"' in answer.text
    assert 'value="Forum A: Wohnen"' in answer.text


async def test_the_event_page_shows_each_sessions_numbers(desk_client, fachtag):
    event, forum_a, forum_b, _ = fachtag

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    html = page.text
    assert "Programm und Foren" in html
    row_a = html[html.index(f"foren/{forum_a.session_id}") :]
    assert re.search(
        r"Forum A: Wohnen</a></th>\s*<td>Saal 1</td>\s*<td>2 von 2</td>\s*<td>0</td>\s*<td>2</td>",
        row_a,
    )
    assert f"foren/{forum_b.session_id}" in html
    assert "foren.xlsx" in html
    assert_accessible(html)


async def test_a_sessions_page_lists_holders_and_the_waiting_list_in_order(
    desk_client, capacity, fachtag
):
    event, forum_a, _, ids = fachtag
    stranger = uuid.uuid4()  # capacity lists it, the registration service does not (yet)
    capacity.seat(
        event.event_id,
        forum_a.session_id,
        holders=[ids["Anna Platz"], ids["Ben Platz"]],
        waiting=[ids["Wim Wartend"], ids["Zoe Zweite"], stranger],
    )

    page = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}"
    )

    assert page.status_code == 200
    html = page.text
    holders = html[html.index('id="plaetze"') : html.index('id="warteliste"')]
    waiting = html[html.index('id="warteliste"') :]
    assert "Anna Platz" in holders and "Stadt Ulm" in holders and "anna@example.org" in holders
    assert "Wim Wartend" not in holders
    assert waiting.index("Wim Wartend") < waiting.index("Zoe Zweite") < waiting.index(str(stranger))
    assert re.search(r"<td>2</td>\s*<th scope=\"row\">Zoe Zweite</th>", waiting)
    assert "Warteliste des Forums (3 Personen)" in html
    assert f'for="ziel-{ids["Wim Wartend"]}"' in html  # a move form per person
    assert "Forum B: Pflege (frei: 2)" in html
    assert_accessible(html)


async def test_a_person_is_moved_to_another_session(desk_client, capacity, fachtag, form_token):
    event, forum_a, forum_b, ids = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}"

    moved = await post_form(
        desk_client,
        path,
        f"{path}/verschieben",
        {"registration_id": str(ids["Anna Platz"]), "ziel": str(forum_b.session_id)},
        form_token,
    )

    assert moved.status_code == 303
    assert moved.headers["location"] == f"{path}?hinweis=verschoben"
    assert capacity.assigned == [(event.event_id, forum_b.session_id, ids["Anna Platz"])]
    shown = await desk_client.get(moved.headers["location"])
    assert "in das andere Forum verschoben" in shown.text


async def test_a_move_into_a_full_session_is_refused_in_capacitys_words(
    desk_client, capacity, fachtag, form_token
):
    event, forum_a, forum_b, ids = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_b.session_id}"
    data = {"registration_id": str(ids["Wim Wartend"]), "ziel": str(forum_a.session_id)}

    refused = await post_form(desk_client, path, f"{path}/verschieben", data, form_token)

    assert refused.status_code == 409
    assert "„Forum“ ist voll (2 Plätze)." in refused.text
    assert 'class="error-summary"' in refused.text
    assert capacity.assigned == []
    assert capacity.lists[forum_a.session_id].waiting[0] == ids["Wim Wartend"]
    desk_client.cookies.set("lang", "en")
    english = await post_form(desk_client, path, f"{path}/verschieben", data, form_token)
    assert "“Forum” is full (2 seats)." in english.text


async def test_a_move_needs_the_csrf_token(desk_client, capacity, fachtag):
    event, forum_a, forum_b, ids = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}"
    data = {"registration_id": str(ids["Anna Platz"]), "ziel": str(forum_b.session_id)}

    forged = await desk_client.post(f"{path}/verschieben", data=data)

    assert forged.status_code == 403
    assert capacity.assigned == []


async def test_a_sessions_capacity_is_raised_through_the_programme(
    desk_client, capacity, fachtag, form_token
):
    event, forum_a, forum_b, _ = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}"

    raised = await post_form(desk_client, path, f"{path}/kapazitaet", {"capacity": "5"}, form_token)

    assert raised.headers["location"] == f"{path}?hinweis=kapazitaet"
    ((event_id, details),) = capacity.updated
    (slot,) = details.programme
    assert event_id == event.event_id and slot.slot_id == event.programme[0].slot_id
    assert [(s.session_id, s.capacity) for s in slot.sessions] == [
        (forum_a.session_id, 5),
        (forum_b.session_id, 2),
    ]
    assert (details.title, details.venue, slot.choice_required) == (event.title, event.venue, True)


async def test_a_sessions_capacity_below_the_seats_taken_is_refused_at_the_field(
    desk_client, capacity, fachtag, form_token
):
    event, forum_a, _, _ = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}"

    refused = await post_form(
        desk_client, path, f"{path}/kapazitaet", {"capacity": "1"}, form_token
    )

    assert_refused_at_the_capacity_field(refused, "2 Plätze sind schon vergeben", "1")
    assert sessions_of(capacity.inner.stored[event.event_id])[0].capacity == 2

    typo = await post_form(
        desk_client, path, f"{path}/kapazitaet", {"capacity": "zwei"}, form_token
    )
    assert typo.status_code == 422


async def test_an_unknown_session_is_404(desk_client, fachtag):
    event, *_ = fachtag
    for session_id in (uuid.uuid4(), "kein-forum"):
        page = await desk_client.get(
            f"/verwaltung/veranstaltungen/{event.event_id}/foren/{session_id}"
        )
        assert page.status_code == 404
        assert "Forum nicht gefunden" in page.text


async def test_a_sessions_csv_lists_holders_then_the_waiting_list(desk_client, fachtag):
    event, forum_a, _, _ = fachtag
    path = f"/verwaltung/veranstaltungen/{event.event_id}/foren/{forum_a.session_id}/liste.csv"

    answer = await desk_client.get(path)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Liste", "Wartelistenplatz", "Name", "E-Mail", "Organisation"]
    assert [row[:3] for row in rows[1:]] == [
        ["Platz im Forum", "", "Anna Platz"],
        ["Platz im Forum", "", "Ben Platz"],
        ["Warteliste", "1", "Wim Wartend"],
        ["Warteliste", "2", "Zoe Zweite"],
    ]
    assert rows[4][4] == "'=Böse()"


async def test_the_workbook_has_a_sheet_per_session(desk_client, fachtag):
    event, *_ = fachtag
    desk_client.cookies.set("lang", "en")

    answer = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}/foren.xlsx")

    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="foren-{event.event_id}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Forum A Wohnen", "Forum B Pflege"]
    first = [[cell.value for cell in row] for row in workbook["Forum A Wohnen"].iter_rows()]
    assert first[0][:3] == ["List", "Waiting list place", "Name"]
    assert [row[:3] for row in first[1:]] == [
        ["Seat in the session", None, "Anna Platz"],
        ["Seat in the session", None, "Ben Platz"],
        ["Waiting list", 1, "Wim Wartend"],
        ["Waiting list", 2, "Zoe Zweite"],
    ]
    assert [[c.value for c in r] for r in workbook["Forum B Pflege"].iter_rows()][1:] == []
