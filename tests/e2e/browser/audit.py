"""A walk through many pages that checks each one and reports every failing page at the end,
so one broken page does not hide the state of the others."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page

from .checks import Problems, assert_accessible, assert_reflows

Shoot = Callable[[Page, str], Awaitable[list[Path]]]


@dataclass
class Audit:
    page: Page
    problems: Problems
    screenshots: Shoot
    prefix: str
    lang: str
    failure_dir: Path
    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    async def check(self, name: str, status: int = 200) -> None:
        """Every check on the page as it is now: the answer's status, the document
        language, axe (WCAG 2.1 A/AA), reflow at 375 px, the browser's console and CSP
        reports; then screenshots at 1280 and 375 px."""
        label = f"{self.prefix}-{name}"
        errors: list[str] = []
        if self.problems.document_status != status:
            errors.append(f"answered {self.problems.document_status}, expected {status}")
        lang = await self.page.evaluate("() => document.documentElement.lang")
        if not str(lang).startswith(self.lang):
            errors.append(f'<html lang="{lang}">, expected {self.lang}')
        for check in (assert_accessible, assert_reflows):
            try:
                await check(self.page, label)
            except AssertionError as exc:
                errors.append(str(exc))
        errors += self.problems.take()
        await self.screenshots(self.page, label)
        self.checked.append(label)
        self.failures += [f"{label} ({self.page.url}): {error}" for error in errors]

    @asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[None]:
        """A part of the walk; if it cannot be done (a page or control missing), that is
        a failure and the walk goes on with the next part."""
        try:
            yield
        except Exception as exc:
            lines = str(exc).strip().splitlines()[:4]
            self.failures.append(
                f"{self.prefix}-{name}: could not be done ({type(exc).__name__}: "
                + " / ".join(line.strip() for line in lines)[:600]
                + ")"
            )
            self.problems.take()
            await self.page.screenshot(
                path=self.failure_dir / f"{self.prefix}-{name}-failed.png", full_page=True
            )

    def assert_clean(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} problem(s); pages checked: {', '.join(self.checked)}\n\n"
            + "\n\n".join(self.failures)
        )
