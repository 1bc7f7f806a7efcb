"""The public site against a fake catalog and a fake registration service."""

import re
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

from contracts.http.errors import ApiError
from contracts.http.registration import RegistrationState, RegistrationStatus
from contracts.messages import (
    CloseReason,
    EventCancelled,
    EventKind,
    EventReopened,
    EventStatus,
    EventUpdated,
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
