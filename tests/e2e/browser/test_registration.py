"""People register, watch their status page change by itself, and cancel from the mail."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from devstack.stack import Stack

from .conftest import Browsing, EventFactory
from .flows import cancel_link, decisions_paused, mail_to, register, status_is, unique_email


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
