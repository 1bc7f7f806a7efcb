"""The site in German and English.

The German texts are the message ids; the English ones come from every ``*.po`` file in
``translations/en/LC_MESSAGES/`` (``site.po`` for the public site, ``desk.po`` for the
organiser desk), read and merged in memory when the app starts – no build step.  A fuzzy or
empty entry does not count: that text shows in German.

The language is the ``lang`` cookie (``de`` or ``en``), German without one; the browser's
``Accept-Language`` is ignored, so a page looks the same for everyone until they choose.
``LocaleMiddleware`` puts it on every request as ``request.state.locale`` (error pages too).

In templates ``{{ _("…") }}``, ``{{ ngettext("…", "…", n) }}`` and ``{% trans %}`` use the
locale of the page being rendered; Python code asks ``translator(locale)`` (or
``request_translator(request)``) and calls its ``gettext``/``ngettext`` with the German text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.messages import Locale

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALE_COOKIE = "lang"
DEFAULT_LOCALE = Locale.DE
SWITCH_PATH = "/sprache"
# Each language's name in itself: the switch offers the other one in its own words.
LANGUAGE_NAMES = {Locale.DE: "Deutsch", Locale.EN: "English"}


def parse_locale(value: str | None) -> Locale:
    """The locale ``value`` names; German for anything else."""
    try:
        return Locale(value or DEFAULT_LOCALE)
    except ValueError:
        return DEFAULT_LOCALE


def load_english(directory: Path = TRANSLATIONS_DIR) -> NullTranslations:
    """Every English catalog in ``directory``, merged; on the same message id the file that
    sorts last wins."""
    merged: Translations | None = None
    for po_file in sorted((directory / "en" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as source:
            catalog = read_po(source, locale="en", domain=po_file.stem)
        compiled = BytesIO()
        write_mo(compiled, catalog)  # leaves out fuzzy and untranslated entries
        compiled.seek(0)
        translations = Translations(compiled, domain=po_file.stem)
        merged = translations if merged is None else merged.merge(translations)
    return merged if merged is not None else NullTranslations()


@functools.cache
def catalogs() -> dict[Locale, NullTranslations]:
    """The translations per locale, read once; German needs none (it is the message id)."""
    return {Locale.DE: NullTranslations(), Locale.EN: load_english()}


@dataclass(frozen=True)
class Translator:
    """gettext for one locale."""

    locale: Locale
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


def translator(locale: Locale) -> Translator:
    return Translator(locale, catalogs()[locale])


def request_locale(request: HTTPConnection) -> Locale:
    """The locale ``LocaleMiddleware`` chose for this request."""
    return cast(Locale, request.state.locale)


def request_translator(request: HTTPConnection) -> Translator:
    return translator(request_locale(request))


class LocaleMiddleware:
    """Pure ASGI: ``request.state.locale`` from the ``lang`` cookie on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cookie = HTTPConnection(scope).cookies.get(LOCALE_COOKIE)
            scope.setdefault("state", {})["locale"] = parse_locale(cookie)
        await self.app(scope, receive, send)


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this site, else ``/`` (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(char) < 0x20 or char == "\\" for char in value):
        return "/"
    return value


@dataclass(frozen=True)
class LanguageSwitch:
    """The header's link to the other language, back to the same page."""

    locale: Locale
    label: str
    href: str


def language_switch(request: Request) -> LanguageSwitch:
    other = Locale.EN if request_locale(request) is Locale.DE else Locale.DE
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"zurueck": here})
    return LanguageSwitch(other, LANGUAGE_NAMES[other], f"{SWITCH_PATH}/{other.value}?{query}")


def template_context(request: Request) -> dict[str, Any]:
    """What every page template gets: its locale and the language switch."""
    return {"locale": request_locale(request), "language_switch": language_switch(request)}


def context_locale(context: Context) -> Locale:
    """The locale of the template being rendered: its ``locale``, else the request's."""
    locale = context.get("locale")
    if isinstance(locale, Locale):
        return locale
    request = context.get("request")
    return request_locale(request) if isinstance(request, HTTPConnection) else DEFAULT_LOCALE


@pass_context
def _context_gettext(context: Context, message: str) -> str:
    return translator(context_locale(context)).gettext(message)


@pass_context
def _context_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translator(context_locale(context)).ngettext(singular, plural, n)


def install(env: Environment) -> None:
    """``jinja2.ext.i18n`` with newstyle gettext that follows each template's locale;
    ``{% trans %}`` blocks are trimmed (the extraction uses the same policy)."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    cast(Any, env).install_gettext_callables(
        gettext=_context_gettext, ngettext=_context_ngettext, newstyle=True
    )
