"""The whole registration with the keyboard alone, the focus always visible."""

from __future__ import annotations

import re

from playwright.async_api import expect

from .checks import assert_focus_visible, is_focused, tab_to
from .conftest import Browsing, EventFactory
from .flows import status_is, unique_email


async def test_register_with_the_keyboard_only(
    browsing: Browsing, make_event: EventFactory
) -> None:
    event = await make_event(title="Werkstattgespräch ohne Maus", capacity=30)
    page = await browsing.page()
    await page.goto("/")

    # the first Tab shows the skip link, Enter follows it into the main content
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert await is_focused(skip), "the first Tab does not reach the skip link"
    await assert_focus_visible(page)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile("#inhalt$"))

    await tab_to(page, page.get_by_role("link", name=event.title))
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(re.escape(event.path) + "$"))

    # sending the empty form: the error summary links lead to the fields
    submit = page.get_by_role("button", name="Verbindlich anmelden")
    await tab_to(page, submit)
    await page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    await tab_to(page, summary.get_by_role("link").first)
    await page.keyboard.press("Enter")
    name = page.get_by_label("Vor- und Nachname")
    await expect(name).to_be_focused()
    await assert_focus_visible(page)

    await page.keyboard.type("Karla Tastatur")
    await tab_to(page, page.get_by_label("E-Mail-Adresse"))
    await page.keyboard.type(unique_email("karla"))
    await tab_to(page, page.get_by_label("Organisation oder Kommune"))
    await page.keyboard.type("Landratsamt Tübingen")
    role = page.get_by_label("In welcher Rolle nehmen Sie teil?")
    await tab_to(page, role)
    await page.keyboard.type("Quartiers")  # type-ahead picks „Quartierskoordination“
    await expect(role).to_have_value("coordination")
    consent = page.get_by_label("Einwilligung Datenschutz")
    await tab_to(page, consent)
    await page.keyboard.press("Space")
    await expect(consent).to_be_checked()
    await tab_to(page, page.get_by_role("button", name="Verbindlich anmelden"))
    await page.keyboard.press("Enter")

    await page.wait_for_url(re.compile(r"/anmeldung/[0-9a-f-]{36}$"))
    await status_is(page, "confirmed")
    # and on from the status page: Tab still moves a visible focus to the links
    await tab_to(page, page.get_by_role("link", name=event.title))
