"""The checks themselves can fail: each one, shown a page broken on purpose, says so. And
the site has no request every browser makes that fails."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from .checks import assert_accessible, assert_focus_visible, assert_reflows
from .conftest import Browsing

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


async def test_axe_runs_and_reports_a_violation(page: Page) -> None:
    await page.goto("/impressum")
    await assert_accessible(page, "impressum as it is")
    await page.evaluate(
        "src => { const img = document.createElement('img'); img.src = src;"
        " document.querySelector('main').append(img); }",
        PIXEL,
    )
    with pytest.raises(AssertionError, match=r"image-alt \[critical\]"):
        await assert_accessible(page, "impressum with an image without alt")


async def test_csp_violations_and_script_errors_are_caught(browsing: Browsing) -> None:
    page = await browsing.page()
    await page.goto("/impressum")
    problems = browsing.problems(page)
    assert problems.take() == []
    await page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    await page.wait_for_timeout(200)  # the report is an event
    assert not await page.evaluate("() => window.ran === true"), "the CSP let inline code run"
    found = problems.take()
    assert any("CSP violation" in line and "script-src" in line for line in found), found


async def test_an_invisible_focus_and_a_wide_page_are_caught(page: Page) -> None:
    await page.goto("/impressum")
    await assert_reflows(page, "impressum")
    await page.evaluate(
        """() => {
            const button = document.createElement("button");
            button.textContent = "Ohne Fokusrahmen";
            button.style.setProperty("outline", "none", "important");
            button.style.setProperty("box-shadow", "none", "important");
            document.querySelector("main").prepend(button);
            button.focus();
            const wide = document.createElement("div");
            wide.style.width = "2000px";
            wide.textContent = "breit";
            document.querySelector("main").append(wide);
        }"""
    )
    with pytest.raises(AssertionError, match="no visible focus"):
        await assert_focus_visible(page)
    with pytest.raises(AssertionError, match="wider than 375"):
        await assert_reflows(page, "impressum with a wide box")


async def test_the_site_answers_the_browsers_favicon_request(page: Page) -> None:
    """Browsers fetch the page's icon, ``/favicon.ico`` when it names none; a 404 there is
    an error in every visitor's console."""
    await page.goto("/")
    icon: str = await page.evaluate(
        """() => document.querySelector("link[rel~=icon]")?.href
            || new URL("/favicon.ico", location.href).href"""
    )
    if icon.startswith("data:"):
        return
    answer = await page.request.get(icon)
    assert answer.ok, f"the browser's icon request {icon} answers {answer.status}"
