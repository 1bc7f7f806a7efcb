"""CSRF, security headers and the honeypot (the registration budget: test_admission.py)."""

import re

import pytest
from itsdangerous import URLSafeSerializer

from gateway.web.security import CSRF_COOKIE

REGISTRATION = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "role": "volunteer",
    "privacy_consent": "ja",
}
API_REGISTRATION = {"name": "Erika", "email": "erika@example.org", "privacy_consent": True}


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


async def test_a_page_with_a_form_sets_the_csrf_cookie(client):
    page = await client.get("/barrierefreiheit")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert {"httponly", "samesite=lax", "path=/"} <= cookie_attributes(cookie)
    assert "secure" not in cookie_attributes(cookie)
    token = cookie.split(";")[0].split("=", 1)[1]
    assert f'<input type="hidden" name="csrf_token" value="{token}">' in page.text
    again = await client.get("/barrierefreiheit")
    assert "set-cookie" not in again.headers, "the browser keeps its token"
    assert token in again.text
    assert again.headers["cache-control"] == "private", "no shared cache hands it to others"


async def test_over_https_the_cookie_is_secure(gateway_client):
    async with gateway_client("https://gateway") as https:
        page = await https.get("/barrierefreiheit")
    assert "secure" in cookie_attributes(page.headers["set-cookie"])


async def test_a_form_without_the_token_is_refused_and_nothing_saved(
    client, add_event, registrations
):
    event = add_event()
    await client.get(f"/veranstaltungen/{event.event_id}")  # the cookie, but no field

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=REGISTRATION)

    assert answer.status_code == 403
    assert "<h1>Sicherheitsprüfung fehlgeschlagen</h1>" in answer.text
    assert "Bitte laden Sie die Seite neu" in answer.text
    assert "nichts gespeichert" in answer.text
    assert registrations.submitted == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + "xx",  # a broken signature
        lambda token: URLSafeSerializer("someone-elses-secret-key", salt="csrf").dumps("x"),
    ],
)
async def test_a_wrong_token_is_refused(client, add_event, registrations, csrf, forge):
    event = add_event()
    data = {**REGISTRATION, "csrf_token": forge(csrf)}

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 403
    assert registrations.submitted == []


async def test_a_cookie_and_field_made_up_alike_are_refused(client, add_event, registrations):
    event = add_event()
    made_up = URLSafeSerializer("someone-elses-secret-key", salt="csrf").dumps("x")
    client.cookies.set(CSRF_COOKIE, made_up)

    answer = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung",
        data={**REGISTRATION, "csrf_token": made_up},
    )

    assert answer.status_code == 403
    assert registrations.submitted == []


async def test_a_token_without_its_cookie_is_refused(client, add_event, registrations, csrf):
    event = add_event()
    client.cookies.clear()

    answer = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung", data={**REGISTRATION, "csrf_token": csrf}
    )

    assert answer.status_code == 403
    assert registrations.submitted == []


async def test_the_refusal_in_english_and_for_cancel_links(client, registrations, caplog):
    client.cookies.set("lang", "en")
    answer = await client.post("/abmeldung/tok.something.sig")
    assert answer.status_code == 403
    assert "csrf check failed" in caplog.text
    assert "tok.something.sig" not in caplog.text
    assert "<h1>Security check failed</h1>" in answer.text
    assert "Please reload the page and send the form again." in answer.text
    assert registrations.cancel_requests == []


async def test_the_api_needs_no_csrf_token(client, add_event, registrations):
    event = add_event()
    answer = await client.post(
        f"/api/v1/events/{event.event_id}/registrations", json=API_REGISTRATION
    )
    assert answer.status_code == 202


async def test_security_headers_and_hsts_only_over_https(client, gateway_client):
    plain = await client.get("/")
    assert "strict-transport-security" not in plain.headers
    assert "camera=()" in plain.headers["permissions-policy"]
    assert "script-src 'self'" in plain.headers["content-security-policy"]
    async with gateway_client("https://gateway") as https:
        secure = await https.get("/")
        api = await https.get("/api/v1/events")
    for answer in (secure, api):
        assert answer.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains"
        )
        assert "permissions-policy" in answer.headers


async def test_a_filled_honeypot_registers_nobody(client, add_event, registrations, csrf):
    event = add_event()
    data = {**REGISTRATION, "csrf_token": csrf, "website": "https://spam.example"}

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 400
    assert "Ihre Angaben konnten nicht verarbeitet werden." in answer.text
    assert "spam.example" not in answer.text
    assert 'value="Erika Mustermann"' in answer.text
    assert registrations.submitted == []


async def test_a_filled_honeypot_sends_no_feedback(client, registrations, csrf):
    data = {"csrf_token": csrf, "message": "Kaufen Sie jetzt!", "website": "x"}
    answer = await client.post("/barrierefreiheit/rueckmeldung", data=data)
    assert answer.status_code == 400
    assert registrations.feedback == []


async def test_the_honeypot_is_out_of_sight_but_labelled(client, add_event):
    event = add_event()
    page = (await client.get(f"/veranstaltungen/{event.event_id}")).text
    assert re.search(
        r'<div class="visually-hidden">\s*<label for="website">Dieses Feld bitte leer lassen'
        r'</label>\s*<input type="text" id="website" name="website" value="" tabindex="-1" '
        r'autocomplete="off">',
        page,
    )
