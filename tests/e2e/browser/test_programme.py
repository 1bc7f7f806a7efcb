"""The Praxisforen in a real browser: an attendee ranks three forums with the keyboard
alone, gets the second choice and sees the waiting-list place for the first; another
attendee cancels; the status page turns to the first choice by itself and the move-up mail
arrives.  axe-core finds nothing on the programme, the form and the status page, in
German and in English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from devstack.stack import Stack
from tests.e2e.rush import cancel_by_token
from tests.e2e.test_walking_skeleton import create_event_with
from tests.support import eventually

from .checks import assert_accessible, tab_to
from .conftest import Browsing
from .flows import PublicEvent, listed_on, mail_to, status_is, text_of, unique_email

FORUMS = (
    ("Alpha-Forum: Quartiersarbeit", 1),
    ("Beta-Forum: Wohnen", 5),
    ("Gamma-Forum: Pflege", 5),
)


def forums(start: datetime) -> list[dict[str, Any]]:
    """One choice slot of three forums (the first with one seat)."""
    return [
        {
            "title": "Praxisforen",
            "starts_at": (start + timedelta(hours=2)).isoformat(),
            "ends_at": (start + timedelta(hours=4)).isoformat(),
            "ranks": 3,
            "choice_required": True,
            "sessions": [
                {"title": name, "capacity": seats, "room": f"Raum {n}", "moderation": "Team"}
                for n, (name, seats) in enumerate(FORUMS, start=1)
            ],
        }
    ]


async def fachtag(stack: Stack, title: str) -> tuple[PublicEvent, dict[str, Any]]:
    """The Fachtag with its forums, once the public site lists it; its forum slot."""
    created = await create_event_with(stack, 20, title, programme=forums)
    event = PublicEvent(created["event_id"], title, f"/veranstaltungen/{created['event_id']}")
    await listed_on(stack.gateway_url, event)
    return event, created["programme"][0]


async def first_in_alpha(stack: Stack, event: PublicEvent, slot: dict[str, Any]) -> str:
    """Someone takes the Alpha-Forum's one seat (through the API); their registration id."""
    alpha = slot["sessions"][0]["session_id"]
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        answer = await client.post(
            f"/api/v1/events/{event.event_id}/registrations",
            json={
                "name": "Frieda Früh",
                "email": unique_email("frieda"),
                "privacy_consent": True,
                "choices": {slot["slot_id"]: [alpha]},
            },
        )
        assert answer.status_code == 202, answer.text
        registration_id: str = answer.json()["registration_id"]

        async def confirmed() -> bool:
            state = await client.get(f"/api/v1/registrations/{registration_id}")
            assert state.json()["status"] == "confirmed", state.text
            return True

        await eventually(confirmed, what="the first registration confirmed")
    return registration_id


async def rank_with_the_keyboard(page: Page, *forums: str) -> None:
    for rank, forum in enumerate(forums, start=1):
        select = page.get_by_label(f"{rank}. Wunsch")
        await tab_to(page, select)
        await page.keyboard.type(forum.split(":")[0])  # type-ahead picks the forum
        await expect(select).to_have_value(re.compile(".+"))


async def test_rank_forums_with_the_keyboard_and_move_up_when_a_seat_frees(
    stack: Stack, browsing: Browsing
) -> None:
    event, slot = await fachtag(stack, "Fachtag mit Praxisforen (Tastatur)")
    alpha, beta, _ = (s["session_id"] for s in slot["sessions"])
    early = await first_in_alpha(stack, event, slot)

    page = await browsing.page()
    await page.goto(event.path)
    await expect(page.get_by_role("heading", name="Programm")).to_be_visible()
    await expect(page.get_by_text("ausgebucht – Warteliste").first).to_be_visible()
    await assert_accessible(page, "programme and form (de)")

    email = unique_email("karla.forum")
    await tab_to(page, page.get_by_label("Vor- und Nachname"))
    await page.keyboard.type("Karla Tastatur")
    await tab_to(page, page.get_by_label("E-Mail-Adresse"))
    await page.keyboard.type(email)
    await tab_to(page, page.get_by_label("In welcher Rolle nehmen Sie teil?"))
    await page.keyboard.type("Quartiers")  # type-ahead: „Quartierskoordination“
    await rank_with_the_keyboard(page, "Alpha", "Beta", "Gamma")
    consent = page.get_by_label("Einwilligung Datenschutz")
    await tab_to(page, consent)
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_role("button", name="Verbindlich anmelden"))
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    alerts = page.get_by_role("alert")
    assert await alerts.count() == 0, await alerts.all_inner_texts()
    await page.wait_for_url(re.compile(r"/anmeldung/[0-9a-f-]{36}$"))
    await status_is(page, "confirmed")
    held = page.locator("[data-session]")
    await expect(held).to_have_attribute("data-session", beta)
    await expect(held).to_contain_text("2. Wunsch")
    await expect(
        page.get_by_text("Warteliste für „Alpha-Forum: Quartiersarbeit“: Platz 1")
    ).to_be_visible()
    await assert_accessible(page, "status with forums (de)")

    await cancel_by_token(stack.gateway_url, stack.registration_url, stack.internal_headers, early)

    # the page follows by itself (no reload): the first choice now
    await expect(held).to_have_attribute("data-session", alpha, timeout=45_000)
    await expect(held).to_contain_text("1. Wunsch")
    moved = await mail_to(stack, email, count=2, timeout=60)
    assert "Alpha-Forum" in text_of(moved), text_of(moved)[:800]
    calendar = [p for p in moved.walk() if p.get_content_type() == "text/calendar"]
    assert calendar, "the move-up mail carries no calendar entry"
    assert re.search(r"SEQUENCE:[1-9]", calendar[0].get_content()), "not an update"


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_programme_form_errors_and_status_are_accessible(
    lang: str, stack: Stack, browsing: Browsing
) -> None:
    event, slot = await fachtag(stack, f"Fachtag mit Praxisforen ({lang})")
    page = await browsing.page()
    await page.goto(f"/sprache/{lang}?zurueck={event.path}")
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    await assert_accessible(page, f"programme ({lang})")

    # sent without a first choice: the error is at the select and in the summary
    form = page.locator("form[action$='/anmeldung']")
    await form.locator("#name").fill("Erika Fehler")
    await form.locator("#email").fill(unique_email(f"forum.{lang}"))
    await form.locator("#role").select_option("coordination")
    await form.locator("#privacy_consent").check()
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    first = (
        "Bitte wählen Sie Ihren Erstwunsch" if lang == "de" else "Please choose your first choice"
    )
    await expect(page.get_by_role("alert")).to_contain_text(first)
    await assert_accessible(page, f"form with errors ({lang})")

    form = page.locator("form[action$='/anmeldung']")
    await form.locator(f"#choice-{slot['slot_id']}-1").select_option(
        slot["sessions"][1]["session_id"]
    )
    await form.locator("#privacy_consent").check()
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/anmeldung/[0-9a-f-]{36}$"))
    await status_is(page, "confirmed")
    await expect(page.locator("[data-session]")).to_have_attribute(
        "data-session", slot["sessions"][1]["session_id"]
    )
    await assert_accessible(page, f"status with forums ({lang})")
