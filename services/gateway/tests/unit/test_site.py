"""The public site's filters, event details, the registration form's new fields, feedback on
barriers, the operator's legal texts and the API reference."""

import re
import uuid
from datetime import UTC, datetime

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import ApiError, Problem
from contracts.messages import EventKind, EventStatus
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 id="event-[^"]+"><a href="[^"]+">([^<]+)</a></h2>', html)


def later(day: int) -> dict[str, datetime]:
    return {
        "starts_at": datetime(2026, 4, day, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 4, day, 12, 0, tzinfo=UTC),
    }


async def test_the_start_page_filters_by_kind_and_city_without_script(client, add_event):
    add_event(title="Fachtag Stuttgart", city="Stuttgart")
    add_event(title="Markt Ulm", kind=EventKind.MARKT, city="Ulm", **later(2))
    add_event(title="Forum Ulm", kind=EventKind.PRAXISFORUM, city="Ulm", **later(3))
    add_event(title="Abgesagt in Aalen", city="Aalen", status=EventStatus.CANCELLED)

    everything = await client.get("/")
    in_ulm = await client.get("/", params={"ort": "Ulm"})
    markets_in_ulm = await client.get("/", params={"art": "markt", "ort": "Ulm"})
    nothing = await client.get("/", params={"art": "werkstattgespraech"})
    nonsense = await client.get("/", params={"art": "quatsch", "ort": "Atlantis"})

    assert '<form class="filter" method="get" action="/" role="search"' in everything.text
    assert re.findall(r"<option>([^<]+)</option>", everything.text) == ["Stuttgart", "Ulm"]
    assert "3 Veranstaltungen, nach Datum sortiert." in everything.text
    assert titles(in_ulm.text) == ["Markt Ulm", "Forum Ulm"]
    assert "<option selected>Ulm</option>" in in_ulm.text
    assert titles(markets_in_ulm.text) == ["Markt Ulm"]
    assert "1 Veranstaltung, nach Datum sortiert." in markets_in_ulm.text
    assert '<option value="markt" selected>Markt der guten Ideen</option>' in (markets_in_ulm.text)
    assert 'href="/">Filter zurücksetzen</a>' in markets_in_ulm.text
    assert "Keine Veranstaltung passt zu dieser Auswahl." in nothing.text
    assert titles(nonsense.text) == titles(everything.text)
    assert "Filter zurücksetzen" not in nonsense.text


async def test_the_event_page_shows_address_and_contact(client, add_event):
    event = add_event(
        venue="Hospitalhof",
        address="Büchsenstraße 33, 70174 Stuttgart",
        organiser_contact="Team Quartier, quartier@example.org, 0711 123456",
    )

    page = await client.get(f"/veranstaltungen/{event.event_id}")

    assert "<dd>Hospitalhof, Büchsenstraße 33, 70174 Stuttgart</dd>" in page.text
    assert (
        "<dt>Kontakt</dt><dd>Team Quartier, "
        '<a href="mailto:quartier@example.org">quartier@example.org</a>, 0711 123456</dd>'
    ) in page.text
    assert "noch 12 Plätze frei" in page.text


def registration(csrf: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf,
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Stadt Ulm",
        "role": "mayor",
        "privacy_consent": "ja",
    }
    data.update(changes)
    return data


async def test_role_and_accessibility_needs_are_passed_on(client, add_event, registrations, csrf):
    event = add_event()
    data = registration(
        csrf,
        accessibility_needs=["sign_language", "step_free"],
        accessibility_other="Assistenzhund",
        health_data_consent="ja",
    )

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 303
    (command,) = registrations.submitted
    attendee = command.attendee
    assert attendee.role is AttendeeRole.MAYOR
    assert attendee.accessibility_needs == (
        AccessibilityNeed.STEP_FREE,
        AccessibilityNeed.SIGN_LANGUAGE,
    )
    assert attendee.accessibility_other == "Assistenzhund"
    assert attendee.health_data_consent


async def test_needs_without_their_consent_are_an_error_at_the_consent(
    client, add_event, registrations, csrf
):
    event = add_event()
    data = registration(csrf, role="", accessibility_needs=["induction_loop"])

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 422
    html = answer.text
    assert '<li><a href="#health_data_consent">Für Angaben zur Barrierefreiheit' in html
    assert '<li><a href="#role">Bitte wählen Sie aus' in html
    assert re.search(
        r'<input type="checkbox" id="health_data_consent" name="health_data_consent" value="ja" '
        r'aria-describedby="health_data_consent-hint health_data_consent-error" '
        r'aria-invalid="true">',
        html,
    )
    assert re.search(r'<select id="role" name="role" required aria-describedby="role-error"', html)
    assert re.search(
        r'id="need-induction_loop" name="accessibility_needs" value="induction_loop" checked', html
    )
    assert 'value="Stadt Ulm"' in html
    assert registrations.submitted == []


async def test_the_registration_services_consent_refusal_lands_at_the_field(
    client, add_event, registrations, csrf
):
    event = add_event()
    registrations.failure = RegistrationRefused(
        422,
        ApiError(
            code="health_consent_required",
            message_de="Einwilligung fehlt.",
            message_en="Consent missing.",
            errors=(
                Problem(
                    field="health_data_consent",
                    code="health_consent_required",
                    message_de="Die Einwilligung fehlt hier.",
                    message_en="The consent is missing here.",
                ),
            ),
        ),
    )
    data = registration(csrf, accessibility_needs=["step_free"], health_data_consent="ja")

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 422
    assert 'id="health_data_consent-error"' in answer.text
    assert '<li><a href="#health_data_consent">Die Einwilligung fehlt hier.</a></li>' in answer.text


async def test_the_api_takes_the_new_fields(client, add_event, registrations):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    body = {"name": "Erika", "email": "erika@example.org", "privacy_consent": True}

    plain = await client.post(url, json=body)
    without_consent = await client.post(url, json={**body, "accessibility_needs": ["step_free"]})
    unknown_role = await client.post(url, json={**body, "role": "king"})
    full = await client.post(
        url,
        json={
            **body,
            "role": "science",
            "accessibility_needs": ["easy_language"],
            "health_data_consent": True,
            "locale": "en",
        },
        headers={"Idempotency-Key": "key-for-the-full-one"},
    )

    assert plain.status_code == full.status_code == 202
    assert without_consent.status_code == 422
    assert without_consent.json()["errors"][0]["field"] == "health_data_consent"
    assert unknown_role.status_code == 422
    first, second = registrations.submitted
    assert first.attendee.role is AttendeeRole.OTHER
    assert second.attendee.accessibility_needs == (AccessibilityNeed.EASY_LANGUAGE,)
    assert second.attendee.health_data_consent


# --- feedback on barriers ----------------------------------------------------------------


async def test_feedback_goes_to_the_registration_service(client, registrations, csrf):
    data = {
        "csrf_token": csrf,
        "message": "Der Kontrast der Links ist zu schwach.\nBesonders im Fußbereich.",
        "name": "Bea Beispiel",
        "email": "bea@example.org",
        "page": "/veranstaltungen/123",
    }
    client.cookies.set("lang", "en")

    answer = await client.post("/barrierefreiheit/rueckmeldung", data=data)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/barrierefreiheit/danke"
    (command,) = registrations.feedback
    assert command.feedback.message == data["message"]
    assert command.feedback.email == "bea@example.org"
    assert command.feedback.page == "/veranstaltungen/123"
    assert command.feedback.locale.value == "en"
    thanks = await client.get("/barrierefreiheit/danke")
    assert "<h1>Thank you for your feedback</h1>" in thanks.text


async def test_feedback_errors_stand_next_to_their_fields(client, registrations, csrf):
    data = {"csrf_token": csrf, "message": " ", "email": "bea@", "name": "Bea"}

    answer = await client.post("/barrierefreiheit/rueckmeldung", data=data)

    assert answer.status_code == 422
    html = answer.text
    assert (
        '<li><a href="#message">Bitte schreiben Sie uns, was Ihnen aufgefallen ist.</a></li>'
        in html
    )
    assert 'id="email-error"' in html
    assert re.search(
        r'<textarea id="message" name="message" rows="6" required '
        r'aria-describedby="message-error" aria-invalid="true">',
        html,
    )
    assert 'value="Bea"' in html
    assert registrations.feedback == []


async def test_feedback_while_registration_is_down_keeps_the_text(client, registrations, csrf):
    registrations.failure = RegistrationUnavailable("down")
    data = {"csrf_token": csrf, "message": "Die Schrift ist zu klein."}

    answer = await client.post("/barrierefreiheit/rueckmeldung", data=data)

    assert answer.status_code == 503
    assert "wurde nicht gespeichert" in answer.text
    assert ">Die Schrift ist zu klein.</textarea>" in answer.text


async def test_the_feedback_form_names_the_page_the_visitor_came_from(client):
    page = await client.get(
        "/barrierefreiheit", headers={"Referer": "http://gateway/veranstaltungen/abc?x=1"}
    )
    elsewhere = await client.get(
        "/barrierefreiheit", headers={"Referer": "https://evil.example/veranstaltungen"}
    )
    assert 'id="page" name="page" value="/veranstaltungen/abc"' in page.text
    assert 'id="page" name="page" value=""' in elsewhere.text


# --- the operator's legal texts ------------------------------------------------------------


async def test_legal_texts_come_from_the_content_folder(gateway_client, tmp_path):
    (tmp_path / "impressum.de.html").write_text("<p>Stadt Musterhausen, Rathausplatz 1</p>")
    (tmp_path / "impressum.en.html").write_text("<p>Town of Musterhausen</p>")
    (tmp_path / "datenschutz.de.html").write_text("<p>Nur auf Deutsch</p>")

    async with gateway_client(content_dir=tmp_path) as http:
        german = await http.get("/impressum")
        http.cookies.set("lang", "en")
        english = await http.get("/impressum")
        fallback = await http.get("/datenschutz")

    assert "<p>Stadt Musterhausen, Rathausplatz 1</p>" in german.text
    assert "<h1>Legal notice</h1>" in english.text
    assert "<p>Town of Musterhausen</p>" in english.text
    assert "<p>Nur auf Deutsch</p>" in fallback.text


async def test_the_default_texts_exist_in_both_languages(client):
    client.cookies.set("lang", "en")
    for path, text in [
        ("/datenschutz", "never leave it"),
        ("/impressum", "Legal notice"),
        ("/barrierefreiheit", "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz"),
    ]:
        page = await client.get(path)
        assert page.status_code == 200
        assert text in page.text
        assert "Note for operators" in page.text


# --- the API reference ---------------------------------------------------------------------


async def test_the_api_reference_is_a_page_of_our_own(client):
    page = await client.get("/api/docs")

    assert page.status_code == 200
    html = page.text
    assert "<h1>Schnittstelle (API)</h1>" in html
    assert "<code>POST /api/v1/events/{event_id}/registrations</code>" in html
    assert "<code>GET /api/v1/registrations/{registration_id}</code>" in html
    assert "<code>Idempotency-Key</code></th><td>header</td>" in html
    assert "<code>health_data_consent</code>" in html
    assert "challenge_required" in html
    assert "<code>Altcha</code></th><td>header</td>" in html
    assert "<code>ChallengeRequiredError</code>" in html
    assert "cdn" not in html.lower()
    assert all("src" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert (await client.get("/api/openapi.json")).json()["paths"]
    unknown = await client.get(f"/api/v1/events/{uuid.uuid4()}")
    assert unknown.json()["code"] == "not_found"
