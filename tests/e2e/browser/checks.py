"""What the browser tests check on every page: axe-core (WCAG 2.1 A/AA), console errors and
CSP violations, a visible keyboard focus, reflow at 375 px; and the screenshots they keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playwright.async_api import (
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Request,
    Response,
    ViewportSize,
)

from devstack.stack import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 375)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `make browser-deps` (npm ci)")
    return AXE_JS.read_text()


async def assert_accessible(page: Page, name: str) -> None:
    """Run axe-core on the page as it is now; fail with every WCAG 2.1 A/AA violation.

    The source goes in through ``page.evaluate`` (DevTools evaluation, which the site's
    ``script-src 'self'`` does not govern), so the page keeps its real CSP."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(axe_source())
    version = await page.evaluate("() => window.axe && window.axe.version")
    assert version, f"{name}: axe-core did not load into the page"
    results: dict[str, Any] = await page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    assert results["passes"], f"{name}: axe ran no rule at all"
    violations: list[dict[str, Any]] = results["violations"]
    assert not violations, f"{name} ({page.url}): axe {version} found\n" + format_violations(
        violations
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}] {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


async def take_screenshots(page: Page, name: str, directory: Path) -> list[Path]:
    """Full-page PNGs at 1280 and 375 px wide: ``<directory>/<name>-<width>.png`` (the
    directory exists)."""
    before = page.viewport_size or VIEWPORT
    paths = []
    try:
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 800})
            path = directory / f"{name}-{width}.png"
            await page.screenshot(path=path, full_page=True, animations="disabled")
            paths.append(path)
    finally:
        await page.set_viewport_size(before)
    return paths


async def assert_reflows(page: Page, name: str, width: int = 375) -> None:
    """WCAG 1.4.10: at a narrow viewport nothing makes the whole page scroll sideways."""
    before = page.viewport_size or VIEWPORT
    await page.set_viewport_size({"width": width, "height": 800})
    try:
        overflow = await page.evaluate(
            """() => {
                const root = document.documentElement;
                if (root.scrollWidth <= window.innerWidth) return null;
                const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                    + (typeof el.className === "string" && el.className.trim()
                        ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                    + " „" + (el.innerText || "").trim().slice(0, 40) + "“";
                const wide = el => el.getBoundingClientRect().right > window.innerWidth + 1;
                const style = el => getComputedStyle(el);
                // inside a scrolling box that fits, an element only widens that box – unless
                // it is positioned absolutely against something outside the box
                const clipped = el => {
                    const escapes = ["absolute", "fixed"].includes(style(el).position);
                    for (let box = el.parentElement; box; box = box.parentElement) {
                        if (style(box).overflowX !== "visible" && !wide(box)
                            && (!escapes || style(box).position !== "static")) return true;
                    }
                    return false;
                };
                const overflows = el => wide(el) && !clipped(el);
                const culprits = [...document.body.querySelectorAll("*")].filter(el => {
                    const spills = el.scrollWidth > el.clientWidth + 1
                        && style(el).overflowX === "visible";
                    return (overflows(el) || spills) && ![...el.children].some(overflows);
                });
                const found = culprits.slice(0, 5).map(describe);
                return {scrollWidth: root.scrollWidth, culprits: found};
            }"""
        )
    finally:
        await page.set_viewport_size(before)
    assert overflow is None, f"{name}: the page is wider than {width} px: {overflow}"


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = !!style.boxShadow && style.boxShadow !== "none";
    const onScreen = rect.width > 0 && rect.height > 0 && rect.bottom > 0
        && rect.right > 0 && rect.top < window.innerHeight && rect.left < window.innerWidth;
    const label = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
    return {
        element: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : ""),
        label: label.slice(0, 60),
        outline, shadow, onScreen,
    };
}"""


async def assert_focus_visible(page: Page) -> str:
    """The focused element shows an outline or a box-shadow and is on screen; returns a
    description of it."""
    focused: dict[str, Any] | None = await page.evaluate(FOCUSED)
    assert focused is not None, f"{page.url}: nothing has the keyboard focus"
    where = f"{focused['element']} „{focused['label']}“"
    assert focused["outline"] or focused["shadow"], f"{page.url}: no visible focus on {where}"
    assert focused["onScreen"], f"{page.url}: the focused {where} is off screen"
    return where


async def is_focused(locator: Locator) -> bool:
    focused: bool = await locator.evaluate("el => el === document.activeElement")
    return focused


async def tab_to(page: Page, target: Locator, *, max_steps: int = 60, back: bool = False) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``target`` has the focus, checking at every
    step that the focus can be seen."""
    visited: list[str] = []
    for _ in range(max_steps):
        await page.keyboard.press("Shift+Tab" if back else "Tab")
        visited.append(await assert_focus_visible(page))
        if await is_focused(target):
            return
    raise AssertionError(f"{page.url}: Tab never reached {target}; visited: {visited}")


@dataclass
class Problems:
    """Console errors, uncaught exceptions, CSP violations and failed subresources seen in
    one browser context; navigations that answer an error page on purpose are not problems."""

    found: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    document_status: int | None = None
    """The HTTP status of the last page loaded."""

    async def watch(self, context: BrowserContext) -> None:
        await context.expose_binding("__quartierCspViolation", self._csp)
        await context.add_init_script(
            """document.addEventListener("securitypolicyviolation", e =>
                window.__quartierCspViolation({
                    directive: e.violatedDirective, blocked: e.blockedURI,
                    source: e.sourceFile, line: e.lineNumber, sample: e.sample,
                }));"""
        )
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught: {error}"))
        page.on("request", self._request)
        page.on("response", self._response)

    def _csp(self, source: dict[str, Any], info: dict[str, Any]) -> None:
        self.found.append(
            f"CSP violation on {source['frame'].url}: {info.get('directive')} blocked "
            f"{info.get('blocked')} ({info.get('source')}:{info.get('line')})"
        )

    def _request(self, request: Request) -> None:
        if request.is_navigation_request():
            self.documents.add(request.url)

    def _response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request():
            if request.frame.parent_frame is None:
                self.document_status = response.status
        elif response.status >= 400:
            self.found.append(f"{request.method} {response.url} answered {response.status}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        url = message.location.get("url", "")
        # Chromium logs an error page's own status; the test asked for that page
        if text.startswith("Failed to load resource") and url in self.documents:
            return
        self.found.append(f"console error on {url}: {text}")

    def take(self) -> list[str]:
        found, self.found = self.found, []
        return found

    def assert_none(self, where: str) -> None:
        found = self.take()
        assert not found, f"{where}: the browser reported\n" + "\n".join(
            f"- {line}" for line in found
        )
