"""Beyond the budget of its client address a registration is answered with a challenge:
the API's 428 ``challenge_required``, the form again with every value kept and the check;
with the solution it goes through, once."""

from __future__ import annotations

import html
import json
import re
from typing import Any

REGISTRATION = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "organisation": "Gemeinde Musterhausen",
    "role": "volunteer",
    "privacy_consent": "ja",
}
TINY = {"budget_burst": 1, "budget_per_minute": 0.01, "challenge_max_number": 2000}


def api_registration(email: str) -> dict[str, Any]:
    return {"name": "Erika", "email": email, "privacy_consent": True}


async def test_beyond_the_budget_the_api_asks_for_a_challenge(
    gateway_client, add_event, registrations, solver
):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    async with gateway_client(**TINY) as http:
        first = await http.post(url, json=api_registration("erika@example.org"))
        challenged = await http.post(url, json=api_registration("zora@example.org"))
        body = challenged.json()
        solution = solver(body["challenge"])
        solved = await http.post(
            url, json=api_registration("zora@example.org"), headers={"Altcha": solution}
        )
        again = await http.post(
            url, json=api_registration("fritz@example.org"), headers={"Altcha": solution}
        )

    assert first.status_code == 202
    assert challenged.status_code == 428
    assert body["code"] == "challenge_required"
    assert "Altcha" in body["message_de"] and "Retry-After" in body["message_en"]
    assert int(challenged.headers["retry-after"]) == body["retry_after"] > 0
    assert set(body["challenge"]) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert solved.status_code == 202, solved.text
    assert again.status_code == 428, "a solution counts once"
    assert "did not count" in again.json()["message_en"]
    assert again.json()["challenge"]["challenge"] != body["challenge"]["challenge"]
    assert [c.attendee.email for c in registrations.submitted] == [
        "erika@example.org",
        "zora@example.org",
    ]


async def test_invalid_input_is_answered_before_the_budget(gateway_client, add_event):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    async with gateway_client(**TINY) as http:
        used_up = await http.post(url, json=api_registration("erika@example.org"))
        invalid = await http.post(url, json={"name": "", "privacy_consent": False})
    assert used_up.status_code == 202
    assert invalid.status_code == 422, "not a challenge: its problems first"


async def test_no_budget_when_it_is_off(gateway_client, add_event):
    event = add_event()
    url = f"/api/v1/events/{event.event_id}/registrations"
    async with gateway_client(budget_burst=0) as http:
        answers = [
            await http.post(url, json=api_registration("erika@example.org")) for _ in range(15)
        ]
    assert {answer.status_code for answer in answers} == {202}


def challenge_on(page: str) -> dict[str, Any]:
    found = re.search(r'data-challenge="([^"]+)"', page)
    assert found, "no challenge on the page"
    challenge: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return challenge


async def test_beyond_the_budget_the_form_comes_back_with_the_check(
    gateway_client, add_event, registrations, solver, form_token
):
    event = add_event()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    async with gateway_client(**TINY) as http:
        token = form_token(await http.get(f"/veranstaltungen/{event.event_id}"))
        first = await http.post(url, data={**REGISTRATION, "csrf_token": token})
        data = {
            **REGISTRATION,
            "csrf_token": token,
            "email": "zora@example.org",
            "accessibility_needs": "step_free",
            "health_data_consent": "ja",
        }
        challenged = await http.post(url, data=data)
        challenge = challenge_on(challenged.text)
        solved = await http.post(url, data={**data, "altcha": solver(challenge)})

    assert first.status_code == 303
    assert challenged.status_code == 428
    assert int(challenged.headers["retry-after"]) > 0
    page = challenged.text
    assert '<h2 id="challenge-summary-title">Noch ein kurzer Schritt</h2>' in page
    assert "Ihre Angaben sind erhalten." in page
    assert 'value="Erika Mustermann"' in page and 'value="zora@example.org"' in page
    assert 'value="Gemeinde Musterhausen"' in page
    assert re.search(r'<option value="volunteer" selected>', page)
    assert re.search(
        r'id="need-step_free" name="accessibility_needs" value="step_free" checked', page
    )
    assert re.search(r'id="privacy_consent" name="privacy_consent" value="ja"\s+checked', page)
    assert '<script src="/static/pow.js" defer></script>' in page
    assert re.search(r'<button type="button"[^>]*>Ich bin ein Mensch – jetzt prüfen</button>', page)
    assert 'role="status" aria-live="polite"' in page
    assert '<input type="hidden" name="altcha" value="" data-pow-solution>' in page
    assert re.search(
        r"<noscript><p>Ohne JavaScript geht es auch: Senden Sie das Formular in "
        r"\d+ Sekunden? einfach noch einmal ab",
        page,
    )
    assert "<title>Noch ein Schritt:" in page
    assert solved.status_code == 303, solved.text[:500]
    assert [c.attendee.email for c in registrations.submitted] == [
        "erika@example.org",
        "zora@example.org",
    ]


async def test_the_check_in_english_and_a_used_solution(
    gateway_client, add_event, registrations, solver, form_token
):
    event = add_event()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    async with gateway_client(**TINY) as http:
        http.cookies.set("lang", "en")
        token = form_token(await http.get(f"/veranstaltungen/{event.event_id}"))
        data = {**REGISTRATION, "csrf_token": token}
        await http.post(url, data=data)
        challenged = await http.post(url, data={**data, "email": "zora@example.org"})
        solution = solver(challenge_on(challenged.text))
        await http.post(url, data={**data, "email": "zora@example.org", "altcha": solution})
        reused = await http.post(
            url, data={**data, "email": "fritz@example.org", "altcha": solution}
        )

    assert challenged.status_code == 428
    page = challenged.text
    assert "One more short step" in page
    assert "I am a person – check now" in page
    assert "It also works without JavaScript: simply send the form again in" in page
    assert reused.status_code == 428
    assert "The last check had expired or was not valid." in reused.text
    assert len(registrations.submitted) == 2


async def test_a_form_with_errors_keeps_a_solution_not_yet_used(
    gateway_client, add_event, registrations, solver, form_token
):
    event = add_event()
    url = f"/veranstaltungen/{event.event_id}/anmeldung"
    async with gateway_client(**TINY) as http:
        token = form_token(await http.get(f"/veranstaltungen/{event.event_id}"))
        data = {**REGISTRATION, "csrf_token": token}
        await http.post(url, data=data)
        challenged = await http.post(url, data={**data, "email": "zora@example.org"})
        solution = solver(challenge_on(challenged.text))
        invalid = await http.post(url, data={**data, "email": "zora@", "altcha": solution})
        kept = re.search(r'<input type="hidden" name="altcha" value="([^"]+)">', invalid.text)
        fixed = await http.post(
            url, data={**data, "email": "zora@example.org", "altcha": kept.group(1) if kept else ""}
        )

    assert invalid.status_code == 422
    assert kept, "the solution rides along"
    assert fixed.status_code == 303
