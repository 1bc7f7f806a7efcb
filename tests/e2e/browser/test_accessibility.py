"""Every public page in German and in English: axe-core finds no WCAG 2.1 A/AA violation,
the page has its language, reflows at 375 px, the browser reports no error; screenshots of
each at 1280 and 375 px (``test-artifacts/screenshots/public-<lang>-<page>-<width>.png``)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from devstack.stack import Stack
from tests.support import eventually

from .audit import Audit
from .conftest import BUDGET, Browsing, EventFactory, Screenshots
from .flows import (
    Organiser,
    PublicEvent,
    cancel_link,
    decisions_paused,
    listed_on,
    mail_to,
    unique_email,
)

STEP_TIMEOUT_MS = 5_000
DECISION_TIMEOUT_MS = 30_000
WAIT_S = 20
REGISTRATION_FORM = "form[action$='/anmeldung']"


async def fill_form(page: Page, name: str, email: str) -> None:
    """Fill the registration form by its field ids (the same in both languages)."""
    form = page.locator(REGISTRATION_FORM)
    await form.locator("#name").fill(name)
    await form.locator("#email").fill(email)
    await form.locator("#organisation").fill("Stadt Freiburg")
    await form.locator("#role").select_option("coordination")
    await form.locator("#privacy_consent").check()


async def load_by_clicking(target: Locator) -> None:
    """Click a link or button and wait for the page it loads."""
    async with target.page.expect_navigation():
        await target.click()


async def submit(page: Page) -> None:
    await load_by_clicking(page.locator(REGISTRATION_FORM).locator("button[type=submit]"))


async def full(stack: Stack, event: PublicEvent) -> bool:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{stack.gateway_url}/api/v1/events/{event.event_id}")
        availability = answer.json().get("availability")
        assert availability == "waitlist", f"availability {availability!r}"
        return True


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_every_public_page_is_accessible(
    lang: str,
    stack: Stack,
    browsing: Browsing,
    make_event: EventFactory,
    screenshots: Screenshots,
    artifacts_dir: Path,
    limited_gateway: str,
) -> None:
    event = await make_event(title=f"Praxisforum barrierefrei ({lang})", capacity=1, stands=12)
    page = await browsing.page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    audit = Audit(
        page,
        browsing.problems(page),
        screenshots,
        f"public-{lang}",
        lang,
        artifacts_dir / "screenshots",
    )
    first, second = unique_email(f"a11y.{lang}.first"), unique_email(f"a11y.{lang}.second")

    async with audit.step("language switch"):
        await page.goto(f"/sprache/{lang}?zurueck=/")
        await expect(page).to_have_url(re.compile(r"/$"))
    await audit.check("start")

    async with audit.step("start-filtered"):
        filters = page.locator("form.filter")
        await filters.locator("#art").select_option("werkstattgespraech")
        await filters.locator("#ort").select_option("Stuttgart")
        await load_by_clicking(filters.locator("button[type=submit]"))
        await expect(page.locator(f"main a[href='{event.path}']")).to_be_visible()
        await audit.check("start-filtered")

    async with audit.step("event"):
        await page.goto(event.path)
        await expect(page.locator("#stand-call-title")).to_be_visible()  # the Markt's call
        await audit.check("event")

    async with audit.step("form-errors"):
        await submit(page)  # empty
        await expect(page.get_by_role("alert").first).to_be_visible()
        await audit.check("form-errors", status=422)

    async with audit.step("status-pending"):
        await page.goto(event.path)
        await fill_form(page, "Erika Erste", first)
        async with decisions_paused(stack):
            await submit(page)
            await expect(page.locator("[data-status]").first).to_have_attribute(
                "data-status", "pending"
            )
            await audit.check("status-pending")

    async with audit.step("status-confirmed"):
        await expect(page.locator("[data-status]").first).to_have_attribute(
            "data-status", "confirmed", timeout=DECISION_TIMEOUT_MS
        )
        await audit.check("status-confirmed")

    async with audit.step("event-waitlist"):
        await eventually(lambda: full(stack, event), what="the event full", timeout=WAIT_S)
        await page.goto(event.path)
        await audit.check("event-waitlist")

    async with audit.step("status-waitlisted"):
        await fill_form(page, "Zora Zweite", second)
        await submit(page)
        await expect(page.locator("[data-status]").first).to_have_attribute(
            "data-status", "waitlisted", timeout=DECISION_TIMEOUT_MS
        )
        await audit.check("status-waitlisted")

    async with audit.step("cancel-question"):
        await page.goto(cancel_link(await mail_to(stack, first, timeout=WAIT_S)))
        await audit.check("cancel-question")
        await load_by_clicking(page.locator("form[action^='/abmeldung/'] button[type=submit]"))
        await audit.check("cancel-done")
        await page.goto(cancel_link(await mail_to(stack, first, timeout=WAIT_S)))
        await audit.check("cancel-already-cancelled")

    async with audit.step("cancel-invalid-link"):
        await page.goto("/abmeldung/dieser-link-ist-ungueltig")
        await audit.check("cancel-invalid-link", status=404)

    for name, path in (
        ("impressum", "/impressum"),
        ("datenschutz", "/datenschutz"),
        ("barrierefreiheit", "/barrierefreiheit"),
    ):
        async with audit.step(name):
            await page.goto(path)
            await audit.check(name)

    async with audit.step("feedback-thanks"):
        await page.goto("/barrierefreiheit")
        form = page.locator("main form[method=post]")
        await form.locator("textarea").first.fill(
            "Die Tabelle auf der Veranstaltungsseite liest mein Screenreader nicht vor."
        )
        await load_by_clicking(form.locator("button[type=submit]"))
        await audit.check("feedback-thanks")

    async with audit.step("not-found"):
        await page.goto("/diese-seite-gibt-es-nicht")
        await audit.check("not-found", status=404)

    async with audit.step("forbidden"):
        await page.goto(event.path)
        await fill_form(page, "Fritz Fälscher", unique_email("forged"))
        await page.locator("input[name=csrf_token]").evaluate("el => { el.value = 'verfälscht'; }")
        await submit(page)
        await audit.check("forbidden", status=403)

    async with audit.step("challenge"):
        await listed_on(limited_gateway, event)
        for attempt in range(BUDGET + 1):
            await page.goto(f"{limited_gateway}{event.path}")
            await fill_form(page, f"Eilige Erna {attempt}", unique_email("rush"))
            await submit(page)
            if audit.problems.document_status == 428:
                break
        await expect(page.locator("button[data-pow-start]")).to_be_visible()
        await audit.check("challenge", status=428)

    audit.assert_clean()


async def register_over_api(stack: Stack, event_id: str, name: str, lang: str) -> None:
    """Someone with accessibility needs registers through the public API."""
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{stack.gateway_url}/api/v1/events/{event_id}/registrations",
            json={
                "name": name,
                "email": unique_email("desk.a11y"),
                "organisation": "Landkreis Konstanz",
                "privacy_consent": True,
                "locale": lang,
                "role": "volunteer",
                "accessibility_needs": ["step_free"],
                "health_data_consent": True,
            },
        )
    assert answer.status_code == 202, answer.text


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_every_desk_page_is_accessible(
    lang: str,
    stack: Stack,
    browsing: Browsing,
    organiser: Organiser,
    screenshots: Screenshots,
    artifacts_dir: Path,
) -> None:
    page = await browsing.page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    audit = Audit(
        page,
        browsing.problems(page),
        screenshots,
        f"desk-{lang}",
        lang,
        artifacts_dir / "screenshots",
    )
    login_form = page.locator("form[action='/verwaltung/anmelden']")

    async with audit.step("login"):
        await page.goto(f"/sprache/{lang}?zurueck=/verwaltung")
        await page.wait_for_url(re.compile(r"/verwaltung/anmelden"))
        await audit.check("login")

    async with audit.step("login-error"):
        await login_form.locator("#email").fill(organiser.email)
        await login_form.locator("#password").fill("nicht das Passwort")
        await load_by_clicking(login_form.locator("button[type=submit]"))
        await audit.check("login-error", status=401)

    async with audit.step("events"):
        await login_form.locator("#email").fill(organiser.email)
        await login_form.locator("#password").fill(organiser.password)
        await load_by_clicking(login_form.locator("button[type=submit]"))
        await expect(page).to_have_url(re.compile(r"/verwaltung$"))
        await audit.check("events")

    event_form = page.locator("form.event-form")
    async with audit.step("new-event"):
        await page.goto("/verwaltung/veranstaltungen/neu")
        await audit.check("new-event")
        await load_by_clicking(event_form.locator("button[name=action][value=publish]"))
        await audit.check("new-event-errors", status=422)

    async with audit.step("event"):
        day = (date.today() + timedelta(days=50)).isoformat()
        for field, value in {
            "#title": f"Praxisforum Verwaltung ({lang}) {uuid4().hex[:4]}",
            "#start_date": day,
            "#start_time": "10:00",
            "#end_date": day,
            "#end_time": "12:30",
            "#venue": "Kulturzentrum",
            "#city": "Heidelberg",
            "#capacity": "1",
        }.items():
            await event_form.locator(field).fill(value)
        await event_form.locator("#kind").select_option("praxisforum")
        await load_by_clicking(event_form.locator("button[name=action][value=publish]"))
        await expect(page).to_have_url(re.compile(r"/verwaltung/veranstaltungen/[0-9a-f-]{36}"))
        await audit.check("event-published")

    event_url = page.url.split("?", 1)[0]
    event_path = event_url.removeprefix(stack.gateway_url)
    event_id = event_url.rsplit("/", 1)[-1]
    async with audit.step("event-participants"):
        await register_over_api(stack, event_id, "Rita Rollstuhl", lang)
        await register_over_api(stack, event_id, "Walter Warteliste", lang)
        await expect(page.locator("#desk-participants")).to_contain_text(
            "Walter Warteliste", timeout=DECISION_TIMEOUT_MS
        )
        await expect(page.locator("table.participants tbody tr")).to_have_count(
            2, timeout=DECISION_TIMEOUT_MS
        )  # one list, paged: the confirmed and the waiting person
        await audit.check("event-participants")

    async with audit.step("capacity-refused"):
        capacity_form = page.locator("form.capacity-form")
        await capacity_form.locator("#capacity").fill("0")
        await load_by_clicking(capacity_form.locator("button[type=submit]"))
        await audit.check("capacity-refused", status=409)

    async with audit.step("edit"):
        await page.goto(f"{event_path}/bearbeiten")
        await audit.check("edit")
        await event_form.locator("#description").fill("Mit Gebärdensprachdolmetschung.")
        save = "button[type=submit]:not([name=mehr]):not([aria-hidden])"  # not "more rows"
        await load_by_clicking(event_form.locator(save))
        await audit.check("event-saved")

    async with audit.step("report"):
        await page.goto(f"{event_path}/barrierefreiheit")
        await audit.check("report")

    async with audit.step("feedback"):
        await page.goto("/verwaltung/rueckmeldungen")
        await audit.check("feedback")

    async with audit.step("cancel-registration"):
        await page.goto(event_path)
        await load_by_clicking(page.locator("button[id^=stornieren-]").first)
        await audit.check("cancel-registration-question")
        await load_by_clicking(page.locator("main form[action$='/stornieren'] button[type=submit]"))
        await audit.check("registration-cancelled")

    async with audit.step("cancel-event"):
        await page.goto(f"{event_path}/absagen")
        await audit.check("cancel-event-question")
        await load_by_clicking(page.locator("main form[action$='/absagen'] button[type=submit]"))
        await audit.check("event-cancelled")

    async with audit.step("event-not-found"):
        await page.goto(f"/verwaltung/veranstaltungen/{uuid4()}")
        await audit.check("event-not-found", status=404)

    async with audit.step("logged-out"):
        await load_by_clicking(page.locator("form.desk-logout button[type=submit]"))
        await expect(page).to_have_url(re.compile(r"/verwaltung/anmelden"))
        await audit.check("logged-out")

    audit.assert_clean()
