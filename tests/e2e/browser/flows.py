"""The platform around the browser: events made through the organiser API, the mails in the
SMTP sink, a person filling in the registration form."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from uuid import uuid4

import httpx
from playwright.async_api import Page, expect

from devstack.smtp_sink import read_mails
from devstack.stack import Stack
from tests.support import eventually

CANCEL_LINK = re.compile(r"https?://\S+/abmeldung/[A-Za-z0-9._\-%~]+")


@dataclass(frozen=True)
class PublicEvent:
    event_id: str
    title: str
    path: str


async def publish_event(
    stack: Stack,
    *,
    title: str,
    capacity: int = 20,
    kind: str = "werkstattgespraech",
    city: str = "Stuttgart",
    days_ahead: int = 30,
    description: str = "Austausch für Kommunen und Quartiersbüros.\n\nMit Mittagessen.",
    stands: int = 0,
) -> PublicEvent:
    """Create and publish an event through the capacity API (with ``stands`` a call for that
    many stands, open from yesterday until a week before the start); returns once the public
    site lists it on the start page and serves its page."""
    start = (datetime.now(UTC) + timedelta(days=days_ahead)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{stack.capacity_url}/events",
            headers=stack.internal_headers,
            json={
                "title": title,
                "kind": kind,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=6)).isoformat(),
                "venue": "Hospitalhof, Büchsenstraße 33",
                "city": city,
                "capacity": capacity,
                "waitlist_enabled": True,
                "description": description,
                "stand_call": {
                    "opens_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
                    "closes_at": (start - timedelta(days=7)).isoformat(),
                    "stands": stands,
                    "description": "Ein Tisch, Strom und eine Stellwand.",
                }
                if stands
                else None,
            },
        )
        assert answer.status_code == 201, answer.text
        event_id = answer.json()["event_id"]
    event = PublicEvent(event_id, title, f"/veranstaltungen/{event_id}")
    await listed_on(stack.gateway_url, event)
    return event


async def listed_on(gateway_url: str, event: PublicEvent) -> None:
    """Wait until the gateway at ``gateway_url`` lists ``event`` and serves its page."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:

        async def shown() -> bool:
            start_page = await client.get("/")
            page = await client.get(event.path)
            assert event.path in start_page.text, "not on the start page"
            assert page.status_code == 200, f"its page answers {page.status_code}"
            return True

        await eventually(shown, what=f"{event.title!r} on the site at {gateway_url}")


def unique_email(tag: str) -> str:
    return f"{tag}.{uuid4().hex[:8]}@example.org"


def mails_to(stack: Stack, address: str) -> list[EmailMessage]:
    return [m for m in read_mails(stack.mail_dir) if parseaddr(str(m["To"]))[1] == address]


async def mail_to(stack: Stack, address: str, count: int = 1, timeout: float = 45) -> EmailMessage:
    """The ``count``-th mail to ``address`` once it is in the sink."""

    def arrived() -> list[EmailMessage]:
        mails = mails_to(stack, address)
        assert len(mails) >= count, f"{len(mails)} mails: {[str(m['Subject']) for m in mails]}"
        return mails

    return (await eventually(arrived, what=f"mail {count} to {address}", timeout=timeout))[
        count - 1
    ]


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None, "the mail has no plain-text part"
    return str(part.get_content())


def cancel_link(mail: EmailMessage) -> str:
    found = CANCEL_LINK.search(text_of(mail))
    assert found, f"no cancel link in the mail:\n{text_of(mail)[:800]}"
    return found.group(0)


async def fill_registration(
    page: Page, name: str, email: str, organisation: str = "Gemeinde Musterhausen"
) -> None:
    """A person fills in the German form by its labels, ticks the consent and sends it."""
    await page.get_by_label("Vor- und Nachname").fill(name)
    await page.get_by_label("E-Mail-Adresse").fill(email)
    await page.get_by_label("Organisation oder Kommune").fill(organisation)
    await page.get_by_label("In welcher Rolle nehmen Sie teil?").select_option(label="Verwaltung")
    await page.get_by_label("Einwilligung Datenschutz").check()
    await page.get_by_role("button", name=re.compile("Verbindlich anmelden|Warteliste")).click()


async def register(page: Page, event: PublicEvent, name: str, email: str) -> str:
    """Open the event page, register; returns the status page's URL (status pending or
    already decided)."""
    await page.goto(event.path)
    await fill_registration(page, name, email)
    await page.wait_for_url(re.compile(r"/anmeldung/[0-9a-f-]{36}$"))
    return page.url


async def status_is(page: Page, status: str, timeout: float = 30) -> None:
    await expect(page.locator("[data-status]").first).to_have_attribute(
        "data-status", status, timeout=timeout * 1000
    )


@asynccontextmanager
async def decisions_paused(stack: Stack) -> AsyncIterator[None]:
    """Freeze capacity's workers (SIGSTOP) so new registrations stay pending; they go on
    (SIGCONT) afterwards and decide what came in meanwhile."""
    workers = [proc for name, proc in stack.procs.items() if name.startswith("capacity-worker")]
    assert workers, "the stack has no capacity worker"
    for proc in workers:
        os.kill(proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for proc in workers:
            os.kill(proc.pid, signal.SIGCONT)


@dataclass(frozen=True)
class Organiser:
    email: str
    name: str
    password: str


def admin_command() -> list[str]:
    """``gateway-admin`` as installed in this environment (``uv run gateway-admin``)."""
    script = Path(sys.executable).with_name("gateway-admin")
    if script.exists():
        return [str(script)]
    return ["uv", "run", "--frozen", "gateway-admin"]


async def create_organiser(stack: Stack, organiser: Organiser) -> str:
    """An account for the desk, made the way an operator does: ``gateway-admin`` with
    ``ADMIN_EMAIL``, ``ADMIN_NAME``, ``ADMIN_PASSWORD``; returns what it printed."""
    env = {
        **os.environ,
        "ADMIN_EMAIL": organiser.email,
        "ADMIN_NAME": organiser.name,
        "ADMIN_PASSWORD": organiser.password,
        "GATEWAY_DATABASE_URL": stack.dsns["gateway"],
    }
    proc = await asyncio.create_subprocess_exec(
        *admin_command(),
        env=env,
        cwd=stack.config.data_dir,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, f"gateway-admin exited {proc.returncode}: {err.decode()}"
    return out.decode()


async def log_in(page: Page, organiser: Organiser, password: str | None = None) -> None:
    """Open the desk, get sent to its login, log in with the German labels."""
    await page.goto("/verwaltung")
    await page.wait_for_url(re.compile(r"/verwaltung/anmelden"))
    await page.get_by_label("E-Mail-Adresse").fill(organiser.email)
    await page.get_by_label("Passwort").fill(password or organiser.password)
    await page.get_by_role("button", name="Anmelden", exact=True).click()
