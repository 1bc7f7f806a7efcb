"""A Kommune behind one address, in the browser: 300 people from 127.0.0.1 register through
the real form of a gateway with the shipped burst within one minute, none is challenged; on a
gateway with a tiny budget the form comes back with the check, which a person solves with the
keyboard alone (axe-core: no violation, German and English) and gets registered; without
JavaScript the page says when to send the form again, and that works."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from playwright.async_api import Page, expect

from devstack.stack import Stack
from gateway.config import Settings
from tests.e2e.rush import all_decided
from tests.support import eventually

from .checks import assert_accessible, assert_focus_visible, tab_to
from .conftest import BUDGET, Browsing, EventFactory, Screenshots
from .flows import PublicEvent, listed_on, unique_email

PEOPLE = 300
TYPED = 8
"""Of them, people who type into the form on the screen, on ``PAGES`` pages side by side
(here each needs seconds); for the others their browser fills in and sends the same form."""
PAGES = 4
IN_FLIGHT = 4
"""Forms the browser sends side by side (two cores: more would only queue)."""
WITHIN_S = 60.0
"""The Kommune's rush: all of them within one minute."""
NO_REFILL = str(1 / 600)
"""A token every ten hours: registrations per minute that count as none."""
STATUS_PATH = re.compile(r"/anmeldung/([0-9a-f-]{36})$")
REGISTRATION_FORM = "form[action$='/anmeldung']"
CHECK_BUTTON = {"de": "Ich bin ein Mensch – jetzt prüfen", "en": "I am a person – check now"}
WORKING = {"de": "Wird geprüft", "en": "Checking"}
DONE = {
    "de": "Geprüft – danke! Sie können Ihre Anmeldung jetzt absenden.",
    "en": "Checked – thank you! You can send your registration now.",
}
SUMMARY = {"de": "Noch ein kurzer Schritt", "en": "One more short step"}
SOLVE_TIMEOUT_MS = 30_000
# The event page as the gateway renders it for this browser (its cookies and CSRF token, a
# fresh idempotency key), its form filled in and sent the way the browser submits a form
# (urlencoded, following the 303 to the status page); what the status page says.
SEND_FORM = """async ({path, selector, person}) => {
    const parse = async answer =>
        new DOMParser().parseFromString(await answer.text(), "text/html");
    const shown = await fetch(path);
    if (!shown.ok) return {status: shown.status, url: shown.url, said: null};
    const form = (await parse(shown)).querySelector(selector);
    form.querySelector("#name").value = person.name;
    form.querySelector("#email").value = person.email;
    form.querySelector("#organisation").value = "Landratsamt Musterkreis";
    form.querySelector("#role").value = "administration";
    form.querySelector("#privacy_consent").checked = true;
    const answer = await fetch(form.action, {
        method: form.method, body: new URLSearchParams(new FormData(form)),
    });
    const status = (await parse(answer)).querySelector("[data-status]");
    return {status: answer.status, url: answer.url, said: status && status.dataset.status};
}"""
# What the live region said, in order (a MutationObserver; evaluated over DevTools, which
# the page's CSP does not govern).
RECORD_LIVE_REGION = """() => {
    const region = document.getElementById("pow-status");
    window.__said = [];
    new MutationObserver(() => window.__said.push(region.textContent))
        .observe(region, {childList: true, characterData: true, subtree: true});
}"""


async def fill_form(page: Page, name: str, email: str) -> None:
    """A person fills in the form by its field ids (the same in both languages)."""
    form = page.locator(REGISTRATION_FORM)
    await form.locator("#name").fill(name)
    await form.locator("#email").fill(email)
    await form.locator("#organisation").fill("Landratsamt Musterkreis")
    await form.locator("#role").select_option("administration")
    await form.locator("#privacy_consent").check()


async def register_once(page: Page, event: PublicEvent, i: int) -> str:
    """One person registers through the form; their registration id (from the address of
    the status page the form sends them to, which the next person's visit leaves behind)."""
    await page.goto(event.path, wait_until="domcontentloaded")
    await fill_form(page, f"Person {i} aus der Verwaltung", unique_email(f"amt.{i}"))
    async with page.expect_navigation(wait_until="commit"):
        await page.locator(REGISTRATION_FORM).locator("button[type=submit]").click()
    found = STATUS_PATH.search(page.url)
    assert found, f"person {i} did not get through: {page.url}"
    return found.group(1)


async def send_form(page: Page, event: PublicEvent, i: int) -> str:
    """One person whose browser fills in and sends the event's form itself (from ``page``,
    so with its context's cookies); their registration id, once the status page says so."""
    person = {"name": f"Person {i} aus der Verwaltung", "email": unique_email(f"amt.{i}")}
    answer: dict[str, Any] = await page.evaluate(
        SEND_FORM, {"path": event.path, "selector": REGISTRATION_FORM, "person": person}
    )
    found = STATUS_PATH.search(answer["url"])
    assert answer["status"] == 200 and found, f"person {i} did not get through: {answer}"
    assert answer["said"] in {"pending", "confirmed"}, f"person {i}: {answer}"
    return found.group(1)


@pytest.mark.timeout(180)  # the rush 25–35 s on a busy two-core machine, the test 35–50
async def test_three_hundred_people_from_one_address_register_through_the_form(
    stack: Stack, browsing: Browsing, make_event: EventFactory
) -> None:
    """Within one minute, from one browser (one address), on the shipped burst with its
    refill turned down to nothing: the burst alone must carry the 300. A few type into the
    form; for the others the browser fills in the form it was served and sends it."""
    gateway = await stack.spawn_gateway(
        {
            "GATEWAY_BUDGET_BURST": str(Settings.model_fields["budget_burst"].default),
            "GATEWAY_BUDGET_PER_MINUTE": NO_REFILL,
            "GATEWAY_BUDGET_EVENT_PER_MINUTE": NO_REFILL,
        }
    )
    event = await make_event(title="Fachtag – eine Verwaltung, eine Adresse", capacity=PEOPLE)
    await listed_on(gateway, event)
    first = await browsing.page(base_url=gateway)
    typing = [first, *[await first.context.new_page() for _ in range(PAGES - 1)]]
    sending = await first.context.new_page()
    await sending.goto(event.path)
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def typed(page: Page, people: range) -> list[str]:
        return [await register_once(page, event, i) for i in people]

    async def sent(i: int) -> str:
        async with in_flight:
            return await send_form(sending, event, i)

    began = time.monotonic()
    *by_hand, by_browser = await asyncio.gather(
        *(typed(page, range(k, TYPED, PAGES)) for k, page in enumerate(typing)),
        asyncio.gather(*(sent(i) for i in range(TYPED, PEOPLE))),
    )
    took = time.monotonic() - began

    ids = [registration_id for share in [*by_hand, by_browser] for registration_id in share]
    assert len(set(ids)) == PEOPLE
    assert took <= WITHIN_S, f"the {PEOPLE} took {took:.0f} s, not one minute"
    counts = await eventually(
        lambda: all_decided(stack.registration_url, ids), what="300 decisions", timeout=120
    )
    assert counts == {"confirmed": PEOPLE}, counts


async def challenged_form(
    browsing: Browsing, limited_gateway: str, event: PublicEvent, lang: str
) -> tuple[Page, dict[str, str]]:
    """Register on the tiny-budget gateway until the form comes back with the check (its
    budget may have been used up by an earlier test); the page and what was typed."""
    await listed_on(limited_gateway, event)
    page = await browsing.page(base_url=limited_gateway)
    await page.goto(f"/sprache/{lang}?zurueck={event.path}")
    typed: dict[str, str] = {}
    for attempt in range(BUDGET + 1):
        await page.goto(event.path)
        typed = {"name": f"Geduldige Gisela {attempt}", "email": unique_email(f"pow.{lang}")}
        await fill_form(page, typed["name"], typed["email"])
        await load(page)
        if browsing.problems(page).document_status == 428:
            return page, typed
    raise AssertionError(f"never challenged; last page {page.url} „{await page.title()}“")


async def load(page: Page) -> None:
    async with page.expect_navigation():
        await page.locator(REGISTRATION_FORM).locator("button[type=submit]").click()


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_check_is_solved_with_the_keyboard_alone(
    lang: str,
    limited_gateway: str,
    browsing: Browsing,
    make_event: EventFactory,
    screenshots: Screenshots,
) -> None:
    event = await make_event(title=f"Werkstattgespräch – kurze Prüfung ({lang})", capacity=20)
    page, typed = await challenged_form(browsing, limited_gateway, event, lang)

    form = page.locator(REGISTRATION_FORM)
    await expect(page.get_by_role("alert")).to_contain_text(SUMMARY[lang])
    await expect(form.locator("#name")).to_have_value(typed["name"])
    await expect(form.locator("#email")).to_have_value(typed["email"])
    await expect(form.locator("#organisation")).to_have_value("Landratsamt Musterkreis")
    await expect(form.locator("#role")).to_have_value("administration")
    await expect(form.locator("#privacy_consent")).to_be_checked()
    check = page.get_by_role("button", name=CHECK_BUTTON[lang], exact=True)
    await expect(check).to_be_visible()
    region = page.locator("#pow-status")
    await expect(region).to_have_attribute("aria-live", "polite")
    await expect(region).to_have_attribute("role", "status")
    await assert_accessible(page, f"challenge-{lang}")
    await screenshots(page, f"public-{lang}-challenge")

    await page.evaluate(RECORD_LIVE_REGION)
    await tab_to(page, check)
    await page.keyboard.press("Space")
    await expect(region).to_have_text(DONE[lang], timeout=SOLVE_TIMEOUT_MS)
    said: list[Any] = await page.evaluate("() => window.__said")
    assert said and said[0].startswith(WORKING[lang]), said
    submit = form.locator("button[type=submit]")
    await expect(submit).to_be_focused()
    await assert_focus_visible(page)
    assert await form.locator("input[name=altcha]").input_value(), "no solution in the form"
    await assert_accessible(page, f"challenge-solved-{lang}")
    await screenshots(page, f"public-{lang}-challenge-solved")

    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert STATUS_PATH.search(page.url), f"{page.url} „{await page.title()}“"
    await expect(page.locator("[data-status]").first).to_have_attribute(
        "data-status", "confirmed", timeout=SOLVE_TIMEOUT_MS
    )


async def test_without_javascript_the_page_says_when_to_send_again(
    stack: Stack, browsing: Browsing, make_event: EventFactory
) -> None:
    """A budget of one registration, refilled every five seconds: the second person is
    challenged, reads when to send again, waits that long, sends again and is registered."""
    gateway = await stack.spawn_gateway(
        {"GATEWAY_BUDGET_BURST": "1", "GATEWAY_BUDGET_PER_MINUTE": "12"}
    )
    event = await make_event(title="Markt der guten Ideen – ohne JavaScript", capacity=20)
    await listed_on(gateway, event)
    context = await browsing.browser.new_context(
        base_url=gateway, java_script_enabled=False, locale="de-DE"
    )
    try:
        page = await context.new_page()
        statuses: list[int] = []
        page.on(
            "response",
            lambda r: statuses.append(r.status) if r.request.is_navigation_request() else None,
        )
        await page.goto(event.path)
        await fill_form(page, "Erste Person", unique_email("nojs.first"))
        await load(page)
        assert STATUS_PATH.search(page.url), page.url
        await page.goto(event.path)
        await fill_form(page, "Zweite Person", unique_email("nojs.second"))
        await load(page)
        assert statuses[-1] == 428, statuses
        text = await page.locator("#pow").inner_text()
        asked = re.search(
            r"Ohne JavaScript geht es auch: Senden Sie das Formular in (\d) Sekunden? einfach "
            r"noch einmal ab\. Ihre Angaben bleiben erhalten\.",
            text,
        )
        assert asked, text
        await expect(page.locator("button[data-pow-start]")).to_be_hidden()
        await expect(page.locator("#name")).to_have_value("Zweite Person")
        await page.wait_for_timeout(int(asked.group(1)) * 1000)  # a person doing as asked
        await load(page)
        assert STATUS_PATH.search(page.url), f"{page.url} „{await page.title()}“"
    finally:
        await context.close()
