"""The public site against a fake catalogue and a fake registration service."""

import re
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

from contracts.messages import CloseReason, EventKind, EventStatus
from gateway.domain.registration import RegistrationState, RegistrationStatus
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

CORRELATION = {"X-Correlation-ID": "corr-123"}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each ``data-status`` element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.status_text = ""
        self._in_status = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "data-status" in attributes:
            self._in_status = 1
        elif self._in_status:
            self._in_status += 1

    def handle_endtag(self, tag):
        if self._in_status:
            self._in_status -= 1

    def handle_data(self, data):
        if self._in_status:
            self.status_text += data

    def find(self, tag, **attributes):
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in attributes.items())
        ]


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


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Stadt Ulm",
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


async def test_an_empty_catalogue_says_so(client):
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
        "idempotency_key",
        "name",
        "email",
        "organisation",
        "privacy_consent",
    }
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
    client, add_event, registrations
):
    event = add_event()
    data = form_data(name="", email="erika@", privacy_consent="")

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
    client, add_event, registrations
):
    event = add_event()
    data = form_data(email="Erika@Example.org")

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


async def test_a_double_submit_is_the_same_registration(client, add_event, registrations):
    event = add_event()
    data = form_data()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    first = await client.post(url, data=data)
    second = await client.post(url, data=data)
    assert first.headers["location"] == second.headers["location"]


async def test_registration_down_keeps_the_values_and_says_nothing_was_saved(
    client, add_event, registrations
):
    event = add_event()
    registrations.failure = RegistrationUnavailable("ConnectError")
    data = form_data()

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


async def test_a_refusal_shows_the_registration_services_message(client, add_event, registrations):
    event = add_event()
    registrations.failure = RegistrationRefused(409, "Sie sind bereits angemeldet.")
    response = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=form_data())
    assert response.status_code == 409
    assert "Sie sind bereits angemeldet." in response.text


async def test_posting_for_an_unknown_event_is_a_404(client, registrations):
    response = await client.post(f"/veranstaltungen/{uuid.uuid4()}/anmeldung", data=form_data())
    assert response.status_code == 404
    assert registrations.submitted == []


def state(event_id, status, **fields):
    return RegistrationState(
        registration_id=uuid.uuid4(), event_id=event_id, status=status, **fields
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
            state(event.event_id, RegistrationStatus.WAITLISTED, waitlist_position=4),
            "Sie stehen auf der Warteliste (Platz 4)",
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


async def test_the_legal_pages_are_marked_as_placeholders(client):
    for path, heading in [
        ("/datenschutz", "Datenschutzerklärung"),
        ("/impressum", "Impressum"),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ]:
        response = await client.get(path)
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.text
        assert "Platzhalter" in response.text
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
    assert set(not_ready.json()["failed"]) == {"catalogue", "registration"}


async def test_every_answer_carries_a_correlation_id(client):
    response = await client.get("/", headers=CORRELATION)
    assert response.headers["X-Correlation-ID"] == "corr-123"
    assert (await client.get("/")).headers["X-Correlation-ID"]


async def test_no_personal_data_in_the_logs(client, add_event, registrations, caplog):
    event = add_event()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    data = form_data(name="Erika Geheim", email="erika.geheim@example.org")

    await client.post(url, data=data)
    await client.post(url, data={**data, "email": "kaputt@"})
    registrations.failure = RegistrationUnavailable("ConnectError")
    await client.post(url, data=data)

    logs = caplog.text
    assert "registration submitted" in logs
    assert "Geheim" not in logs
    assert "erika.geheim" not in logs
    assert "kaputt" not in logs


async def test_the_catalogue_feed_runs_while_the_app_runs(client, feed):
    assert feed.running
