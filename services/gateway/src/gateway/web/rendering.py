"""Pages in the visitor's language: a Jinja environment per part of the gateway (site, API
reference, desk) over the shared layout in ``web/templates``, and the form state that the
shared field macros (``_fields.html``, ``_error_summary.html``) show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Self

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from contracts.http.errors import ApiError, Problem
from contracts.messages import Locale
from gateway.web import i18n
from gateway.web.dependencies import settings_of
from gateway.web.security import csrf_field

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"


class Pages:
    """The templates of one part (searched first) and the shared layout, with gettext in the
    page's language and the CSRF field."""

    def __init__(self, templates: Path) -> None:
        self.templates = Jinja2Templates(
            directory=[templates, WEB_DIR / "templates"],
            context_processors=[i18n.template_context],
        )
        i18n.install(self.templates.env)
        self.templates.env.globals["csrf_field"] = csrf_field
        self.templates.env.auto_reload = False  # they ship with the code: no stat per page

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any],
        status_code: int = 200,
        *,
        canonical_path: str | None = None,
    ) -> HTMLResponse:
        settings = settings_of(request)
        canonical = settings.public_base_url.rstrip("/") + (canonical_path or request.url.path)
        return self.templates.TemplateResponse(
            request, template, {"canonical_url": canonical, **context}, status_code=status_code
        )

    def fragment(self, template: str, context: dict[str, Any]) -> str:
        """A piece of a page (no response), e.g. what a live region replaces."""
        return self.templates.get_template(template).render(context)


@dataclass(frozen=True, kw_only=True)
class FormState:
    """A form's field errors and a message for the whole form (the shape ``_fields.html`` and
    ``_error_summary.html`` expect)."""

    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    def with_problems(self, problems: Iterable[Problem], locale: Locale) -> Self:
        english = locale is Locale.EN
        messages = {p.field: p.message_en if english else p.message_de for p in problems}
        return replace(self, errors=messages)

    def with_refusal(self, refusal: ApiError, locale: Locale) -> Self:
        """A service's answer on the form: its problems next to the fields the form has, its
        message for the whole form when none of them is one of the form's fields."""
        own = {f.name for f in fields(self)} - {"errors", "notice"}
        at_fields = [problem for problem in refusal.errors if problem.field in own]
        if at_fields:
            return self.with_problems(at_fields, locale)
        return self.with_notice(refusal.message(locale.value))

    def with_notice(self, notice: str) -> Self:
        return replace(self, notice=notice)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.notice)
