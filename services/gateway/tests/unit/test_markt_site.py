"""The Markt der guten Ideen on the public site, against the fake applications: applying for a
stand, the applicant's page and withdrawing, the accepted stands on the event page, and a
stand's staff member's registration behind their personal link."""

import html
import json
import re
import uuid
from datetime import UTC, datetime

import pytest

from contracts.http.errors import ApiError, Problem
from contracts.http.stands import PUBLIC_DESCRIPTION_MAX_LENGTH, PublicStand, StandNeed
from contracts.messages import ApplicationState, EventCancelled, EventStatus, Locale, StandCall
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from services.gateway.tests.unit.test_pages import Elements, assert_accessible_page

OPEN_CALL = StandCall(
    opens_at=datetime(2026, 2, 1, tzinfo=UTC),
    closes_at=datetime(2026, 3, 5, 22, 59, tzinfo=UTC),
    stands=24,
    description="Ein Tisch und eine Stellwand.",
)


def words(page: str) -> str:
    """A page's text without its tags (what a person reads)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def application(csrf: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf,
        "idempotency_key": str(uuid.uuid4()),
        "project_title": "Quartierstreff am Markt",
        "organisation": "Stadt Ulm",
        "description": "Ein offener Treffpunkt.\r\n\r\nMit Café und Werkstatt.",
        "contact_name": "Erika Mustermann",
        "email": "Erika@Example.org",
        "staff": "2",
        "needs": ["table", "power"],
        "publish_consent": "ja",
        "privacy_consent": "ja",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v}


def form_url(event_id: uuid.UUID) -> str:
    return f"/veranstaltungen/{event_id}/markt/bewerbung"


# --- the event page --------------------------------------------------------------------


async def test_the_open_call_links_to_the_form_and_names_no_contact(client, add_event):
    event = add_event(stand_call=OPEN_CALL, organiser_contact="quartier@example.org")

    page = await client.get(f"/veranstaltungen/{event.event_id}")

    found = Elements(page.text)
    assert found.find("a", href=form_url(event.event_id))
    assert "Jetzt für einen Stand bewerben" in page.text
    assert "an den oben genannten Kontakt" not in page.text


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)),
        (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)),
    ],
)
async def test_a_call_not_open_has_no_link_to_the_form(client, add_event, opens, closes):
    event = add_event(stand_call=StandCall(opens_at=opens, closes_at=closes, stands=3))

    page = await client.get(f"/veranstaltungen/{event.event_id}")

    assert not Elements(page.text).find("a", href=form_url(event.event_id))


async def test_the_event_page_lists_the_accepted_stands_in_german_and_english(
    client, add_event, stands
):
    event = add_event(stand_call=OPEN_CALL)
    stands.public[event.event_id] = [
        PublicStand(
            application_id=uuid.uuid4(),
            project_title="Quartierstreff am Markt",
            organisation="Stadt Ulm",
            description="Ein offener Treffpunkt.\n\nMit Café.",
        ),
        PublicStand(
            application_id=uuid.uuid4(),
            project_title="Gemeinschaftsgarten",
            organisation="Verein Grünes Eck",
            description="Beete für alle.",
        ),
    ]
    url = f"/veranstaltungen/{event.event_id}"

    german = await client.get(url)
    client.cookies.set("lang", "en")
    english = await client.get(url)

    page = assert_accessible_page(german.text)
    assert "Diese Projekte stellen sich vor" in page.find_text("h3")
    assert page.find_text("h4") == ["Quartierstreff am Markt", "Gemeinschaftsgarten"]
    assert "<p>Mit Café.</p>" in german.text
    assert "Verein Grünes Eck" in german.text
    assert "These projects present themselves" in english.text
    assert "Gemeinschaftsgarten" in english.text
    assert len(stands.public_queries) == 1, "the second view within moments asks no one"


async def test_without_stands_or_with_registration_down_the_page_shows_no_list(
    client, add_event, stands
):
    event = add_event(stand_call=OPEN_CALL)
    stands.failure = RegistrationUnavailable("down")

    page = await client.get(f"/veranstaltungen/{event.event_id}")

    assert page.status_code == 200
    assert "Markt der guten Ideen: Bewerbung für einen Stand" in page.text
    assert "Diese Projekte stellen sich vor" not in page.text


async def test_an_event_without_call_asks_for_no_stands(client, add_event, stands):
    event = add_event()
    await client.get(f"/veranstaltungen/{event.event_id}")
    assert stands.public_queries == []


# --- the form --------------------------------------------------------------------------


async def test_the_form_while_the_call_is_open(client, add_event):
    event = add_event(stand_call=OPEN_CALL)

    response = await client.get(form_url(event.event_id))

    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    (form,) = page.find("form", method="post")
    assert form["action"] == form_url(event.event_id)
    assert {attrs["name"] for attrs in page.find("input")} == {
        "csrf_token",
        "idempotency_key",
        "website",
        "project_title",
        "organisation",
        "contact_name",
        "email",
        "staff",
        "needs",
        "publish_consent",
        "privacy_consent",
    }
    assert {attrs["name"] for attrs in page.find("textarea")} == {"description", "needs_other"}
    assert [a["value"] for a in page.find("input", name="needs")] == [n.value for n in StandNeed]
    assert [a["value"] for a in page.find("input", name="staff")] == ["1", "2", "3"]
    assert "checked" in page.find("input", name="staff", value="1")[0]
    assert "Bewerbung bis" in response.text and "Fehler" not in response.text
    assert 'href="/datenschutz"' in response.text


async def test_the_description_counts_down_while_typing(client, add_event):
    """The count is the script's (``static/count.js``); the page hands it the limit and its
    words, names the limit for pages without script, and cuts nothing off (no maxlength)."""
    event = add_event(stand_call=OPEN_CALL)

    response = await client.get(form_url(event.event_id))

    page = Elements(response.text)
    (description,) = page.find("textarea", name="description")
    assert description["data-count-max"] == str(PUBLIC_DESCRIPTION_MAX_LENGTH)
    assert description["data-count-left-other"] == "Noch {n} Zeichen frei"
    assert description["data-count-over-one"] == "{n} Zeichen zu viel"
    assert "maxlength" not in description
    assert description["aria-describedby"] == "description-hint description-count"
    (shown,) = page.find("p", id="description-count")
    assert shown["aria-hidden"] == "true"
    (status,) = page.find("p", id="description-count-status")
    assert status["aria-live"] == "polite"
    assert f"Höchstens {PUBLIC_DESCRIPTION_MAX_LENGTH} Zeichen." in response.text
    assert page.find("script", src="/static/count.js")
    script = await client.get("/static/count.js")
    assert script.status_code == 200
    assert "aria" not in description["data-count-left-one"]
    assert "PAUSE_MS" in script.text and "textContent" in script.text


async def test_the_count_in_english(client, add_event):
    event = add_event(stand_call=OPEN_CALL)
    client.cookies.set("lang", "en")

    page = Elements((await client.get(form_url(event.event_id))).text)

    (description,) = page.find("textarea", name="description")
    assert description["data-count-left-one"] == "{n} character left"
    assert description["data-count-left-other"] == "{n} characters left"
    assert description["data-count-over-other"] == "{n} characters too many"


@pytest.mark.parametrize(
    ("opens", "closes", "heading", "status"),
    [
        (
            datetime(2026, 4, 1, 8, tzinfo=UTC),
            datetime(2026, 5, 1, tzinfo=UTC),
            "Die Bewerbung ist noch nicht möglich",
            "ab Mi., 01.04.2026, 10:00 Uhr",
        ),
        (
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 2, 15, 22, 59, tzinfo=UTC),
            "Die Bewerbungsfrist ist abgelaufen",
            "bis So., 15.02.2026, 23:59 Uhr",
        ),
    ],
)
async def test_a_call_not_open_says_why_and_takes_nothing(
    client, add_event, stands, csrf, opens, closes, heading, status
):
    event = add_event(stand_call=StandCall(opens_at=opens, closes_at=closes, stands=3))

    shown = await client.get(form_url(event.event_id))
    sent = await client.post(form_url(event.event_id), data=application(csrf))

    assert shown.status_code == sent.status_code == 409
    page = assert_accessible_page(shown.text)
    assert page.find_text("h1") == [heading]
    assert status in shown.text
    assert not page.find("form", method="post")
    assert heading in sent.text
    assert stands.applied == []


async def test_an_event_without_a_market_has_no_form(client, add_event, send, csrf):
    plain = add_event()
    cancelled = send(EventCancelled, add_event(stand_call=OPEN_CALL), status=EventStatus.CANCELLED)

    for event in (plain, cancelled):
        response = await client.get(form_url(event.event_id))
        assert response.status_code == 404
        assert "Keine Bewerbung für einen Stand möglich" in response.text
    assert (await client.get(form_url(uuid.uuid4()))).status_code == 404


async def test_an_application_is_passed_on_and_leads_to_the_applicants_page(
    client, add_event, stands, csrf
):
    event = add_event(stand_call=OPEN_CALL)
    data = application(csrf, needs=["table", "other"], needs_other="Zwei  Stühle")

    response = await client.post(
        form_url(event.event_id), data=data, headers={"X-Correlation-ID": "corr-7"}
    )

    assert response.status_code == 303
    (command,) = stands.applied
    token = stands.tokens_by_key[data["idempotency_key"]]
    assert response.headers["location"] == f"/markt/bewerbung/{token}?neu=1"
    assert command.event_id == event.event_id
    assert command.correlation_id == "corr-7"
    applicant = command.applicant
    assert applicant.project_title == "Quartierstreff am Markt"
    assert applicant.description == "Ein offener Treffpunkt.\n\nMit Café und Werkstatt."
    assert applicant.email == "Erika@example.org"
    assert applicant.staff == 2
    assert applicant.needs == (StandNeed.TABLE, StandNeed.OTHER)
    assert applicant.needs_other == "Zwei Stühle"
    assert applicant.publish_consent
    assert applicant.locale is Locale.DE

    receipt = await client.get(response.headers["location"])

    assert receipt.status_code == 200
    page = assert_accessible_page(receipt.text)
    assert page.find_text("h1") == ["Ihre Bewerbung ist eingegangen"]
    assert "Eine Eingangsbestätigung ist per E-Mail an Erika@example.org unterwegs." in (
        words(receipt.text)
    )
    assert receipt.headers["cache-control"] == "no-store"
    assert '<meta name="robots" content="noindex">' in receipt.text


async def test_a_double_submit_is_the_same_application(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    data = application(csrf)

    first = await client.post(form_url(event.event_id), data=data)
    second = await client.post(form_url(event.event_id), data=data)

    assert first.headers["location"] == second.headers["location"]
    assert len(stands.applied) == 1


async def test_missing_consent_and_fields_are_shown_with_everything_kept(
    client, add_event, stands, csrf
):
    event = add_event(stand_call=OPEN_CALL)
    data = application(
        csrf, project_title="", privacy_consent="", email="erika@", needs=["pin_board", "other"]
    )

    response = await client.post(form_url(event.event_id), data=data)

    assert response.status_code == 422
    page = assert_accessible_page(response.text)
    assert "<title>Fehler: " in response.text
    summary = re.findall(r'<li><a href="#([^"]+)">', response.text)
    assert summary == ["project_title", "email", "needs_other", "privacy_consent"]
    for field in ("project_title", "email", "privacy_consent"):
        (found,) = page.find("input", id=field)
        assert found["aria-invalid"] == "true"
        assert f"{field}-error" in (found["aria-describedby"] or "")
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in response.text
    assert page.find("input", id="organisation")[0]["value"] == "Stadt Ulm"
    assert page.find("input", id="email")[0]["value"] == "erika@"
    assert "checked" in page.find("input", name="staff", value="2")[0]
    assert "checked" in page.find("input", name="needs", value="pin_board")[0]
    assert "checked" not in page.find("input", name="needs", value="table")[0]
    assert "checked" in page.find("input", id="publish_consent")[0]
    assert "Mit Café und Werkstatt.</textarea>" in response.text
    assert page.find("input", name="idempotency_key")[0]["value"] == data["idempotency_key"]
    assert stands.applied == []


async def test_a_description_too_long_is_refused_by_the_server(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    limit = PUBLIC_DESCRIPTION_MAX_LENGTH
    exactly = "ä" * (limit - 2) + "\r\nx"  # the line break counts as one character

    fits = await client.post(form_url(event.event_id), data=application(csrf, description=exactly))
    too_long = await client.post(
        form_url(event.event_id), data=application(csrf, description="x" * (limit + 12))
    )

    assert fits.status_code == 303
    assert too_long.status_code == 422
    assert (
        f'<li><a href="#description">Die Kurzbeschreibung darf höchstens {limit} Zeichen lang '
        "sein – sie ist 12 Zeichen zu lang.</a></li>"
    ) in too_long.text
    assert "x" * (limit + 12) + "</textarea>" in too_long.text
    assert len(stands.applied) == 1


async def test_errors_in_english(client, add_event, csrf):
    event = add_event(stand_call=OPEN_CALL)
    client.cookies.set("lang", "en")

    response = await client.post(form_url(event.event_id), data={"csrf_token": csrf})

    assert response.status_code == 422
    assert '<html lang="en">' in response.text
    assert "<title>Error: Apply for a stand" in response.text
    assert '<li><a href="#description">Please describe your project briefly' in response.text
    assert '<li><a href="#staff">Please choose how many people (1 to 3)' in response.text
    assert '<li><a href="#privacy_consent">Please accept the privacy policy.' in response.text
    assert '<span class="visually-hidden">Error: </span>Please enter the title' in response.text
    assert "Please leave this field empty" in response.text


async def test_the_honeypot_passes_nothing_on(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)

    response = await client.post(
        form_url(event.event_id), data=application(csrf, website="https://spam.example")
    )

    assert response.status_code == 400
    assert stands.applied == []
    assert Elements(response.text).find("input", id="project_title")[0]["value"] == (
        "Quartierstreff am Markt"
    )


async def test_without_the_csrf_token_nothing_is_passed_on(client, add_event, stands):
    event = add_event(stand_call=OPEN_CALL)
    response = await client.post(form_url(event.event_id), data=application("forged"))
    assert response.status_code == 403
    assert stands.applied == []


async def test_beyond_the_budget_the_form_asks_for_the_check(
    gateway_client, add_event, stands, solver, form_token
):
    event = add_event(stand_call=OPEN_CALL)
    async with gateway_client(budget_burst=1, budget_per_minute=1) as http:
        csrf = form_token(await http.get(form_url(event.event_id)))
        first = await http.post(form_url(event.event_id), data=application(csrf))
        asked = await http.post(
            form_url(event.event_id), data=application(csrf, project_title="Zweites Projekt")
        )
        page = Elements(asked.text)
        (widget,) = page.find("div", **{"class": "pow-widget"})
        solution = solver(json.loads(widget["data-challenge"] or ""))
        solved = await http.post(
            form_url(event.event_id),
            data=application(csrf, project_title="Zweites Projekt", altcha=solution),
        )

    assert first.status_code == 303
    assert asked.status_code == 428
    assert "Retry-After" in asked.headers
    assert "Deshalb ist Ihre Bewerbung noch nicht abgeschickt." in asked.text
    assert page.find("input", id="project_title")[0]["value"] == "Zweites Projekt"
    assert page.find("script", src="/static/pow.js")
    assert solved.status_code == 303
    assert [c.applicant.project_title for c in stands.applied] == [
        "Quartierstreff am Markt",
        "Zweites Projekt",
    ]


async def test_the_services_refusal_keeps_the_form(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    stands.failure = RegistrationRefused(
        422,
        ApiError(
            code="call_not_open",
            message_de="Die Bewerbungsfrist ist abgelaufen.",
            message_en="The call for stands is closed.",
        ),
    )

    closed = await client.post(form_url(event.event_id), data=application(csrf))
    stands.failure = RegistrationRefused(
        422,
        ApiError(
            code="consent_required",
            message_de="Einwilligung fehlt",
            message_en="Consent missing",
            errors=(
                Problem(
                    field="privacy_consent",
                    code="missing",
                    message_de="Bitte stimmen Sie zu.",
                    message_en="Please agree.",
                ),
            ),
        ),
    )
    consent = await client.post(form_url(event.event_id), data=application(csrf))

    assert closed.status_code == 422
    assert "Die Bewerbungsfrist ist abgelaufen." in closed.text
    assert Elements(closed.text).find("input", id="contact_name")[0]["value"] == (
        "Erika Mustermann"
    )
    assert '<li><a href="#privacy_consent">Bitte stimmen Sie zu.</a></li>' in consent.text


async def test_registration_down_keeps_the_application(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    stands.failure = RegistrationUnavailable("ConnectError")

    response = await client.post(form_url(event.event_id), data=application(csrf))

    assert response.status_code == 503
    assert "Ihre Angaben wurden nicht gespeichert" in response.text
    assert "Mit Café und Werkstatt.</textarea>" in response.text


# --- the applicant's page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "word"),
    [
        (ApplicationState.RECEIVED, "eingegangen"),
        (ApplicationState.ACCEPTED, "angenommen"),
        (ApplicationState.WAITLISTED, "auf der Warteliste"),
        (ApplicationState.DECLINED, "abgelehnt"),
        (ApplicationState.WITHDRAWN, "zurückgezogen"),
    ],
)
async def test_the_applicants_page_shows_what_was_sent_and_the_state(
    client, add_event, stands, state, word
):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.add(
        event.event_id,
        state=state,
        needs=(StandNeed.SCREEN, StandNeed.OTHER),
        needs_other="Verlängerungskabel",
        note="Bitte bis 8 Uhr aufbauen.",
    )

    response = await client.get(f"/markt/bewerbung/{token}")

    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    text = words(response.text)
    assert page.find_text("h1") == ["Ihre Bewerbung für einen Stand"]
    assert f"Stand Ihrer Bewerbung: {word}" in text
    assert "Ihre Bewerbung ist eingegangen" not in text
    assert "Nachricht des Veranstaltungsteams Bitte bis 8 Uhr aufbauen." in text
    assert "Quartierstreff am Markt" in text
    assert "Bildschirm, Verlängerungskabel" in text
    assert "2 Personen" in text
    assert "<p>Mit Café und Werkstatt.</p>" in response.text
    assert page.find("a", href=f"/veranstaltungen/{event.event_id}")
    withdraw = page.find("form", action=f"/markt/bewerbung/{token}/zurueckziehen")
    assert bool(withdraw) is (state is not ApplicationState.WITHDRAWN)
    assert response.headers["cache-control"] == "no-store"


async def test_the_applicants_page_in_english(client, add_event, stands):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.add(event.event_id, state=ApplicationState.WAITLISTED)
    client.cookies.set("lang", "en")

    response = await client.get(f"/markt/bewerbung/{token}")

    text = words(response.text)
    assert "Your application for a stand" in text
    assert "State of your application: on the waiting list" in text
    assert "Withdraw the application for good" in text


async def test_a_wrong_link_is_a_clear_404(client, stands, csrf):
    for token in ("bew.unbekannt", "nicht/erlaubt!", "x" * 600):
        shown = await client.get(f"/markt/bewerbung/{token}")
        assert shown.status_code == 404, token
    withdrawn = await client.post(
        "/markt/bewerbung/bew.unbekannt/zurueckziehen", data={"csrf_token": csrf}
    )
    team = await client.get("/markt/team/team.unbekannt")

    assert withdrawn.status_code == team.status_code == 404
    page = assert_accessible_page(shown.text)
    assert page.find_text("h1") == ["Link ungültig"]
    assert "Bitte verwenden Sie den Link aus Ihrer E-Mail." in team.text
    assert shown.headers["cache-control"] == "no-store"
    assert stands.withdrawn == []


async def test_registration_down_on_the_applicants_page(client, stands):
    stands.failure = RegistrationUnavailable("down")
    response = await client.get("/markt/bewerbung/bew.irgendwas")
    assert response.status_code == 503
    assert "Ihre Bewerbung kann gerade nicht abgerufen werden." in response.text
    assert 'href="/markt/bewerbung/bew.irgendwas"' in response.text


async def test_withdrawing_says_so_and_twice_changes_nothing(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.add(event.event_id, state=ApplicationState.ACCEPTED)
    url = f"/markt/bewerbung/{token}/zurueckziehen"

    page = await client.get(f"/markt/bewerbung/{token}")
    first = await client.post(url, data={"csrf_token": csrf})
    second = await client.post(url, data={"csrf_token": csrf})
    after = await client.get(f"/markt/bewerbung/{token}")

    assert "Wenn Sie Ihre Bewerbung zurückziehen, wird Ihr Stand für andere frei." in page.text
    assert first.status_code == second.status_code == 200
    assert Elements(first.text).find_text("h1") == ["Ihre Bewerbung wurde zurückgezogen."]
    assert "Sie erhalten eine Bestätigung per E-Mail." in first.text
    assert Elements(second.text).find_text("h1") == ["Ihre Bewerbung war bereits zurückgezogen."]
    assert "schon früher zurückgezogen" in second.text
    assert len(stands.withdrawn) == 2
    assert "Stand Ihrer Bewerbung: zurückgezogen" in words(after.text)
    assert "zurueckziehen" not in after.text


async def test_withdrawing_needs_the_csrf_token(client, add_event, stands):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.add(event.event_id)
    response = await client.post(f"/markt/bewerbung/{token}/zurueckziehen", data={})
    assert response.status_code == 403
    assert stands.withdrawn == []


async def test_registration_down_while_withdrawing_changes_nothing(client, add_event, stands, csrf):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.add(event.event_id)
    stands.failure = RegistrationUnavailable("down")

    response = await client.post(
        f"/markt/bewerbung/{token}/zurueckziehen", data={"csrf_token": csrf}
    )

    assert response.status_code == 503
    assert "Es wurde nichts geändert" in response.text


# --- a stand's staff member ------------------------------------------------------------


async def test_the_exhibitors_form_is_the_registration_prefilled_with_the_kommune(
    client, add_event, stands
):
    event = add_event(stand_call=OPEN_CALL, seats_left=0, status=EventStatus.CLOSED)
    token = stands.exhibitor(event.event_id, seat=2)

    response = await client.get(f"/markt/team/{token}")

    assert response.status_code == 200
    page = assert_accessible_page(response.text)
    assert "Person 2 von 2" in response.text
    assert "„Quartierstreff am Markt“ (Stadt Ulm)" in response.text
    (form,) = page.find("form", method="post")
    assert form["action"] == f"/markt/team/{token}"
    assert page.find("input", id="organisation")[0]["value"] == "Stadt Ulm"
    assert {"name", "email", "privacy_consent", "idempotency_key"} <= {
        attrs["name"] for attrs in page.find("input")
    }
    assert page.find("select", name="role")
    assert response.headers["cache-control"] == "no-store"


async def test_the_exhibitor_registers_with_the_token_then_sees_the_status(
    client, add_event, stands, registrations, form_token
):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.exhibitor(event.event_id)
    csrf = form_token(await client.get(f"/markt/team/{token}"))
    data = {
        "csrf_token": csrf,
        "name": "Max Muster",
        "email": "max@example.org",
        "organisation": "Stadt Ulm",
        "role": "administration",
        "privacy_consent": "ja",
        "idempotency_key": str(uuid.uuid4()),
    }

    response = await client.post(f"/markt/team/{token}", data=data)

    assert response.status_code == 303
    (command,) = registrations.submitted
    assert command.exhibitor_token == token
    assert command.event_id == event.event_id
    assert command.attendee.name == "Max Muster"
    registration_id = registrations.ids[data["idempotency_key"]]
    assert response.headers["location"] == f"/anmeldung/{registration_id}"


async def test_the_exhibitors_errors_stay_on_their_form(client, add_event, stands, registrations):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.exhibitor(event.event_id)
    page = await client.get(f"/markt/team/{token}")
    csrf = Elements(page.text).find("input", name="csrf_token")[0]["value"]

    response = await client.post(
        f"/markt/team/{token}", data={"csrf_token": csrf, "organisation": "Stadt Ulm"}
    )

    assert response.status_code == 422
    assert "<title>Fehler: Anmeldung für Ihren Stand" in response.text
    assert '<li><a href="#name">Bitte geben Sie Ihren Namen an.</a></li>' in response.text
    assert Elements(response.text).find("form", method="post")[0]["action"] == (
        f"/markt/team/{token}"
    )
    assert registrations.submitted == []


async def test_a_stand_no_longer_accepted_gets_a_clear_page(
    client, add_event, stands, registrations, csrf
):
    event = add_event(stand_call=OPEN_CALL)
    token = stands.exhibitor(event.event_id, accepted=False)

    shown = await client.get(f"/markt/team/{token}")
    sent = await client.post(
        f"/markt/team/{token}",
        data={"csrf_token": csrf, "name": "Max", "email": "max@example.org", "role": "other"},
    )

    assert shown.status_code == sent.status_code == 409
    page = assert_accessible_page(shown.text)
    assert page.find_text("h1") == ["Der Stand ist nicht angenommen"]
    assert "„Quartierstreff am Markt“ ist zurückgezogen oder nicht (mehr) angenommen" in (
        shown.text
    )
    assert not page.find("form", method="post")
    assert registrations.submitted == []


async def test_the_exhibitors_link_for_a_cancelled_event(client, add_event, send, stands):
    event = add_event(stand_call=OPEN_CALL)
    send(EventCancelled, event, status=EventStatus.CANCELLED)
    token = stands.exhibitor(event.event_id)

    response = await client.get(f"/markt/team/{token}")

    assert response.status_code == 409
    assert "Die Veranstaltung wurde abgesagt" in response.text
