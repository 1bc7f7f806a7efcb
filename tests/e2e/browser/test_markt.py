"""The Markt der guten Ideen in a real browser: an applicant applies with the keyboard alone
and sees the receipt; an organiser reviews and decides in the desk; every page of the way —
the call on the event page, the form (also with its errors), the receipt, the desk's list,
the application, the refusal when every stand is taken, the accepted stand on the event page,
the team's registration page, the withdrawal — has no axe-core violation (WCAG 2.1 A/AA) in
German and English, reflows at 375 px and raises no browser error."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from devstack.stack import Stack
from tests.support import eventually

from .audit import Audit
from .checks import assert_focus_visible, is_focused, tab_to
from .conftest import Browsing, EventFactory, Screenshots
from .flows import Organiser, PublicEvent, mail_to, text_of, unique_email

STEP_TIMEOUT_MS = 5_000
TEAM_LINK = re.compile(r"https?://\S+/markt/team/\S+")
RECEIPT = re.compile(r"/markt/bewerbung/[A-Za-z0-9_.-]+\?neu=1$")


async def test_apply_for_a_stand_with_the_keyboard_only(
    browsing: Browsing, make_event: EventFactory
) -> None:
    event = await make_event(title="Markt ohne Maus", capacity=30, stands=4)
    page = await browsing.page()
    await page.goto(event.path)

    await tab_to(page, page.get_by_role("link", name="Jetzt für einen Stand bewerben"))
    await assert_focus_visible(page)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bewerbung für einen Stand")

    for label, text in (
        ("Titel des Projekts", "Quartierstreff am Markt"),
        ("Kommune oder Organisation", "Stadt Reutlingen"),
        ("Kurzbeschreibung für das Programm", "Ein Treffpunkt für alle Generationen."),
        ("Vor- und Nachname", "Tilda Tastatur"),
        ("E-Mail-Adresse", unique_email("tilda")),
    ):
        await tab_to(page, page.get_by_label(label, exact=True))
        await page.keyboard.type(text)
    two = page.get_by_role("radio", name="2")
    await tab_to(page, page.get_by_role("radio", name="1"))
    await page.keyboard.press("ArrowDown")  # the arrow keys choose within the group
    await expect(two).to_be_checked()
    for box in ("Tisch", "Stromanschluss"):
        await tab_to(page, page.get_by_role("checkbox", name=box, exact=True))
        await page.keyboard.press("Space")
    consent = page.get_by_label(re.compile("^Einwilligung Datenschutz"))
    await tab_to(page, consent)
    await page.keyboard.press("Space")
    await expect(consent).to_be_checked()
    send = page.get_by_role("button", name="Bewerbung absenden")
    await tab_to(page, send)
    assert await is_focused(send)
    await page.keyboard.press("Enter")

    await page.wait_for_url(RECEIPT)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ihre Bewerbung ist eingegangen"
    )
    await expect(page.locator("main")).to_contain_text("Quartierstreff am Markt")
    await tab_to(page, page.get_by_role("button", name="Bewerbung endgültig zurückziehen"))
    await assert_focus_visible(page)


async def apply_over_api(stack: Stack, event: PublicEvent, title: str, email: str) -> None:
    """A second applicant, through the registration service as the gateway sends it."""
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{stack.registration_url}/stand-applications",
            json={
                "event_id": event.event_id,
                "project_title": title,
                "organisation": "Gemeinde Zweiflingen",
                "description": "Auch wir möchten kommen.",
                "contact_name": "Zweite Bewerberin",
                "email": email,
                "privacy_consent": True,
            },
        )
    assert answer.status_code == 201, answer.text


async def open_application(page: Page, event: PublicEvent, title: str) -> None:
    await page.goto(f"/verwaltung/veranstaltungen/{event.event_id}/markt")
    await page.get_by_role("link", name=title).click()
    await page.wait_for_url(re.compile(r"/markt/[0-9a-f-]{36}$"))


async def decide(page: Page, choice: str, note: str = "") -> None:
    form = page.locator("form[action$='/entscheidung']")
    await form.locator(f"#decision-{choice}").check()
    await form.locator("#note").fill(note)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_markt_from_applying_to_the_desk_is_accessible(
    lang: str,
    stack: Stack,
    browsing: Browsing,
    make_event: EventFactory,
    organiser: Organiser,
    screenshots: Screenshots,
    artifacts_dir: Path,
) -> None:
    event = await make_event(title=f"Markt der guten Ideen ({lang})", capacity=10, stands=1)
    page = await browsing.page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    audit = Audit(
        page,
        browsing.problems(page),
        screenshots,
        f"markt-{lang}",
        lang,
        artifacts_dir / "screenshots",
    )
    email, second = unique_email(f"markt.{lang}"), unique_email(f"markt.{lang}.second")
    title = f"Quartiersgarten {lang}"
    form = page.locator("form[action$='/markt/bewerbung']")

    async with audit.step("event-call"):
        await page.goto(f"/sprache/{lang}?zurueck={event.path}")
        await expect(page.locator("#stand-call-title")).to_be_visible()
        await audit.check("event-call")

    async with audit.step("form"):
        async with page.expect_navigation():
            await page.locator(f"a[href$='{event.event_id}/markt/bewerbung']").click()
        await audit.check("form")
        async with page.expect_navigation():
            await form.locator("button[type=submit]").click()  # empty
        await expect(page.get_by_role("alert").first).to_be_visible()
        await audit.check("form-errors", status=422)

    async with audit.step("receipt"):
        await form.locator("#project_title").fill(title)
        await form.locator("#organisation").fill("Stadt Esslingen")
        await form.locator("#description").fill("Beete für alle, die mitgärtnern wollen.")
        await form.locator("#contact_name").fill("Gerda Garten")
        await form.locator("#email").fill(email)
        await form.locator("#stand-need-power").check()
        await form.locator("#publish_consent").check()
        await form.locator("#privacy_consent").check()
        async with page.expect_navigation():
            await form.locator("button[type=submit]").click()
        await expect(page).to_have_url(RECEIPT)
        await audit.check("receipt")
    receipt_url = page.url.split("?", 1)[0]

    async with audit.step("desk-list"):
        await apply_over_api(stack, event, f"Zweites Projekt {lang}", second)
        await page.goto("/verwaltung")
        login = page.locator("form[action='/verwaltung/anmelden']")
        await login.locator("#email").fill(organiser.email)
        await login.locator("#password").fill(organiser.password)
        async with page.expect_navigation():
            await login.locator("button[type=submit]").click()
        await expect(page).to_have_url(re.compile(r"/verwaltung$"))
        await page.goto(f"/verwaltung/veranstaltungen/{event.event_id}/markt")
        await expect(page.get_by_role("link", name=title)).to_be_visible()
        await audit.check("desk-list")

    async with audit.step("desk-application"):
        await open_application(page, event, title)
        await audit.check("desk-application")
        await decide(page, "accept", "Willkommen auf dem Markt!")
        await expect(page.locator("main")).to_contain_text("Willkommen auf dem Markt!")
        await audit.check("desk-accepted")

    async with audit.step("desk-stands-full"):
        await open_application(page, event, f"Zweites Projekt {lang}")
        await decide(page, "accept", "Gern auch Sie")
        await expect(page.locator("#note")).to_have_value("Gern auch Sie")  # nothing lost
        await audit.check("desk-stands-full", status=409)

    async with audit.step("event-stands"):

        async def listed() -> bool:  # the site keeps an event's list of stands for 30 s
            await page.goto(event.path)
            return title in await page.locator("main").inner_text()

        await eventually(listed, what="the accepted stand on the event page", interval=2)
        await expect(page.locator(".stand-list")).to_contain_text(title)
        await audit.check("event-stands")

    async with audit.step("team"):
        accepted = await mail_to(stack, email, count=2)
        link = TEAM_LINK.search(text_of(accepted))
        assert link, text_of(accepted)
        await page.goto(link.group(0).removeprefix(stack.gateway_url))
        await expect(page.locator("#organisation")).to_have_value("Stadt Esslingen")
        await audit.check("team")

    async with audit.step("withdrawn"):
        await page.goto(receipt_url)
        async with page.expect_navigation():
            await page.locator("form[action$='/zurueckziehen'] button[type=submit]").click()
        await audit.check("withdrawn")

    async with audit.step("invalid-link"):
        await page.goto("/markt/bewerbung/dieser-link-ist-ungueltig")
        await audit.check("invalid-link", status=404)

    audit.assert_clean()
