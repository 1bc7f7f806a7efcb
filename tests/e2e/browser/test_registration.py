"""People register, watch their status page change by itself, and cancel from the mail."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from devstack.stack import Stack

from .conftest import Browsing, EventFactory
from .flows import (
    cancel_link,
    decisions_paused,
    mail_to,
    mails_to,
    register,
    status_is,
    text_of,
    unique_email,
)


async def stays_the_same_document(page: Page) -> None:
    """Mark the loaded document; ``still_same_document`` proves there was no reload."""
    await page.evaluate("() => { window.__sameDocument = true; }")


async def still_same_document(page: Page) -> bool:
    same: bool = await page.evaluate("() => window.__sameDocument === true")
    return same


async def test_register_confirm_cancel_and_the_waiting_person_moves_up(
    stack: Stack, browsing: Browsing, make_event: EventFactory
) -> None:
    event = await make_event(title="Praxisforum Nachrücken im Browser", capacity=1)
    anna, ben = await browsing.page(), await browsing.page()
    anna_mail, ben_mail = unique_email("anna"), unique_email("ben")

    async with decisions_paused(stack):  # so that Anna sees her page change
        await register(anna, event, "Anna Achtsam", anna_mail)
        await status_is(anna, "pending", timeout=2)
        await expect(anna.get_by_role("status")).to_contain_text("in Bearbeitung")
        await stays_the_same_document(anna)
    await status_is(anna, "confirmed")  # the page polls: no reload, no click
    assert await still_same_document(anna), "the status page reloaded instead of updating"
    await expect(anna.get_by_role("status")).to_contain_text("bestätigt")

    await ben.goto(event.path)
    await expect(ben.get_by_role("button", name="Auf die Warteliste setzen")).to_be_visible()
    await register(ben, event, "Ben Bedacht", ben_mail)
    await stays_the_same_document(ben)
    await status_is(ben, "waitlisted")
    await expect(ben.locator("[data-status]").first).to_have_attribute(
        "data-waitlist-position", "1"
    )

    confirmation = await mail_to(stack, anna_mail)
    await anna.goto(cancel_link(confirmation))
    await expect(anna.get_by_role("heading", level=1)).to_have_text("Anmeldung stornieren")
    await anna.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    await expect(anna.get_by_role("main")).to_contain_text("Ihre Anmeldung wurde storniert")

    # Ben's page, open all along, shows the seat without a reload
    await status_is(ben, "confirmed", timeout=40)
    assert await still_same_document(ben), "the waiting person's page reloaded"
    await expect(ben.get_by_role("status")).to_contain_text(re.compile("bestätigt|Platz"))
    promotion = await mail_to(stack, ben_mail, count=2)
    assert "Warteliste" in str(promotion["Subject"]) or "Platz" in str(promotion["Subject"])


async def test_an_english_visitor_with_accessibility_needs_gets_an_english_mail(
    stack: Stack, browsing: Browsing, make_event: EventFactory
) -> None:
    """The language switch carries through to the mail; health data needs its own consent."""
    event = await make_event(title="Fachtag in English", capacity=5)
    page = await browsing.page()
    email = unique_email("english")
    await page.goto(event.path)
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.get_by_label("First name and surname").fill("Grace Guest")
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_label("In which role are you taking part?").select_option(index=1)
    await page.get_by_label(re.compile("Step-free access")).check()
    await page.get_by_label(re.compile("Privacy consent")).check()
    await page.get_by_role("button", name=re.compile("Register")).click()
    # needs without the health-data consent: refused next to the field, nothing stored
    await expect(page.locator("#health_data_consent-error")).to_be_visible()
    assert not mails_to(stack, email)

    await page.get_by_label(re.compile("Health data consent")).check()
    await page.get_by_label(re.compile("Privacy consent")).check()
    await page.get_by_role("button", name=re.compile("Register")).click()
    await status_is(page, "confirmed")
    mail = await mail_to(stack, email)
    assert str(mail["Subject"]).startswith("Registration confirmed"), mail["Subject"]
    assert "Dear Grace Guest" in text_of(mail)
