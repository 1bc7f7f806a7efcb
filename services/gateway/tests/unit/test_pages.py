"""The public site against a fake catalog and a fake registration service."""

import html
import re
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from contracts.http.errors import ApiError
from contracts.http.registration import RegistrationState, RegistrationStatus
from contracts.messages import (
    CloseReason,
    EventCancelled,
    EventKind,
    EventReopened,
    EventStatus,
    EventUpdated,
    SessionPlace,
    SessionSnapshot,
    SessionWait,
    SlotSnapshot,
    StandCall,
)
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

CORRELATION = {"X-Correlation-ID": "corr-123"}


class Elements(HTMLParser):
    """Every start tag with its attributes, the text inside each ``data-status`` element and
    the text of every element."""

    VOID = frozenset({"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str]] = []
        self.status_text = ""
        self._in_status = 0
        self._open: list[list[str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in self.VOID:
            return
        self._open.append([tag, ""])
        if "data-status" in attributes:
            self._in_status = 1
        elif self._in_status:
            self._in_status += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self._open:
            name, text = self._open.pop()
            self.texts.append((name, text))
        if self._in_status:
            self._in_status -= 1

    def handle_data(self, data):
        for element in self._open:
            element[1] += data
        if self._in_status:
            self.status_text += data

    def find(self, tag, **attributes):
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in attributes.items())
        ]

    def find_text(self, tag):
        """The text of every ``tag`` element (not nested in another one of its kind)."""
        return [text.strip() for name, text in self.texts if name == tag]


def assert_accessible_page(html: str) -> Elements:
    page = Elements(html)
    assert '<html lang="de">' in html
    assert all(attrs.get("src") for attrs in page.find("script")), "no inline scripts"
    assert "<style" not in html
    assert not any("style" in attrs for _, attrs in page.tags), "no inline styles"
    labelled = {attrs["for"] for attrs in page.find("label")}
    for attrs in page.find("input"):
        if attrs.get("type") != "hidden":
            assert attrs["id"] in labelled, f"input {attrs['id']} has a label"
    return page


def form_data(csrf: str, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf,
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Stadt Ulm",
        "role": "coordination",
        "privacy_consent": "ja",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v}


async def test_the_overview_lists_upcoming_events_in_german(client, add_event):
    add_event(
        title="Später",
        kind=EventKind.PRAXISFORUM,
        city="Ulm",
        starts_at=datetime(2026, 4, 20, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 4, 20, 12, 0, tzinfo=UTC),
    )
    add_event(title="Fachtag Quartier 2026", seats_left=12)
    add_event(
        title="Voll",
        kind=EventKind.WERKSTATTGESPRAECH,
        seats_left=0,
        status=EventStatus.CLOSED,
        close_reason=CloseReason.FULL,
        starts_at=datetime(2026, 3, 13, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 13, 15, 0, tzinfo=UTC),
    )
    add_event(title="Abgesagt", status=EventStatus.CANCELLED)
    add_event(
        title="Geschlossen",
        kind=EventKind.MARKT,
        status=EventStatus.CLOSED,
        close_reason=CloseReason.DEADLINE,
        starts_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 14, 15, 0, tzinfo=UTC),
    )

    response = await client.get("/")

    assert response.status_code == 200
    html = response.text
    assert_accessible_page(html)
    assert "<h1>Veranstaltungen</h1>" in html
    assert "Abgesagt" not in html
    titles = re.findall(r'<h2 id="event-[^"]+"><a href="[^"]+">([^<]+)</a></h2>', html)
    assert titles == ["Fachtag Quartier 2026", "Voll", "Geschlossen", "Später"]
    assert "Do., 12.03.2026, 10:00–16:00 Uhr" in html
    assert "noch 12 Plätze frei" in html
    assert "ausgebucht – Warteliste" in html
    assert "Anmeldung geschlossen" in html
    for label in ("Fachtag", "Werkstattgespräch", "Praxisforum", "Markt der guten Ideen"):
        assert label in html
    assert "Content-Security-Policy" in response.headers


async def test_an_empty_catalog_says_so(client):
    response = await client.get("/")
    assert "Zurzeit sind keine Veranstaltungen geplant." in response.text


async def test_the_event_page_has_the_registration_form(client, add_event):
    event = add_event(venue="Hospitalhof")

    response = await client.get(f"/veranstaltungen/{event.event_id}")

    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    assert "Hospitalhof, Stuttgart" in response.text
    assert "<p>Mit Workshops am Nachmittag.</p>" in response.text
    (form,) = page.find("form")
    assert form["action"] == f"/veranstaltungen/{event.event_id}/anmeldung"
    assert form["method"] == "post"
    (key,) = page.find("input", name="idempotency_key")
    assert uuid.UUID(key["value"] or "")
    assert {attrs["name"] for attrs in page.find("input")} == {
        "csrf_token",
        "idempotency_key",
        "website",
        "name",
        "email",
        "organisation",
        "accessibility_needs",
        "health_data_consent",
        "privacy_consent",
    }
    assert {attrs["name"] for attrs in page.find("select")} == {"role"}
    assert {attrs["name"] for attrs in page.find("textarea")} == {"accessibility_other"}
    assert [attrs["value"] for attrs in page.find("input", name="accessibility_needs")] == [
        "step_free",
        "sign_language",
        "induction_loop",
        "easy_language",
        "other",
    ]
    assert 'href="/datenschutz"' in response.text
    second = Elements((await client.get(f"/veranstaltungen/{event.event_id}")).text)
    assert second.find("input", name="idempotency_key")[0]["value"] != key["value"]


async def test_a_full_event_with_waiting_list_still_takes_registrations(client, add_event):
    event = add_event(seats_left=0, status=EventStatus.CLOSED, close_reason=CloseReason.FULL)
    response = await client.get(f"/veranstaltungen/{event.event_id}")
    assert "kommen Sie auf die Warteliste" in response.text
    assert Elements(response.text).find("form")


async def test_a_closed_event_shows_no_form(client, add_event):
    event = add_event(status=EventStatus.CLOSED, close_reason=CloseReason.DEADLINE)
    response = await client.get(f"/veranstaltungen/{event.event_id}")
    assert response.status_code == 200
    assert not Elements(response.text).find("form")
    assert "keine Anmeldung möglich" in response.text


async def test_unknown_events_get_a_german_404(client):
    for path in (f"/veranstaltungen/{uuid.uuid4()}", "/veranstaltungen/kein-uuid", "/gibtsnicht"):
        response = await client.get(path)
        assert response.status_code == 404
        assert_accessible_page(response.text)
        assert "Zu allen Veranstaltungen" in response.text
    response = await client.get(f"/veranstaltungen/{uuid.uuid4()}")
    assert "<h1>Veranstaltung nicht gefunden</h1>" in response.text


async def test_invalid_input_is_shown_next_to_the_fields_with_values_kept(
    client, add_event, registrations, csrf
):
    event = add_event()
    data = form_data(csrf, name="", email="erika@", privacy_consent="")

    response = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert response.status_code == 422
    page = assert_accessible_page(response.text)
    html = response.text
    assert 'role="alert"' in html
    assert "<title>Fehler: " in html
    for field, message in [
        ("name", "Bitte geben Sie Ihren Namen an."),
        ("email", "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ("privacy_consent", "Bitte stimmen Sie der Datenschutzerklärung zu."),
    ]:
        assert f'<li><a href="#{field}">{message}</a></li>' in html
        assert f'id="{field}-error"' in html
        (field_input,) = page.find("input", id=field)
        assert f"{field}-error" in (field_input["aria-describedby"] or "").split()
        assert field_input["aria-invalid"] == "true"
    assert page.find("input", id="email")[0]["value"] == "erika@"
    assert page.find("input", id="organisation")[0]["value"] == "Stadt Ulm"
    assert "aria-invalid" not in page.find("input", id="organisation")[0]
    key = page.find("input", name="idempotency_key")[0]["value"]
    assert key == data["idempotency_key"]
    assert registrations.submitted == []


async def test_a_valid_registration_is_passed_on_and_redirects_to_the_status_page(
    client, add_event, registrations, csrf
):
    event = add_event()
    data = form_data(csrf, email="Erika@Example.org")

    response = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung", data=data, headers=CORRELATION
    )

    assert response.status_code == 303
    (command,) = registrations.submitted
    assert (
        response.headers["location"] == f"/anmeldung/{registrations.ids[data['idempotency_key']]}"
    )
    assert command.event_id == event.event_id
    assert command.idempotency_key == data["idempotency_key"]
    assert command.correlation_id == "corr-123"
    assert command.attendee.name == "Erika Mustermann"
    assert command.attendee.email == "Erika@example.org"
    assert command.attendee.organisation == "Stadt Ulm"


async def test_a_double_submit_is_the_same_registration(client, add_event, registrations, csrf):
    event = add_event()
    data = form_data(csrf)
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    first = await client.post(url, data=data)
    second = await client.post(url, data=data)
    assert first.headers["location"] == second.headers["location"]


async def test_registration_down_keeps_the_values_and_says_nothing_was_saved(
    client, add_event, registrations, csrf
):
    event = add_event()
    registrations.failure = RegistrationUnavailable("ConnectError")
    data = form_data(csrf)

    response = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert response.status_code == 503
    page = assert_accessible_page(response.text)
    assert (
        "Die Anmeldung ist gerade nicht erreichbar. Ihre Angaben wurden nicht gespeichert – "
        "bitte versuchen Sie es in einigen Minuten erneut." in response.text
    )
    assert page.find("input", id="name")[0]["value"] == "Erika Mustermann"
    assert "checked" in page.find("input", id="privacy_consent")[0]
    assert page.find("input", name="idempotency_key")[0]["value"] == data["idempotency_key"]


async def test_a_refusal_shows_the_registration_services_message(
    client, add_event, registrations, csrf
):
    event = add_event()
    registrations.failure = RegistrationRefused(
        409,
        ApiError(
            code="already_registered",
            message_de="Sie sind bereits angemeldet.",
            message_en="You are registered already.",
        ),
    )
    response = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung", data=form_data(csrf)
    )
    assert response.status_code == 409
    assert "Sie sind bereits angemeldet." in response.text


async def test_posting_for_an_unknown_event_is_a_404(client, registrations, csrf):
    response = await client.post(f"/veranstaltungen/{uuid.uuid4()}/anmeldung", data=form_data(csrf))
    assert response.status_code == 404
    assert registrations.submitted == []


def state(event_id, status, **fields):
    return RegistrationState(
        registration_id=uuid.uuid4(), event_id=event_id, created_at=CREATED, status=status, **fields
    )


async def test_a_pending_registration_updates_itself(client, add_event, registrations):
    event = add_event(title="Fachtag Quartier 2026")
    pending = state(event.event_id, RegistrationStatus.PENDING)
    registrations.states[pending.registration_id] = pending

    response = await client.get(f"/anmeldung/{pending.registration_id}")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Ihre Anmeldung ist in Bearbeitung"
    (region,) = page.find("div", id="status-region")
    assert region["role"] == "status"
    assert region["aria-live"] == "polite"
    assert region["data-poll-url"] == f"/anmeldung/{pending.registration_id}/status.json"
    assert page.find("script", src="/static/status.js")
    assert page.find("a", href=f"/anmeldung/{pending.registration_id}")
    assert "Status aktualisieren" in response.text
    assert "Fachtag Quartier 2026" in response.text


async def test_decided_registrations_show_their_status(client, add_event, registrations):
    event = add_event()
    cases = [
        (state(event.event_id, RegistrationStatus.CONFIRMED), "Ihre Teilnahme ist bestätigt"),
        (
            state(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="attendee"),
            "Ihre Anmeldung ist storniert",
        ),
        (
            state(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="event_cancelled"),
            "Die Veranstaltung wurde abgesagt",
        ),
        (
            state(event.event_id, RegistrationStatus.REJECTED, rejection_reason="event_closed"),
            "Anmeldung nicht möglich",
        ),
    ]
    for decided, text in cases:
        registrations.states[decided.registration_id] = decided
        response = await client.get(f"/anmeldung/{decided.registration_id}")
        page = assert_accessible_page(response.text)
        (status,) = [attrs for _, attrs in page.tags if "data-status" in attrs]
        assert status["data-status"] == decided.status.value
        assert page.status_text.strip() == text
        assert not page.find("script")
        assert "Status aktualisieren" not in response.text
    assert "Die Anmeldung für diese Veranstaltung ist geschlossen." in response.text


async def test_status_json_for_the_polling_script(client, add_event, registrations):
    event = add_event()
    waitlisted = state(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=2)
    registrations.states[waitlisted.registration_id] = waitlisted

    response = await client.get(f"/anmeldung/{waitlisted.registration_id}/status.json")

    assert response.status_code == 200
    assert response.json() == {
        "registration_id": str(waitlisted.registration_id),
        "status": "waitlisted",
        "waitlist_position": 2,
        "cancel_reason": None,
    }
    missing = await client.get(f"/anmeldung/{uuid.uuid4()}/status.json")
    assert missing.status_code == 404
    registrations.failure = RegistrationUnavailable("down")
    down = await client.get(f"/anmeldung/{waitlisted.registration_id}/status.json")
    assert down.status_code == 503


async def test_status_page_for_unknown_or_unreachable_registrations(client, registrations):
    assert (await client.get(f"/anmeldung/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/anmeldung/nicht-da")).status_code == 404
    registrations.failure = RegistrationUnavailable("down")
    registration_id = uuid.uuid4()
    response = await client.get(f"/anmeldung/{registration_id}")
    assert response.status_code == 503
    assert "Status aktualisieren" in response.text
    assert_accessible_page(response.text)


async def test_the_legal_pages_show_the_default_content_with_marked_placeholders(client):
    for path, heading, content in [
        ("/datenschutz", "Datenschutzerklärung", "Art. 9 Abs. 2 Buchst. a DSGVO"),
        ("/impressum", "Impressum", "Medienstaatsvertrag"),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit", "Schlichtungsstelle"),
    ]:
        response = await client.get(path)
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.text
        assert content in response.text
        assert 'class="placeholder"' in response.text
        assert "Hinweis für den Betrieb" in response.text
        assert_accessible_page(response.text)


async def test_static_files(client):
    css = await client.get("/static/site.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text
    script = await client.get("/static/status.js")
    assert script.status_code == 200


async def test_health_and_readiness(client, feed, registrations):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200

    feed.caught_up = False
    registrations.healthy = False
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    assert set(not_ready.json()["failed"]) == {"catalog", "registration"}


async def test_every_answer_carries_a_correlation_id(client):
    response = await client.get("/", headers=CORRELATION)
    assert response.headers["X-Correlation-ID"] == "corr-123"
    assert (await client.get("/")).headers["X-Correlation-ID"]


async def test_no_personal_data_in_the_logs(client, add_event, registrations, caplog, csrf):
    event = add_event()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    data = form_data(csrf, name="Erika Geheim", email="erika.geheim@example.org")

    await client.post(url, data=data)
    await client.post(url, data={**data, "email": "kaputt@"})
    registrations.failure = RegistrationUnavailable("ConnectError")
    await client.post(url, data=data)

    logs = caplog.text
    assert "registration submitted" in logs
    assert "Geheim" not in logs
    assert "erika.geheim" not in logs
    assert "kaputt" not in logs


async def test_the_catalog_feed_runs_while_the_app_runs(client, feed):
    assert feed.running


# --- what the newest catalog snapshot says --------------------------------------------


async def test_seats_left_follow_event_updated(client, add_event, send):
    event = add_event(title="Fachtag Quartier 2026", seats_left=12)
    send(EventUpdated, event, seats_left=3, seats_taken=297)

    overview = await client.get("/")
    page = await client.get(f"/veranstaltungen/{event.event_id}")

    for response in (overview, page):
        assert "noch 3 Plätze frei" in response.text
        assert "noch 12 Plätze frei" not in response.text


async def test_more_capacity_reopens_a_full_event(client, add_event, send):
    event = add_event(
        seats_left=0,
        status=EventStatus.CLOSED,
        close_reason=CloseReason.FULL,
        waitlist_enabled=False,
    )
    assert "ausgebucht" in (await client.get(f"/veranstaltungen/{event.event_id}")).text
    send(EventReopened, event, capacity=320, seats_left=20, status=EventStatus.OPEN)

    response = await client.get(f"/veranstaltungen/{event.event_id}")

    assert "noch 20 Plätze frei" in response.text
    assert Elements(response.text).find("form")


async def test_a_cancelled_event_says_abgesagt_and_is_not_listed(client, add_event, send):
    event = add_event(title="Praxisforum Nachbarschaft")
    send(EventCancelled, event, status=EventStatus.CANCELLED)

    page = await client.get(f"/veranstaltungen/{event.event_id}")
    overview = await client.get("/")

    assert page.status_code == 200
    html = assert_accessible_page(page.text)
    assert "<title>Abgesagt: Praxisforum Nachbarschaft" in page.text
    assert "Abgesagt" in html.find_text("dd")
    assert "Diese Veranstaltung findet nicht statt." in page.text
    assert not html.find("form")
    assert "Praxisforum Nachbarschaft" not in overview.text
    assert "Zurzeit sind keine Veranstaltungen geplant." in overview.text


async def test_the_registration_deadline_is_shown(client, add_event):
    event = add_event(
        title="Mit Frist", registration_deadline=datetime(2026, 3, 11, 11, 0, tzinfo=UTC)
    )
    add_event(title="Ohne Frist")

    page = await client.get(f"/veranstaltungen/{event.event_id}")
    overview = await client.get("/")

    assert "Anmeldeschluss: " in page.text
    assert "Mi., 11.03.2026, 12:00 Uhr" in page.text
    assert '<time datetime="2026-03-11T11:00:00+00:00">' in page.text
    assert overview.text.count("Anmeldeschluss") == 1
    assert "Mi., 11.03.2026, 12:00 Uhr" in overview.text


async def test_a_passed_deadline_closes_the_form(client, add_event):
    event = add_event(registration_deadline=datetime(2026, 2, 28, 23, 0, tzinfo=UTC))
    response = await client.get(f"/veranstaltungen/{event.event_id}")
    assert not Elements(response.text).find("form")
    assert "Anmeldung geschlossen" in response.text


# --- the status page: cancelled, waiting-list place ---------------------------------------


async def test_a_waitlisted_registration_shows_its_place_and_keeps_watching_it(
    client, add_event, registered
):
    event = add_event()
    waitlisted = registered(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=3)

    response = await client.get(f"/anmeldung/{waitlisted.registration_id}")

    page = assert_accessible_page(response.text)
    (status,) = [attrs for _, attrs in page.tags if "data-status" in attrs]
    assert status["data-status"] == "waitlisted"
    assert page.status_text.strip() == "Sie stehen auf der Warteliste (Platz 3)"
    (region,) = page.find("div", id="status-region")
    assert region["data-poll-url"] == f"/anmeldung/{waitlisted.registration_id}/status.json"
    assert region["data-current-status"] == "waitlisted"
    assert region["data-current-position"] == "3"
    assert int(region["data-poll-interval"] or 0) > 1000, "a waiting list moves slowly"
    assert page.find("script", src="/static/status.js")
    assert "Abmeldelink in Ihrer E-Mail" in response.text


async def test_the_place_moves_up(client, add_event, registrations, registered):
    event = add_event()
    waitlisted = registered(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=3)
    url = f"/anmeldung/{waitlisted.registration_id}"
    registrations.states[waitlisted.registration_id] = waitlisted.model_copy(
        update={"waitlist_position": 1}
    )

    polled = await client.get(f"{url}/status.json")
    page = Elements((await client.get(url)).text)

    assert polled.json()["waitlist_position"] == 1
    assert page.status_text.strip() == "Sie stehen auf der Warteliste (Platz 1)"
    assert page.find("div", id="status-region")[0]["data-current-position"] == "1"


async def test_a_cancelled_registration_is_shown_as_such(client, add_event, registered):
    event = add_event()
    mine = registered(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="attendee")
    theirs = registered(
        event.event_id, RegistrationStatus.CANCELLED, cancel_reason="event_cancelled"
    )

    response = await client.get(f"/anmeldung/{mine.registration_id}")
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Ihre Anmeldung ist storniert"
    assert page.find("h1", **{"data-status": "cancelled"})
    assert not page.find("script")
    assert "data-poll-url" not in response.text
    assert "Abmeldelink" not in response.text

    response = await client.get(f"/anmeldung/{theirs.registration_id}")
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Die Veranstaltung wurde abgesagt"
    polled = await client.get(f"/anmeldung/{theirs.registration_id}/status.json")
    assert polled.json()["status"] == "cancelled"
    assert polled.json()["cancel_reason"] == "event_cancelled"


async def test_the_polling_script_notices_a_new_place(client):
    script = (await client.get("/static/status.js")).text
    assert "waitlist_position" in script
    assert "currentPosition" in script


# --- cancellation pages ----------------------------------------------------------------


async def test_the_cancel_link_asks_before_cancelling(client, add_event, registrations):
    event = add_event(title="Fachtag Quartier 2026")
    confirmed = state(event.event_id, RegistrationStatus.CONFIRMED)
    token = registrations.cancel_link(confirmed)

    response = await client.get(f"/abmeldung/{token}", headers=CORRELATION)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = assert_accessible_page(response.text)
    assert page.find("meta", name="robots", content="noindex")
    assert "Fachtag Quartier 2026" in response.text
    assert "Do., 12.03.2026, 10:00–16:00 Uhr" in response.text
    assert page.find("p", **{"data-status": "confirmed"})
    assert page.status_text.strip() == "Ihre Teilnahme ist bestätigt"
    assert "Möchten Sie Ihre Anmeldung wirklich stornieren?" in response.text
    (form,) = page.find("form")
    assert form["method"] == "post"
    assert form["action"] == f"/abmeldung/{token}"
    assert "Ja, Anmeldung stornieren</button>" in response.text
    assert registrations.token_lookups == [(token, "corr-123")]
    assert registrations.states[confirmed.registration_id].status is RegistrationStatus.CONFIRMED


async def test_the_cancel_page_shows_the_current_waiting_list_place(
    client, add_event, registrations
):
    event = add_event()
    token = registrations.cancel_link(
        state(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=5)
    )
    response = await client.get(f"/abmeldung/{token}")
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Sie stehen auf der Warteliste (Platz 5)"
    assert "Platz auf der Warteliste" in response.text
    assert page.find("form")


async def test_an_already_cancelled_registration_shows_no_form(client, add_event, registrations):
    event = add_event()
    token = registrations.cancel_link(
        state(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="attendee")
    )
    response = await client.get(f"/abmeldung/{token}")
    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    assert "Ihre Anmeldung ist bereits storniert." in response.text
    assert "wirklich stornieren" not in response.text
    assert not page.find("form")
    assert page.find("a", href="/")


async def test_the_cancel_page_for_a_cancelled_event(client, add_event, send, registrations):
    event = add_event(title="Werkstatt fällt aus")
    send(EventCancelled, event, status=EventStatus.CANCELLED)
    token = registrations.cancel_link(
        state(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="event_cancelled")
    )
    response = await client.get(f"/abmeldung/{token}")
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Die Veranstaltung wurde abgesagt"
    assert "Werkstatt fällt aus" in response.text
    assert "Abgesagt" in page.find_text("dd")
    assert not page.find("form")


async def test_a_rejected_registration_has_nothing_to_cancel(
    client, add_event, registrations, csrf
):
    event = add_event()
    token = registrations.cancel_link(
        state(event.event_id, RegistrationStatus.REJECTED, rejection_reason="event_full")
    )
    page = await client.get(f"/abmeldung/{token}")
    assert not Elements(page.text).find("form")
    assert "nichts zu stornieren" in page.text
    done = await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert "Es gibt nichts zu stornieren" in done.text
    assert "wurde storniert" not in done.text


async def test_a_wrong_cancel_link_gets_a_german_404(client, registrations, csrf):
    for token in ("tok.unbekannt.sig", "kaputt!link", "%2E%2E", ".hidden", "x" * 600):
        for method in ("GET", "POST"):
            response = await client.request(
                method,
                f"/abmeldung/{token}",
                data={"csrf_token": csrf} if method == "POST" else None,
            )
            assert response.status_code == 404, (method, token)
            page = assert_accessible_page(response.text)
            assert "<h1>Abmeldelink ungültig</h1>" in response.text
            assert "Dieser Abmeldelink ist ungültig." in response.text
            assert page.find("a", href="/")
            assert response.headers["cache-control"] == "no-store"
    looked_up = {token for token, _ in registrations.token_lookups}
    cancelled = {command.token for command in registrations.cancel_requests}
    assert looked_up == cancelled == {"tok.unbekannt.sig"}, "odd tokens never leave the gateway"


async def test_an_expired_cancel_link_gets_a_410(client, add_event, registrations, csrf):
    event = add_event()
    confirmed = state(event.event_id, RegistrationStatus.CONFIRMED)
    token = registrations.cancel_link(confirmed, expired=True)
    for method in ("GET", "POST"):
        response = await client.request(
            method, f"/abmeldung/{token}", data={"csrf_token": csrf} if method == "POST" else None
        )
        assert response.status_code == 410
        assert_accessible_page(response.text)
        assert "<h1>Abmeldelink abgelaufen</h1>" in response.text
        assert "Dieser Abmeldelink ist abgelaufen." in response.text
        assert 'href="/impressum"' in response.text
    assert registrations.states[confirmed.registration_id].status is RegistrationStatus.CONFIRMED


async def test_cancelling_says_so_and_that_a_mail_follows(client, add_event, registrations, csrf):
    event = add_event(title="Fachtag Quartier 2026")
    confirmed = state(event.event_id, RegistrationStatus.CONFIRMED)
    token = registrations.cancel_link(confirmed)

    response = await client.post(
        f"/abmeldung/{token}", data={"csrf_token": csrf}, headers=CORRELATION
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = assert_accessible_page(response.text)
    assert "<h1" in response.text
    assert page.status_text.strip() == "Ihre Anmeldung wurde storniert."
    assert page.find("h1", **{"data-status": "cancelled"})
    assert "Bestätigung per E-Mail" in response.text
    assert "Fachtag Quartier 2026" in response.text
    assert page.find("a", href="/")
    (command,) = registrations.cancel_requests
    assert command.token == token
    assert command.correlation_id == "corr-123"
    assert registrations.states[confirmed.registration_id].status is RegistrationStatus.CANCELLED


async def test_cancelling_twice_is_harmless(client, add_event, registrations, csrf):
    event = add_event()
    token = registrations.cancel_link(state(event.event_id, RegistrationStatus.WAITLISTED))

    first = await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    second = await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    again = await client.get(f"/abmeldung/{token}")

    assert first.status_code == second.status_code == 200
    assert Elements(first.text).status_text.strip() == "Ihre Anmeldung wurde storniert."
    assert Elements(second.text).status_text.strip() == "Ihre Anmeldung war bereits storniert."
    assert "Ihre Anmeldung ist bereits storniert." in again.text
    assert not Elements(again.text).find("form")


async def test_registration_down_while_cancelling_changes_nothing(
    client, add_event, registrations, csrf
):
    event = add_event()
    confirmed = state(event.event_id, RegistrationStatus.CONFIRMED)
    token = registrations.cancel_link(confirmed)
    registrations.failure = RegistrationUnavailable("ConnectError")

    for method in ("GET", "POST"):
        response = await client.request(
            method, f"/abmeldung/{token}", data={"csrf_token": csrf} if method == "POST" else None
        )
        assert response.status_code == 503
        page = assert_accessible_page(response.text)
        assert "Es wurde nichts geändert" in response.text
        assert "bitte versuchen Sie es in einigen Minuten erneut" in response.text
        assert page.find("a", href=f"/abmeldung/{token}")
    registrations.failure = None
    assert registrations.states[confirmed.registration_id].status is RegistrationStatus.CONFIRMED


async def test_a_refused_cancellation_shows_the_services_message(
    client, add_event, registrations, csrf
):
    event = add_event()
    token = registrations.cancel_link(state(event.event_id, RegistrationStatus.CONFIRMED))
    registrations.failure = RegistrationRefused(
        409,
        ApiError(code="busy", message_de="Das geht gerade nicht.", message_en="Not now."),
    )
    response = await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    assert response.status_code == 409
    assert "Das geht gerade nicht." in response.text
    assert_accessible_page(response.text)


async def test_no_cancel_token_in_the_logs(client, add_event, registrations, caplog, csrf):
    event = add_event()
    token = registrations.cancel_link(state(event.event_id, RegistrationStatus.CONFIRMED))
    await client.get(f"/abmeldung/{token}")
    await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    await client.post(f"/abmeldung/{token}", data={"csrf_token": csrf})
    assert "registration cancelled" in caplog.text
    assert token not in caplog.text


# --- the programme: ranked sessions, places, change of choice ---------------------------


def forum(title, seats_left, **fields):
    return SessionSnapshot(
        session_id=uuid.uuid4(),
        title=title,
        capacity=20,
        seats_taken=20 - seats_left,
        seats_left=seats_left,
        waitlist_length=0 if seats_left else 2,
        **fields,
    )


MORNING = [
    forum("Quartiersräume", 4, room="Saal 1", moderation="Dr. Kim", description="Räume teilen."),
    forum("Pflege im Quartier", 0, room="Saal 2"),
    forum("Jung und Alt", 1, room="Raum 3"),
]
AFTERNOON = [forum("Förderprogramme", 8, room="Saal 1"), forum("Ehrenamt", 6, room="Saal 2")]


def programme(**slot_changes):
    """A plenary at 10:00 and two choice slots (Berlin time): the morning's three forums,
    three choices, the first required; the afternoon's two forums (three choices asked,
    two possible)."""
    at = lambda hour, minute=0: datetime(2026, 3, 12, hour, minute, tzinfo=UTC)  # noqa: E731
    return [
        SlotSnapshot(slot_id=uuid.uuid4(), title="Eröffnung", starts_at=at(9), ends_at=at(10)),
        SlotSnapshot(
            slot_id=uuid.uuid4(),
            title="Praxisforen am Vormittag",
            starts_at=at(10, 30),
            ends_at=at(12),
            sessions=MORNING,
            ranks=3,
            choice_required=True,
            **slot_changes,
        ),
        SlotSnapshot(
            slot_id=uuid.uuid4(),
            title="Praxisforen am Nachmittag",
            starts_at=at(13),
            ends_at=at(14, 30),
            sessions=AFTERNOON,
            ranks=3,
        ),
    ]


def with_programme(add_event, **changes):
    """A Fachtag with the programme; its plenary, morning and afternoon slots."""
    event = add_event(programme=programme(), **changes)
    return event, *event.programme


def field(slot, rank):
    return f"choice-{slot.slot_id}-{rank}"


def picked(page, name):
    """The value of the option selected in the select ``name`` ('' for none)."""
    html_options = re.search(rf'<select id="{name}" name="{name}".*?</select>', page, re.S)
    assert html_options, f"no select {name}"
    chosen = re.findall(r'<option value="([^"]*)" selected>', html_options.group(0))
    return chosen[0] if chosen else ""


async def test_the_event_page_shows_the_programme_with_seats_per_forum(client, add_event):
    event, _, morning, _ = with_programme(add_event)

    response = await client.get(f"/veranstaltungen/{event.event_id}")

    page = assert_accessible_page(response.text)
    html = response.text
    assert '<h2 id="programme-title">Programm</h2>' in html
    assert "10:00–11:00 Uhr" in html and "Eröffnung" in html
    assert "11:30–13:00 Uhr" in html and "Praxisforen am Vormittag" in html
    assert "<dt>Raum</dt><dd>Saal 1</dd>" in html
    assert "<dt>Moderation</dt><dd>Dr. Kim</dd>" in html
    assert "<p>Räume teilen.</p>" in html
    seats = page.find_text("dd")
    assert {"noch 4 Plätze", "noch 1 Platz", "ausgebucht – Warteliste"} <= set(seats)
    assert page.find("h4") is not None and "Pflege im Quartier" in page.find_text("h4")
    assert str(morning.slot_id) in html


async def test_the_form_asks_for_ranked_choices_per_choice_slot(client, add_event):
    event, plenary, morning, afternoon = with_programme(add_event)

    response = await client.get(f"/veranstaltungen/{event.event_id}")

    page = assert_accessible_page(response.text)
    selects = [attrs["name"] for attrs in page.find("select")]
    assert selects == [
        "role",
        field(morning, 1),
        field(morning, 2),
        field(morning, 3),
        field(afternoon, 1),
        field(afternoon, 2),  # three asked, two forums: two choices
    ]
    assert str(plenary.slot_id) not in " ".join(selects)
    legends = page.find_text("legend")
    assert "Praxisforen am Vormittag (11:30–13:00 Uhr)" in legends
    assert "Praxisforen am Nachmittag (14:00–15:30 Uhr)" in legends
    labels = dict(re.findall(r'<label for="(choice-[^"]+)">([^<]+)', response.text))
    assert labels[field(morning, 1)] == "1. Wunsch"
    assert labels[field(morning, 2)].strip() == "2. Wunsch"
    assert labels[field(afternoon, 2)].strip() == "2. Wunsch"
    assert {attrs["for"] for attrs in page.find("label")} >= set(selects)
    (first,) = page.find("select", name=field(morning, 1))
    assert "required" in first
    assert "required" not in page.find("select", name=field(afternoon, 1))[0]
    options = [attrs["value"] for attrs in page.find("option")]
    assert [str(s.session_id) for s in MORNING] == [
        value for value in options if value in {str(s.session_id) for s in MORNING}
    ][:3]
    assert "Pflege im Quartier (ausgebucht – Warteliste)" in response.text


async def test_a_ranking_is_sent_as_the_registrations_choices(
    client, add_event, registrations, csrf
):
    event, _, morning, afternoon = with_programme(add_event)
    data = form_data(
        csrf,
        **{
            field(morning, 1): str(MORNING[1].session_id),
            field(morning, 2): str(MORNING[0].session_id),
        },
    )

    response = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert response.status_code == 303
    (sent,) = registrations.submitted
    assert sent.choices == {
        morning.slot_id: [MORNING[1].session_id, MORNING[0].session_id],
        afternoon.slot_id: [],
    }


RANKING_MISTAKES = {
    "first choice missing": (
        {},
        ("morning", 1),
        "Praxisforen am Vormittag: Bitte wählen Sie Ihren Erstwunsch.",
    ),
    "the same forum twice": (
        {("morning", 1): 0, ("morning", 2): 2, ("morning", 3): 0},
        ("morning", 3),
        "Praxisforen am Vormittag: Dieses Forum ist schon Ihr 1. Wunsch. Bitte wählen Sie ein "
        "anderes oder keines.",
    ),
    "a later choice without an earlier one": (
        {("morning", 1): 0, ("afternoon", 2): 1},
        ("afternoon", 1),
        "Praxisforen am Nachmittag: Bitte wählen Sie Ihren 1. Wunsch, bevor Sie einen 2. "
        "Wunsch angeben.",
    ),
}


@pytest.mark.parametrize(
    ("typed", "at", "message"), list(RANKING_MISTAKES.values()), ids=list(RANKING_MISTAKES)
)
async def test_a_wrong_ranking_is_shown_at_its_select_with_the_choices_kept(
    client, add_event, registrations, csrf, typed, at, message
):
    event, _, morning, afternoon = with_programme(add_event)
    slots = {"morning": (morning, MORNING), "afternoon": (afternoon, AFTERNOON)}
    choices = {
        field(slots[name][0], rank): str(slots[name][1][index].session_id)
        for (name, rank), index in typed.items()
    }
    data = form_data(csrf, **choices)

    response = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert response.status_code == 422
    page = assert_accessible_page(response.text)
    wrong = field(slots[at[0]][0], at[1])
    assert f'<li><a href="#{wrong}">{html.escape(message, quote=False)}</a></li>' in response.text
    assert f'<p class="field-error" id="{wrong}-error">' in response.text
    (select,) = page.find("select", name=wrong)
    assert f"{wrong}-error" in (select["aria-describedby"] or "").split()
    assert select["aria-invalid"] == "true"
    for name, value in choices.items():
        assert picked(response.text, name) == value, "what was chosen is kept"
    assert page.find("input", id="name")[0]["value"] == "Erika Mustermann"
    assert registrations.submitted == []


async def test_ranking_errors_in_english(client, add_event, registrations, csrf):
    event, *_ = with_programme(add_event)
    client.cookies.set("lang", "en")
    page = await client.get(f"/veranstaltungen/{event.event_id}")
    assert "1st choice" in page.text and "2nd choice" in page.text and "3rd choice" in page.text
    assert "4 seats left" in page.text and "1 seat left" in page.text
    assert "fully booked – waiting list" in page.text

    response = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung", data=form_data(csrf)
    )

    assert response.status_code == 422
    assert "Praxisforen am Vormittag: Please choose your first choice." in response.text
    assert registrations.submitted == []


def place(slot, held, rank, *waiting):
    """What capacity says a registration has in ``slot``: the morning forum ``held`` (an
    index into MORNING) at ``rank``, and (index, position) on waiting lists."""
    return SessionPlace(
        slot_id=slot.slot_id,
        session_id=MORNING[held].session_id,
        rank=rank,
        waiting=[SessionWait(session_id=MORNING[i].session_id, position=p) for i, p in waiting],
    )


def confirmed_with_places(registered, places, event, *held):
    """A confirmed registration and the places capacity reports for it."""
    mine = registered(event.event_id, RegistrationStatus.CONFIRMED)
    places.held[mine.registration_id] = list(held)
    return mine


async def test_the_status_page_shows_the_forum_held_and_the_waiting_lists(
    client, add_event, registered, places
):
    event, _, morning, afternoon = with_programme(add_event)
    mine = confirmed_with_places(registered, places, event, place(morning, 0, 2, (1, 3)))

    response = await client.get(f"/anmeldung/{mine.registration_id}", headers=CORRELATION)

    page = assert_accessible_page(response.text)
    text = " ".join(response.text.split())
    assert page.status_text.strip() == "Ihre Teilnahme ist bestätigt"
    assert (
        "Ihr Platz: <strong>Quartiersräume</strong> – Ihr 2. Wunsch, Raum Saal 1, 11:30–13:00 Uhr"
    ) in text
    assert "Warteliste für „Pflege im Quartier“: Platz 3" in text
    assert "In dieser Runde haben Sie noch keinen Platz." in text  # the afternoon
    (region,) = page.find("div", id="status-region")
    assert region["data-poll-url"] == f"/anmeldung/{mine.registration_id}/status.json"
    assert region["data-current-sessions"], "the script compares the places"
    assert page.find("script", src="/static/status.js")
    (query,) = places.queries
    assert (query.event_id, query.registration_id) == (event.event_id, mine.registration_id)
    assert query.correlation_id == "corr-123"
    assert str(afternoon.slot_id) not in (region["data-current-sessions"] or "")


async def test_places_that_can_no_longer_move_are_not_watched(
    client, add_event, registered, places
):
    event, _, morning, _ = with_programme(add_event)
    mine = confirmed_with_places(registered, places, event, place(morning, 0, 1))

    response = await client.get(f"/anmeldung/{mine.registration_id}")

    page = assert_accessible_page(response.text)
    assert "Ihr 1. Wunsch" in response.text
    assert "data-poll-url" not in response.text
    assert not page.find("script")


async def test_status_json_carries_the_places_and_notices_a_move_up(
    client, add_event, registered, places
):
    event, _, morning, _ = with_programme(add_event)
    mine = confirmed_with_places(registered, places, event, place(morning, 2, 2, (0, 1)))
    url = f"/anmeldung/{mine.registration_id}/status.json"

    before = (await client.get(url)).json()
    places.held[mine.registration_id] = [place(morning, 0, 1)]
    after = (await client.get(url)).json()

    assert before["status"] == "confirmed"
    assert before["sessions"] == [
        {
            "slot_id": str(morning.slot_id),
            "session_id": str(MORNING[2].session_id),
            "rank": 2,
            "waiting": [{"session_id": str(MORNING[0].session_id), "position": 1}],
        }
    ]
    assert after["sessions"][0]["rank"] == 1
    assert before["sessions_key"] and after["sessions_key"]
    assert before["sessions_key"] != after["sessions_key"]
    page = Elements((await client.get(f"/anmeldung/{mine.registration_id}")).text)
    assert page.find("div", id="status-region")[0].get("data-current-sessions") in (
        None,
        after["sessions_key"],
    )


async def test_capacity_down_still_shows_the_day_status(client, add_event, registered, places):
    event, *_ = with_programme(add_event)
    mine = confirmed_with_places(registered, places, event)
    places.down = True

    response = await client.get(f"/anmeldung/{mine.registration_id}")
    polled = await client.get(f"/anmeldung/{mine.registration_id}/status.json")

    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    assert page.status_text.strip() == "Ihre Teilnahme ist bestätigt"
    assert "Ihre Plätze in den Foren können gerade nicht angezeigt werden." in response.text
    assert page.find("div", id="status-region")[0]["data-poll-url"], "it asks again later"
    assert polled.status_code == 200
    assert (polled.json()["status"], polled.json()["sessions"]) == ("confirmed", None)


async def test_a_pending_registration_asks_capacity_nothing(client, add_event, registered, places):
    event, *_ = with_programme(add_event)
    pending = registered(event.event_id, RegistrationStatus.PENDING)

    response = await client.get(f"/anmeldung/{pending.registration_id}")

    assert "sobald Ihre Teilnahme bestätigt ist" in response.text
    assert places.queries == []


async def test_the_polling_script_notices_new_places(client):
    script = (await client.get("/static/status.js")).text
    assert "sessions_key" in script
    assert "currentSessions" in script


def change_link(registrations, registered, event, status=RegistrationStatus.CONFIRMED):
    mine = registered(event.event_id, status)
    return mine, registrations.cancel_link(mine)


async def test_the_change_of_choice_is_prefilled_and_linked_from_the_cancel_page(
    client, add_event, registrations, registered
):
    event, _, morning, afternoon = with_programme(
        add_event, choice_deadline=datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    )
    mine, token = change_link(registrations, registered, event)
    registrations.rankings[mine.registration_id] = {
        morning.slot_id: [MORNING[2].session_id, MORNING[0].session_id],
        afternoon.slot_id: [AFTERNOON[1].session_id],
    }

    cancel_page = await client.get(f"/abmeldung/{token}")
    response = await client.get(f"/wahl/{token}")

    assert Elements(cancel_page.text).find("a", href=f"/wahl/{token}")
    assert "bis Di., 10.03.2026, 12:00 Uhr" in cancel_page.text
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = assert_accessible_page(response.text)
    assert page.find("meta", name="robots", content="noindex")
    (form,) = page.find("form")
    assert (form["method"], form["action"]) == ("post", f"/wahl/{token}")
    assert picked(response.text, field(morning, 1)) == str(MORNING[2].session_id)
    assert picked(response.text, field(morning, 2)) == str(MORNING[0].session_id)
    assert picked(response.text, field(morning, 3)) == ""
    assert picked(response.text, field(afternoon, 1)) == str(AFTERNOON[1].session_id)
    assert "Praxisforen am Vormittag (11:30–13:00 Uhr)" in page.find_text("legend")
    assert "Änderungen sind bis Di., 10.03.2026, 12:00 Uhr möglich." in response.text


async def test_a_new_ranking_goes_to_the_registration_service_then_to_the_status_page(
    client, add_event, registrations, registered, csrf
):
    event, _, morning, afternoon = with_programme(add_event)
    mine, token = change_link(registrations, registered, event)
    data = {
        "csrf_token": csrf,
        field(morning, 1): str(MORNING[0].session_id),
        field(afternoon, 1): str(AFTERNOON[0].session_id),
        field(afternoon, 2): str(AFTERNOON[1].session_id),
    }

    response = await client.post(f"/wahl/{token}", data=data, headers=CORRELATION)

    assert response.status_code == 303
    assert response.headers["location"] == f"/anmeldung/{mine.registration_id}"
    (change,) = registrations.choice_changes
    assert change.token == token and change.correlation_id == "corr-123"
    assert change.choices == {
        morning.slot_id: [MORNING[0].session_id],
        afternoon.slot_id: [AFTERNOON[0].session_id, AFTERNOON[1].session_id],
    }


async def test_a_wrong_new_ranking_is_shown_at_its_select(
    client, add_event, registrations, registered, csrf
):
    event, _, morning, _ = with_programme(add_event)
    _, token = change_link(registrations, registered, event)
    twice = str(MORNING[1].session_id)
    data = {"csrf_token": csrf, field(morning, 1): twice, field(morning, 2): twice}

    response = await client.post(f"/wahl/{token}", data=data)

    assert response.status_code == 422
    page = assert_accessible_page(response.text)
    (select,) = page.find("select", name=field(morning, 2))
    assert select["aria-invalid"] == "true"
    assert f'<li><a href="#{field(morning, 2)}">' in response.text
    assert picked(response.text, field(morning, 2)) == twice
    assert registrations.choice_changes == []


async def test_after_the_choice_deadline_the_choice_stays(
    client, add_event, registrations, registered, csrf
):
    event, _, morning, _ = with_programme(
        add_event, choice_deadline=datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    )
    _, token = change_link(registrations, registered, event)

    page = await client.get(f"/wahl/{token}")
    cancel_page = await client.get(f"/abmeldung/{token}")
    sent = await client.post(
        f"/wahl/{token}",
        data={"csrf_token": csrf, field(morning, 1): str(MORNING[0].session_id)},
    )

    assert page.status_code == 200
    assert "Die Wahl der Foren ist seit Sa., 28.02.2026, 18:00 Uhr geschlossen." in page.text
    assert not Elements(page.text).find("select")
    assert f'href="/wahl/{token}"' not in cancel_page.text
    assert sent.status_code == 409
    assert registrations.choice_changes == []


async def test_a_cancelled_registration_changes_no_choice(
    client, add_event, registrations, registered, csrf
):
    event, _, morning, _ = with_programme(add_event)
    _, token = change_link(registrations, registered, event, RegistrationStatus.CANCELLED)

    page = await client.get(f"/wahl/{token}")
    sent = await client.post(
        f"/wahl/{token}",
        data={"csrf_token": csrf, field(morning, 1): str(MORNING[0].session_id)},
    )

    assert "Ihre Wahl der Foren lässt sich deshalb nicht mehr ändern." in page.text
    assert not Elements(page.text).find("form")
    assert sent.status_code == 409
    assert registrations.choice_changes == []


async def test_a_refusal_or_an_outage_keeps_the_new_ranking(
    client, add_event, registrations, registered, csrf
):
    event, _, morning, _ = with_programme(add_event)
    _, token = change_link(registrations, registered, event)
    chosen = str(MORNING[0].session_id)
    data = {"csrf_token": csrf, field(morning, 1): chosen}
    ended = ApiError(code="registration_ended", message_de="Storniert.", message_en="Cancelled.")

    async def refuse(command):
        raise RegistrationRefused(409, ended)

    registrations.change_choices = refuse
    refused = await client.post(f"/wahl/{token}", data=data)
    registrations.failure = RegistrationUnavailable("down")
    down = await client.post(f"/wahl/{token}", data=data)

    assert refused.status_code == 409 and "Storniert." in refused.text
    assert picked(refused.text, field(morning, 1)) == chosen
    assert down.status_code == 503
    assert "Es wurde nichts geändert" in down.text


async def test_a_wrong_link_to_the_change_of_choice_is_a_404(client, registrations, csrf):
    for method in ("GET", "POST"):
        response = await client.request(
            method, "/wahl/kaputt!link", data={"csrf_token": csrf} if method == "POST" else None
        )
        assert response.status_code == 404
        assert "Abmeldelink ungültig" in response.text
    assert registrations.token_lookups == []


async def test_without_a_programme_nothing_changes(client, add_event, registrations, registered):
    event = add_event()
    mine, token = change_link(registrations, registered, event)

    cancel_page = await client.get(f"/abmeldung/{token}")
    status_page = await client.get(f"/anmeldung/{mine.registration_id}")
    choice_page = await client.get(f"/wahl/{token}")

    assert "/wahl/" not in cancel_page.text
    assert "Programm" not in status_page.text
    assert "Für diese Veranstaltung gibt es keine Foren zur Wahl." in choice_page.text


async def test_a_cancelled_event_takes_no_new_choice(
    client, add_event, send, registrations, registered
):
    event, *_ = with_programme(add_event, choice_deadline=datetime(2026, 3, 10, 11, 0, tzinfo=UTC))
    send(EventCancelled, event, status=EventStatus.CANCELLED)
    _, token = change_link(registrations, registered, event)

    page = await client.get(f"/wahl/{token}")

    assert "Die Veranstaltung wurde abgesagt." in page.text
    assert "geschlossen" not in page.text
    assert not Elements(page.text).find("select")


def call(opens: datetime, closes: datetime, stands: int = 20) -> StandCall:
    return StandCall(
        opens_at=opens,
        closes_at=closes,
        stands=stands,
        description="Ein Tisch, Strom und eine Stellwand.\n\nAufbau ab 8 Uhr.",
    )


@pytest.mark.parametrize(
    ("stand_call", "german", "english"),
    [
        (
            call(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 15, 21, 59, tzinfo=UTC)),
            "Bewerbung bis Fr., 15.05.2026, 23:59 Uhr möglich.",
            "Applications are open until Fri, 15 May 2026, 23:59.",
        ),
        (
            call(datetime(2026, 4, 1, 8, tzinfo=UTC), datetime(2026, 5, 15, 21, 59, tzinfo=UTC)),
            "Bewerbung ab Mi., 01.04.2026, 10:00 Uhr möglich, bis Fr., 15.05.2026, 23:59 Uhr.",
            "Applications open on Wed, 1 April 2026, 10:00 and close on Fri, 15 May 2026, 23:59.",
        ),
        (
            call(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 15, tzinfo=UTC), stands=1),
            "Bewerbungsfrist abgelaufen.",
            "The application period has ended.",
        ),
    ],
)
async def test_the_event_page_shows_the_call_for_stands_and_its_state(
    client, add_event, stand_call, german, english
):
    event = add_event(stand_call=stand_call)
    url = f"/veranstaltungen/{event.event_id}"

    deutsch = await client.get(url)
    client.cookies.set("lang", "en")
    englisch = await client.get(url)

    page = assert_accessible_page(deutsch.text)
    assert "Markt der guten Ideen: Bewerbung für einen Stand" in page.find_text("h2")
    assert german in html.unescape(re.sub(r"<[^>]+>", "", deutsch.text))
    assert english in html.unescape(re.sub(r"<[^>]+>", "", englisch.text))
    assert (
        f'datetime="{stand_call.closes_at.isoformat()}"' in deutsch.text or "abgelaufen" in german
    )
    stands = "1 Stand." if stand_call.stands == 1 else f"{stand_call.stands} Stände."
    assert stands in deutsch.text
    assert "<p>Aufbau ab 8 Uhr.</p>" in deutsch.text
    assert '<html lang="en">' in englisch.text
    assert "Market of good ideas: apply for a stand" in englisch.text


async def test_without_a_call_or_once_cancelled_the_page_shows_none(client, add_event, send):
    plain = add_event()
    called = add_event(
        stand_call=call(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 15, tzinfo=UTC))
    )
    send(EventCancelled, called, status=EventStatus.CANCELLED)

    for event in (plain, called):
        page = (await client.get(f"/veranstaltungen/{event.event_id}")).text
        assert "stand-call" not in page


async def test_a_stand_teams_registration_says_why_it_ended(client, add_event, registrations):
    event = add_event()
    cases = [
        (
            state(event.event_id, RegistrationStatus.CANCELLED, cancel_reason="stand_released"),
            "Der Stand, für dessen Team dieser Platz bestimmt war, findet nicht statt",
        ),
        (
            state(event.event_id, RegistrationStatus.REJECTED, rejection_reason="contingent_full"),
            "Für das Team dieses Stands sind keine Plätze mehr frei",
        ),
    ]
    for decided, text in cases:
        registrations.states[decided.registration_id] = decided
        response = await client.get(f"/anmeldung/{decided.registration_id}")
        assert text in response.text
