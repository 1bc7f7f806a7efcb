"""The organiser desk in a real browser: log in with an account made by ``gateway-admin``,
create and publish an event, watch a registration arrive, export the list."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import date, timedelta
from uuid import uuid4

from playwright.async_api import Page, expect

from .conftest import Browsing
from .flows import (
    Organiser,
    PublicEvent,
    fill_registration,
    listed_on,
    log_in,
    unique_email,
)

LIVE_TIMEOUT_MS = 40_000


async def create_event_in_desk(page: Page, title: str, capacity: int) -> str:
    """Fill in „Neue Veranstaltung“ by its labels and publish; returns the desk page URL."""
    await page.get_by_role("link", name="Neue Veranstaltung").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Neue Veranstaltung")
    day = date.today() + timedelta(days=40)
    await page.get_by_label("Titel").fill(title)
    await page.get_by_label("Art der Veranstaltung").select_option(label="Werkstattgespräch")
    await page.get_by_label("Beschreibung").fill("Austausch über Quartiersarbeit.\n\nMit Imbiss.")
    await page.get_by_label("Beginn (Datum)").fill(day.isoformat())
    await page.get_by_label("Beginn (Uhrzeit)").fill("09:30")
    await page.get_by_label("Ende (Datum)").fill(day.isoformat())
    await page.get_by_label("Ende (Uhrzeit)").fill("16:00")
    await page.get_by_label("Veranstaltungsort").fill("Bürgerhaus West")
    await page.get_by_label("Stadt oder Gemeinde").fill("Karlsruhe")
    await page.get_by_label("Plätze", exact=True).fill(str(capacity))
    await page.get_by_role("button", name="Veröffentlichen").click()
    await page.wait_for_url(re.compile(r"/verwaltung/veranstaltungen/[0-9a-f-]{36}\?hinweis="))
    await expect(page.get_by_role("status")).to_contain_text("veröffentlicht")
    return page.url.split("?", 1)[0]


async def test_an_organiser_creates_an_event_and_sees_registrations_arrive(
    browsing: Browsing, organiser: Organiser
) -> None:
    desk = await browsing.page()
    await log_in(desk, organiser)
    await expect(desk).to_have_url(re.compile(r"/verwaltung$"))
    await expect(desk.get_by_role("heading", level=1)).to_have_text("Veranstaltungen verwalten")
    await expect(desk.get_by_text(f"Angemeldet als {organiser.name}")).to_be_visible()

    title = f"Werkstattgespräch Karlsruhe {uuid4().hex[:4]}"
    desk_url = await create_event_in_desk(desk, title, capacity=12)
    event_id = desk_url.rsplit("/", 1)[-1]
    await desk.evaluate("() => { window.__sameDocument = true; }")

    # a person finds it on the public site (once the catalogue has it) and registers
    await listed_on(browsing.base_url, PublicEvent(event_id, title, f"/veranstaltungen/{event_id}"))
    person = await browsing.page()
    await person.goto("/")
    await person.get_by_role("link", name=title).click()
    await expect(person).to_have_url(re.compile(f"/veranstaltungen/{event_id}$"))
    email = unique_email("desk.visitor")
    await fill_registration(person, "Paula Publikum", email, organisation="Stadt Karlsruhe")
    await person.wait_for_url(re.compile(r"/anmeldung/"))

    # the desk page, untouched, shows her
    participants = desk.locator("#desk-participants")
    await expect(participants.get_by_role("row", name=re.compile("Paula Publikum"))).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    await expect(participants).to_contain_text(email)
    await expect(desk.locator("#desk-counts")).to_contain_text("1 von 12", timeout=LIVE_TIMEOUT_MS)
    assert await desk.evaluate("() => window.__sameDocument === true"), "the desk page reloaded"

    async with desk.expect_download() as download_info:
        await desk.get_by_role("link", name="Liste als CSV herunterladen").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    content = await asyncio.to_thread((await download.path()).read_bytes)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Name", "E-Mail", "Organisation", "Rolle", "Status"], rows[0]
    (row,) = [r for r in rows[1:] if email in r]
    assert row[0] == "Paula Publikum"
    assert row[2] == "Stadt Karlsruhe"
    assert row[3] == "Verwaltung"
    assert row[4] in ("bestätigt", "Bestätigt"), row


async def test_a_wrong_password_keeps_the_desk_closed(
    browsing: Browsing, organiser: Organiser
) -> None:
    page = await browsing.page()
    await log_in(page, organiser, password="falsch-falsch-falsch")
    await expect(page.get_by_role("alert")).to_contain_text(
        "E-Mail-Adresse oder Passwort ist falsch"
    )
    await expect(page.get_by_label("Passwort")).to_have_attribute("aria-invalid", "true")
    await page.goto("/verwaltung/veranstaltungen/neu")
    await expect(page).to_have_url(re.compile(r"/verwaltung/anmelden"))


async def test_feedback_from_the_accessibility_statement_reaches_the_organisers(
    browsing: Browsing, organiser: Organiser
) -> None:
    visitor = await browsing.page()
    await visitor.goto("/barrierefreiheit")
    message = f"Die PDF-Einladung ist nicht barrierefrei ({uuid4().hex[:6]})."
    await visitor.get_by_label("Ihre Nachricht").fill(message)
    await visitor.get_by_label("Auf welcher Seite?").fill("Einladung Fachtag")
    await visitor.get_by_role("button", name="Rückmeldung senden").click()
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Vielen Dank für Ihre Rückmeldung"
    )

    desk = await browsing.page()
    await log_in(desk, organiser)
    await desk.get_by_role("link", name="Rückmeldungen").first.click()
    await expect(desk.get_by_role("row", name=re.compile(re.escape(message)))).to_be_visible()
