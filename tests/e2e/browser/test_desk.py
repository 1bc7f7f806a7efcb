"""The organiser desk in a real browser: log in with an account made by ``gateway-admin``,
create and publish an event, watch a registration arrive, export the list."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from uuid import uuid4

import httpx
from playwright.async_api import Page, expect

from devstack.stack import Stack
from tests.support import eventually

from .checks import assert_accessible
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


async def create_event_in_desk(
    page: Page,
    title: str,
    capacity: int,
    programme: Callable[[Page], Awaitable[None]] | None = None,
) -> str:
    """Fill in „Neue Veranstaltung“ by its labels (and ``programme``) and publish; returns
    the desk page URL."""
    await page.get_by_role("link", name="Neue Veranstaltung").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Neue Veranstaltung")
    day = date.today() + timedelta(days=40)
    await page.locator("#title").fill(title)
    await page.get_by_label("Art der Veranstaltung").select_option(label="Werkstattgespräch")
    await page.locator("#description").fill("Austausch über Quartiersarbeit.\n\nMit Imbiss.")
    await page.get_by_label("Beginn (Datum)").fill(day.isoformat())
    await page.locator("#start_time").fill("09:30")
    await page.get_by_label("Ende (Datum)").fill(day.isoformat())
    await page.locator("#end_time").fill("16:00")
    await page.get_by_label("Veranstaltungsort").fill("Bürgerhaus West")
    await page.get_by_label("Stadt oder Gemeinde").fill("Karlsruhe")
    await page.get_by_label("Plätze", exact=True).fill(str(capacity))
    if programme:
        await programme(page)
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


async def two_forums(page: Page) -> None:
    """One choice slot with Forum Nord (1 seat) and Forum Süd (3), two choices asked."""
    slot = page.get_by_role("group", name="Programmpunkt 1", exact=True)
    await slot.get_by_label("Titel des Programmpunkts").fill("Praxisforen")
    await slot.get_by_label("Beginn des Programmpunkts (Uhrzeit)").fill("11:00")
    await slot.get_by_label("Ende des Programmpunkts (Uhrzeit)").fill("12:30")
    for number, (title, seats) in enumerate((("Forum Nord", 1), ("Forum Süd", 3)), start=1):
        forum = page.get_by_role("group", name=f"Programmpunkt 1, Forum {number}")
        await forum.get_by_label("Titel des Forums").fill(title)
        await forum.get_by_label("Plätze im Forum").fill(str(seats))
    await slot.get_by_label("Wie viele Wünsche abgefragt werden").fill("2")


async def confirmed_with(stack: Stack, event_id: str, name: str, ranking: list[str]) -> str:
    """A registration over the public API ranking ``ranking``; its id once confirmed."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        event = (await client.get(f"{stack.capacity_url}/events/{event_id}")).json()
        [slot] = [s for s in event["programme"] if s["sessions"]]
        ids = {s["title"]: s["session_id"] for s in slot["sessions"]}
        answer = await client.post(
            f"/api/v1/events/{event_id}/registrations",
            json={
                "name": name,
                "email": unique_email("forum.desk"),
                "organisation": "Gemeinde Nordstetten",
                "privacy_consent": True,
                "choices": {slot["slot_id"]: [ids[title] for title in ranking]},
            },
        )
        assert answer.status_code == 202, answer.text
        registration_id: str = answer.json()["registration_id"]

        async def confirmed() -> bool:
            state = (await client.get(f"/api/v1/registrations/{registration_id}")).json()
            assert state["status"] == "confirmed", state
            return True

        await eventually(confirmed, what=f"{name} confirmed")
    return registration_id


async def test_an_organiser_builds_the_programme_and_looks_after_a_forum(
    browsing: Browsing, organiser: Organiser, stack: Stack
) -> None:
    """The programme built in the event form, each forum's list, a move refused because
    the forum is full, a raised capacity that moves the waiting person up."""
    desk = await browsing.page()
    await log_in(desk, organiser)
    title = f"Fachtag mit Foren {uuid4().hex[:4]}"
    desk_url = await create_event_in_desk(desk, title, capacity=20, programme=two_forums)
    event_id = desk_url.rsplit("/", 1)[-1]
    await expect(desk.get_by_role("heading", name="Programm und Foren")).to_be_visible()
    await confirmed_with(stack, event_id, "Nora Nord", ["Forum Nord", "Forum Süd"])
    await confirmed_with(stack, event_id, "Sven Süd", ["Forum Nord", "Forum Süd"])

    await desk.goto(desk_url)
    await desk.get_by_role("link", name="Forum Süd").click()
    await expect(desk.get_by_role("heading", level=1)).to_have_text("Forum Süd")
    holders = desk.get_by_role("table", name="Wer einen Platz im Forum hat")
    await expect(holders.get_by_role("row", name=re.compile("Sven Süd"))).to_be_visible()
    await assert_accessible(desk, "desk forum page")

    target = desk.get_by_label("Verschieben nach: Sven Süd")
    nord_id = await target.locator("option", has_text="Forum Nord").get_attribute("value")
    assert nord_id
    await target.select_option(nord_id)
    await desk.get_by_role("button", name="Verschieben").click()
    await expect(desk.get_by_role("alert")).to_contain_text("„Forum Nord“ ist voll")
    await expect(holders.get_by_role("row", name=re.compile("Sven Süd"))).to_be_visible()

    await desk.goto(desk_url)
    await desk.get_by_role("link", name="Forum Nord").click()
    await desk.get_by_label("Plätze im Forum").fill("2")
    await desk.get_by_role("button", name="Kapazität ändern").click()
    nord = desk.get_by_role("table", name="Wer einen Platz im Forum hat")
    await expect(nord.get_by_role("row", name=re.compile("Sven Süd"))).to_be_visible()
    await expect(nord.get_by_role("row", name=re.compile("Nora Nord"))).to_be_visible()
