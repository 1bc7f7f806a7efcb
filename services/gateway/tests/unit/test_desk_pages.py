"""The organiser desk's pages against fake capacity and registration services."""

import json
import logging
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import ApiError, Problem
from contracts.http.registration import FeedbackEntry as Feedback
from contracts.http.registration import RegistrationStatus
from contracts.messages import CloseReason, EventKind, EventStatus, Locale, StandCall
from gateway.desk.service_layer.ports import CapacityRefused, CapacityUnavailable
from gateway.service_layer.ports import RegistrationUnavailable

NEW_EVENT = {
    "title": "Werkstattgespräch Nachbarschaft",
    "kind": "werkstattgespraech",
    "description": "Wie Nachbarschaften wachsen.",
    "start_date": "2026-03-29",  # the day the clocks go forward
    "start_time": "10:00",
    "end_date": "29.03.2026",
    "end_time": "16:30",
    "venue": "Rathaus",
    "address": "Marktplatz 1",
    "city": "Freiburg",
    "organiser_contact": "quartier@example.org",
    "capacity": "40",
    "waitlist_enabled": "ja",
    "deadline_date": "2026-03-27",
    "deadline_time": "12:00",
}


class Page(HTMLParser):
    """Labels, form controls, tables and live regions of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.tables = 0
        self.captions = 0
        self.header_cells: list[dict[str, str | None]] = []
        self.live: list[str | None] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_styles = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.inline_styles += 1
        if tag == "label":
            self.labels.add(attributes.get("for") or "")
        elif tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.controls.append(attributes)
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th":
            self.header_cells.append(attributes)
        elif tag == "script":
            self.scripts.append(attributes)
        if "aria-live" in attributes:
            self.live.append(attributes.get("id"))


def assert_accessible(html: str) -> Page:
    page = Page(html)
    for control in page.controls:
        if control.get("tabindex") == "-1":
            continue  # the honeypot of the public forms
        assert control.get("id") in page.labels, f"no label for {control}"
    assert page.tables == page.captions
    assert all(cell.get("scope") in {"col", "row"} for cell in page.header_cells)
    assert all(script.get("src") for script in page.scripts), "inline script"
    assert page.inline_styles == 0
    return page


def invalid_event(field: str, code: str, message_de: str, message_en: str) -> CapacityRefused:
    """Capacity's 422 about one field of the event's details."""
    problem = Problem(field=field, code=code, message_de=message_de, message_en=message_en)
    error = ApiError(
        code="invalid_event",
        message_de="Bitte prüfen Sie die Angaben zur Veranstaltung.",
        message_en="Please check the event's details.",
        errors=(problem,),
    )
    return CapacityRefused(422, error)


def assert_refused_at_the_capacity_field(answer, message: str, typed: str) -> None:
    """A capacity refused (409): the reason next to the field, what was typed still in it."""
    assert answer.status_code == 409
    assert message in answer.text
    assert 'aria-describedby="capacity-hint capacity-error"' in answer.text
    assert f'value="{typed}"' in answer.text


@pytest.fixture
async def desk_client(client, organiser, log_in):
    """The test client, logged in as an organiser."""
    assert (await log_in(client)).status_code == 303
    return client


async def post_form(client, page_path, action, data, form_token):
    page = await client.get(page_path)
    return await client.post(action, data={**data, "csrf_token": form_token(page)})


async def test_the_overview_lists_every_event_with_its_numbers(desk_client, capacity):
    capacity.add(title="Fachtag", seats_taken=288, capacity=300, waitlist_length=3)
    capacity.add(title="Entwurf Markt", status=EventStatus.DRAFT, kind=EventKind.MARKT)
    capacity.add(
        title="Volles Forum",
        status=EventStatus.CLOSED,
        close_reason=CloseReason.FULL,
        seats_taken=300,
        seats_left=0,
        capacity=300,
    )

    page = await desk_client.get("/verwaltung")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "noindex" in page.headers["x-robots-tag"]
    text = page.text
    for expected in (
        "Fachtag",
        "288 von 300",
        "Entwurf Markt",
        "Entwurf",
        "Geschlossen – ausgebucht",
        "Neue Veranstaltung",
        'href="/verwaltung/rueckmeldungen"',
    ):
        assert expected in text, expected
    assert_accessible(text)


async def test_a_new_event_is_saved_as_a_draft_in_berlin_time(desk_client, capacity, form_token):
    form = "/verwaltung/veranstaltungen/neu"
    page = await desk_client.get(form)
    assert_accessible(page.text)
    assert "Als Entwurf speichern" in page.text and "Veröffentlichen" in page.text

    saved = await post_form(desk_client, form, form, {**NEW_EVENT, "action": "draft"}, form_token)

    assert saved.status_code == 303
    ((details, seats, publish),) = capacity.created
    assert (seats, publish) == (40, False)
    assert details.kind is EventKind.WERKSTATTGESPRAECH
    assert details.starts_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert details.ends_at == datetime(2026, 3, 29, 14, 30, tzinfo=UTC)
    assert details.registration_deadline == datetime(2026, 3, 27, 11, 0, tzinfo=UTC)  # CET
    assert details.waitlist_enabled
    shown = await desk_client.get(saved.headers["location"])
    assert "als Entwurf gespeichert" in shown.text
    assert "Veröffentlichen" in shown.text


async def test_publishing_straight_away(desk_client, capacity, form_token):
    form = "/verwaltung/veranstaltungen/neu"
    data = {**NEW_EVENT, "action": "publish", "waitlist_enabled": ""}
    saved = await post_form(desk_client, form, form, data, form_token)
    assert saved.status_code == 303
    ((details, _, publish),) = capacity.created
    assert publish and not details.waitlist_enabled


async def test_form_errors_stand_next_to_their_fields(desk_client, capacity, form_token):
    form = "/verwaltung/veranstaltungen/neu"
    data = {**NEW_EVENT, "title": "", "end_time": "09:00", "end_date": "2026-03-29"}
    data["capacity"] = "viele"

    answer = await post_form(desk_client, form, form, data, form_token)

    assert answer.status_code == 422
    assert capacity.created == []
    html = answer.text
    assert 'class="error-summary"' in html
    for field in ("title", "end_date", "capacity"):
        assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
        assert f'href="#{field}"' in html
    assert "Das Ende muss nach dem Beginn liegen." in html
    assert 'value="Rathaus"' in html  # what was typed stays
    assert_accessible(html)


async def test_capacity_down_keeps_the_input(desk_client, capacity, form_token):
    capacity.failure = CapacityUnavailable("down")
    form = "/verwaltung/veranstaltungen/neu"
    answer = await post_form(desk_client, form, form, {**NEW_EVENT, "action": "draft"}, form_token)

    assert answer.status_code == 503
    assert "nicht erreichbar" in answer.text
    assert 'value="Werkstattgespräch Nachbarschaft"' in answer.text


async def test_capacitys_refusal_of_a_field_stands_at_that_field(desk_client, capacity, form_token):
    capacity.failure = invalid_event(
        "ends_at",
        "before_start",
        "Das Ende liegt vor dem Beginn.",
        "The end must not be before the start.",
    )
    form = "/verwaltung/veranstaltungen/neu"
    answer = await post_form(desk_client, form, form, {**NEW_EVENT, "action": "draft"}, form_token)

    assert answer.status_code == 422
    assert '<li><a href="#end_date">Das Ende liegt vor dem Beginn.</a></li>' in answer.text
    assert 'value="Werkstattgespräch Nachbarschaft"' in answer.text
    assert_accessible(answer.text)


async def test_the_event_page_shows_participants_by_status(
    desk_client, capacity, registration_desk
):
    event = capacity.add(seats_taken=1, capacity=1, seats_left=0, waitlist_length=1)
    confirmed = registration_desk.add(
        event.event_id,
        RegistrationStatus.CONFIRMED,
        name="Anna Bestätigt",
        role=AttendeeRole.MAYOR,
        accessibility_needs=[AccessibilityNeed.STEP_FREE, AccessibilityNeed.OTHER],
        accessibility_other="Assistenzhund",
    )
    waiting = registration_desk.add(
        event.event_id,
        RegistrationStatus.WAITLISTED,
        name="Wim Wartend",
        waitlist_position=1,
        locale=Locale.EN,
    )
    gone = registration_desk.add(
        event.event_id,
        RegistrationStatus.CANCELLED,
        name="Carla Storniert",
        cancel_reason="attendee",
    )

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    html = page.text
    assert page.status_code == 200
    for expected in (
        "Bestätigt (1 Person)",
        "Warteliste (1 Person)",
        "Storniert (1 Person)",
        "Bürgermeisterin oder Bürgermeister",
        "Stufenloser Zugang",
        "Anderer Bedarf: Assistenzhund",
        "Englisch",
        "Storniert von der Person selbst",
        "Aktualisieren",
        "teilnehmende.csv",
        "teilnehmende.xlsx",
    ):
        assert expected in html, expected
    assert f"stornieren-{confirmed.registration_id}" in html
    assert f"stornieren-{waiting.registration_id}" in html
    assert f"stornieren-{gone.registration_id}" not in html
    page_parts = assert_accessible(html)
    # only the counts and the "n new" notice are announced
    assert page_parts.live == ["desk-counts", "desk-new"]
    assert '<script src="/static/desk.js" defer>' in html


async def test_the_live_data_carries_counts_and_table(desk_client, capacity, registration_desk):
    event = capacity.add(seats_taken=7, capacity=10, seats_left=3)
    registration_desk.add(event.event_id, RegistrationStatus.CONFIRMED, name="Lea Live")

    live = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}/stand.json")

    assert live.status_code == 200
    assert live.headers["cache-control"] == "no-store"
    body = live.json()
    assert (body["seats_taken"], body["capacity"], body["seats_left"]) == (7, 10, 3)
    assert "7 von 10" in body["counts_html"]
    assert "Lea Live" in body["participants_html"]


async def test_the_page_stays_when_registration_is_down(desk_client, capacity, registration_desk):
    event = capacity.add()
    registration_desk.failure = RegistrationUnavailable("down")

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    assert page.status_code == 200
    assert "nicht abrufbar" in page.text
    feedback = await desk_client.get("/verwaltung/rueckmeldungen")
    assert feedback.status_code == 503


async def test_unknown_events_are_404(desk_client, capacity):
    for event_id in (str(uuid.uuid4()), "kein-uuid"):
        page = await desk_client.get(f"/verwaltung/veranstaltungen/{event_id}")
        assert page.status_code == 404
        assert "Veranstaltung nicht gefunden" in page.text


async def test_capacity_below_the_seats_taken_is_refused_at_the_field(
    desk_client, capacity, form_token
):
    event = capacity.add(seats_taken=12, capacity=20, seats_left=8)
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    refused = await post_form(
        desk_client, path, f"{path}/kapazitaet", {"capacity": "10"}, form_token
    )

    assert_refused_at_the_capacity_field(refused, "12 Plätze sind schon vergeben", "10")
    assert capacity.stored[event.event_id].capacity == 20

    raised = await post_form(
        desk_client, path, f"{path}/kapazitaet", {"capacity": "25"}, form_token
    )
    assert raised.status_code == 303
    assert capacity.stored[event.event_id].capacity == 25


async def test_close_reopen_and_a_refused_publish(desk_client, capacity, form_token):
    event = capacity.add()
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    closed = await post_form(desk_client, path, f"{path}/schliessen", {}, form_token)
    assert closed.headers["location"] == f"{path}?hinweis=geschlossen"
    assert capacity.stored[event.event_id].status is EventStatus.CLOSED
    page = await desk_client.get(path)
    assert "Anmeldung wieder öffnen" in page.text

    reopened = await post_form(desk_client, path, f"{path}/wiedereroeffnen", {}, form_token)
    assert reopened.status_code == 303
    assert capacity.stored[event.event_id].status is EventStatus.OPEN

    refused = await post_form(desk_client, path, f"{path}/veroeffentlichen", {}, form_token)
    assert refused.status_code == 409
    assert "Nicht in diesem Zustand" in refused.text
    assert 'class="error-summary"' in refused.text


async def test_cancelling_an_event_asks_first(desk_client, capacity, form_token):
    event = capacity.add()
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    question = await desk_client.get(f"{path}/absagen")
    assert question.status_code == 200
    assert "Ja, Veranstaltung absagen" in question.text
    assert capacity.actions == []

    done = await post_form(desk_client, f"{path}/absagen", f"{path}/absagen", {}, form_token)
    assert done.headers["location"] == f"{path}?hinweis=abgesagt"
    assert capacity.stored[event.event_id].status is EventStatus.CANCELLED


async def test_cancelling_a_registration_asks_first(
    desk_client, capacity, registration_desk, form_token
):
    event = capacity.add()
    person = registration_desk.add(event.event_id, RegistrationStatus.CONFIRMED, name="Otto O")
    path = f"/verwaltung/veranstaltungen/{event.event_id}"
    confirm = f"{path}/anmeldungen/{person.registration_id}/stornieren"

    question = await desk_client.get(confirm)
    assert question.status_code == 200
    assert "Otto O" in question.text
    assert "Ja, Anmeldung stornieren" in question.text

    done = await post_form(desk_client, confirm, confirm, {}, form_token)
    assert done.headers["location"] == f"{path}?hinweis=storniert"
    assert registration_desk.cancelled == [person.registration_id]
    again = await post_form(desk_client, path, confirm, {}, form_token)
    assert again.headers["location"] == f"{path}?hinweis=bereits-storniert"
    assert (await desk_client.get(confirm)).status_code == 404


async def test_editing_shows_the_details_in_berlin_time(desk_client, capacity, form_token):
    event = capacity.add(
        starts_at=datetime(2026, 7, 1, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 7, 1, 15, 0, tzinfo=UTC),
    )
    path = f"/verwaltung/veranstaltungen/{event.event_id}/bearbeiten"

    form = await desk_client.get(path)
    assert 'value="2026-07-01"' in form.text
    assert 'value="09:00"' in form.text
    assert "Änderungen speichern" in form.text
    assert_accessible(form.text)

    data = {**NEW_EVENT, "title": "Neuer Titel"}
    saved = await post_form(desk_client, path, path, data, form_token)
    assert saved.headers["location"].endswith("?hinweis=gespeichert")
    ((event_id, details),) = capacity.updated
    assert event_id == event.event_id and details.title == "Neuer Titel"


async def test_the_accessibility_report_counts_without_names(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    registration_desk.add(
        event.event_id,
        RegistrationStatus.CONFIRMED,
        name="Geheime Person",
        accessibility_needs=[AccessibilityNeed.SIGN_LANGUAGE],
    )
    registration_desk.add(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=1)

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}/barrierefreiheit")

    assert page.status_code == 200
    assert "Gebärdensprachdolmetschung" in page.text
    assert "Geheime Person" not in page.text
    assert_accessible(page.text)


async def test_feedback_from_the_accessibility_statement(desk_client, registration_desk):
    registration_desk.entries.append(
        Feedback(
            feedback_id=uuid.uuid4(),
            message="Der Kontrast der Links ist zu schwach.",
            name="Bea Beispiel",
            email="bea@example.org",
            page="/barrierefreiheit",
            received_at=datetime(2026, 2, 27, 15, 30, tzinfo=UTC),
        )
    )

    page = await desk_client.get("/verwaltung/rueckmeldungen")

    assert page.status_code == 200
    assert "Der Kontrast der Links ist zu schwach." in page.text
    assert "1 Rückmeldung" in page.text
    assert_accessible(page.text)


async def test_the_desk_speaks_english(desk_client, capacity, registration_desk):
    event = capacity.add(status=EventStatus.DRAFT)
    registration_desk.add(event.event_id, RegistrationStatus.CONFIRMED, name="Ada English")
    desk_client.cookies.set("lang", "en")

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    assert '<html lang="en">' in page.text
    for expected in ("Draft", "Confirmed (1 person)", "Publish", "Cancel"):
        assert expected in page.text, expected


async def test_no_personal_data_in_the_logs(
    desk_client, capacity, registration_desk, form_token, caplog
):
    caplog.set_level(logging.DEBUG)
    event = capacity.add()
    person = registration_desk.add(
        event.event_id, RegistrationStatus.CONFIRMED, name="Lotte Log", email="lotte@example.org"
    )
    path = f"/verwaltung/veranstaltungen/{event.event_id}"
    confirm = f"{path}/anmeldungen/{person.registration_id}/stornieren"

    await post_form(desk_client, confirm, confirm, {}, form_token)
    await desk_client.get(f"{path}/teilnehmende.csv")

    logged = caplog.text + json.dumps([record.__dict__ for record in caplog.records], default=str)
    for secret in ("Lotte", "lotte@example.org", "team@example.org", "Petra Planer"):
        assert secret not in logged


async def test_the_call_for_stands_is_set_shown_again_and_taken_back(
    desk_client, capacity, form_token
):
    event = capacity.add(
        starts_at=datetime(2026, 7, 1, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 7, 1, 15, 0, tzinfo=UTC),
        stand_call=StandCall(
            opens_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
            closes_at=datetime(2026, 5, 15, 21, 59, tzinfo=UTC),
            stands=20,
            description="Ein Tisch und Strom.",
        ),
    )
    path = f"/verwaltung/veranstaltungen/{event.event_id}/bearbeiten"

    form = await desk_client.get(path)
    assert "Markt der guten Ideen: Bewerbung für Stände" in form.text
    assert 'name="call_stands" value="20"' in form.text or 'value="20"' in form.text
    assert 'value="2026-05-15"' in form.text and 'value="23:59"' in form.text
    assert "Ein Tisch und Strom." in form.text
    assert_accessible(form.text)

    called = {
        **NEW_EVENT,
        "start_date": "2026-07-01",
        "end_date": "2026-07-01",
        "deadline_date": "",
        "deadline_time": "",
        "call_stands": "25",
        "call_opens_date": "2026-04-01",
        "call_opens_time": "10:00",
        "call_closes_date": "2026-07-02",  # after the start
        "call_closes_time": "12:00",
    }
    refused = await post_form(desk_client, path, path, called, form_token)
    assert refused.status_code == 422
    assert "Die Bewerbungsfrist darf nicht nach dem Beginn der Veranstaltung enden." in refused.text
    assert capacity.updated == []

    called["call_closes_date"] = "2026-06-01"
    await post_form(desk_client, path, path, called, form_token)
    without = {k: v for k, v in called.items() if not k.startswith("call_")}
    await post_form(desk_client, path, path, without, form_token)
    calls = [details.stand_call for _, details in capacity.updated]
    assert calls[0] is not None and calls[0].stands == 25
    assert calls[0].closes_at == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert calls[1] is None
