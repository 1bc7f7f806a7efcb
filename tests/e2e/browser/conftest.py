"""A real browser on the session stack: Debian's Chromium driven by Playwright (async API, in
the suite's session event loop), a fresh context for every page a test opens.

Chromium and axe-core come from ``make browser-deps``; ``CHROMIUM_PATH`` points elsewhere.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright, expect

from devstack.stack import Stack

from .checks import VIEWPORT, Problems, take_screenshots
from .flows import Organiser, PublicEvent, create_organiser, publish_event

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
TIMEOUT_MS = 15_000
BUDGET = 2
"""Registrations one address may send at once on ``limited_gateway``; its budget then
refills by one an hour, so the next ones get the challenge."""

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
async def playwright_driver() -> AsyncIterator[Playwright]:
    async with async_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium() -> Path:
    assert CHROMIUM.exists(), f"no Chromium at {CHROMIUM}: run `make browser-deps`"
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(playwright_driver: Playwright, chromium: Path) -> AsyncIterator[Browser]:
    args = ["--disable-dev-shm-usage"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    browser = await playwright_driver.chromium.launch(
        executable_path=str(chromium), headless=True, args=args
    )
    yield browser
    await browser.close()


class Browsing:
    """Opens pages, each in its own fresh context (cookies, storage), and keeps what the
    browser reported on them."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[tuple[BrowserContext, Problems]] = []
        self._problems: dict[Page, Problems] = {}

    async def page(self, *, base_url: str | None = None) -> Page:
        context = await self.browser.new_context(
            base_url=base_url or self.base_url,
            viewport=VIEWPORT,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        problems = Problems()
        await problems.watch(context)
        self.contexts.append((context, problems))
        page = await context.new_page()
        self._problems[page] = problems
        return page

    def problems(self, page: Page) -> Problems:
        return self._problems[page]

    async def close(self) -> list[str]:
        found: list[str] = []
        for context, problems in self.contexts:
            await context.close()
            found += problems.take()
        return found


@pytest.fixture
async def browsing(browser: Browser, stack: Stack) -> AsyncIterator[Browsing]:
    browsing = Browsing(browser, stack.gateway_url)
    yield browsing
    found = await browsing.close()
    assert not found, "the browser reported\n" + "\n".join(f"- {line}" for line in found)


@pytest.fixture
async def page(browsing: Browsing) -> Page:
    return await browsing.page()


Screenshots = Callable[[Page, str], Awaitable[list[Path]]]


@pytest.fixture(scope="session")
def screenshots(artifacts_dir: Path) -> Screenshots:
    """``await screenshots(page, name)``: full-page PNGs at 1280 and 375 px under
    ``test-artifacts/screenshots/<name>-<width>.png``."""
    directory = artifacts_dir / "screenshots"
    directory.mkdir(exist_ok=True)

    async def shoot(page: Page, name: str) -> list[Path]:
        return await take_screenshots(page, name, directory)

    return shoot


EventFactory = Callable[..., Awaitable[PublicEvent]]


@pytest.fixture(scope="session")
def make_event(stack: Stack) -> EventFactory:
    """``await make_event(title=…, capacity=…)``: an event created through the capacity API,
    returned once the public site shows it."""

    return functools.partial(publish_event, stack)


@pytest.fixture(scope="session")
async def organiser(stack: Stack) -> Organiser:
    """A desk account, made with ``gateway-admin`` as an operator would."""
    account = Organiser(
        email=f"team.{uuid4().hex[:8]}@quartier.example.org",
        name="Olga Organisatorin",
        password="Ein langes Passwort für den Test!",
    )
    said = await create_organiser(stack, account)
    assert account.email in said, said
    return account


@pytest.fixture(scope="session")
async def limited_gateway(stack: Stack) -> str:
    """The base URL of a second gateway whose budget per address is ``BUDGET``
    registrations, beyond it the challenge (the session's main gateway has no budget)."""
    return await stack.spawn_gateway(
        {"GATEWAY_BUDGET_BURST": str(BUDGET), "GATEWAY_BUDGET_PER_MINUTE": str(1 / 60)}
    )
