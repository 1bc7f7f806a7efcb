"""A person with a browser, over plain HTTP: read the page, fill the form, follow redirects."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    checkboxes: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.status: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-status" in a and self.status is None:
            self.status = a["data-status"]
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif tag in ("input", "textarea", "select") and self.forms and "name" in a:
            form = self.forms[-1]
            if a.get("type") == "checkbox":
                form.checkboxes[a["name"]] = a.get("value") or "on"
            elif a.get("type") != "submit":
                form.fields[a["name"]] = a.get("value", "")


def parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


async def register_via_form(
    client: httpx.AsyncClient, event_url: str, name: str, email: str, organisation: str
) -> str:
    """Open the event page, fill in and send its registration form; returns the status URL."""
    page = await client.get(event_url)
    page.raise_for_status()
    forms = [f for f in parse(page.text).forms if f.method == "post"]
    assert forms, "the event page has no registration form"
    form = forms[0]
    data = {**form.fields, "name": name, "email": email, "organisation": organisation}
    data["role"] = "coordination"  # the required choice of a role
    data["privacy_consent"] = form.checkboxes["privacy_consent"]  # a person ticks the consent box
    answer = await client.post(urljoin(event_url, form.action), data=data)
    assert answer.status_code == 303, answer.text[:500]
    return urljoin(event_url, answer.headers["location"])


async def status_on_page(client: httpx.AsyncClient, status_url: str) -> str | None:
    page = await client.get(status_url)
    page.raise_for_status()
    return parse(page.text).status
