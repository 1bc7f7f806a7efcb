"""The site in German and English: every text translated, the language switch, English pages."""

import re
import uuid
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

import gateway
from contracts.messages import Locale
from gateway.web import i18n

SOURCE = Path(gateway.__file__).parent
# The same extraction as `make i18n` (babel.cfg), over every file, the desk's included.
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"trimmed": "true"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def source_messages() -> dict[str, str]:
    """Every message id (the singular of a plural) in the gateway's templates and Python
    code, with the first place it occurs."""
    found: dict[str, str] = {}
    for filename, lineno, message, _, _ in extract_from_dir(
        SOURCE, METHODS, OPTIONS, DEFAULT_KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def english_entries() -> dict[str, object]:
    entries = {}
    for po_file in sorted((i18n.TRANSLATIONS_DIR / "en" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as source:
            for message in read_po(source):
                if message.id:
                    entries[message.id[0] if message.pluralizable else message.id] = message
    return entries


def test_the_extraction_finds_the_sites_texts():
    messages = source_messages()
    for expected in ("Veranstaltungen im Netzwerk Quartier", "Sicherheitsprüfung fehlgeschlagen"):
        assert expected in messages
    assert "noch %(num)d Platz frei" in messages  # a plural, from Python code


def test_every_text_has_an_english_translation():
    english = english_entries()
    problems = []
    for msgid, where in source_messages().items():
        entry = english.get(msgid)
        if entry is None or entry.fuzzy:
            problems.append(f"{where}: no English for {msgid!r}")
            continue
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in translations:
            if not text:
                problems.append(f"{where}: empty English for {msgid!r}")
            elif set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{where}: placeholders differ in {text!r}")
    assert not problems, "\n".join(problems)


def write_catalog(path: Path, entries: dict[str, str], fuzzy: frozenset[str] = frozenset()):
    catalog = Catalog(locale="en")
    for msgid, text in entries.items():
        catalog.add(msgid, text, flags=["fuzzy"] if msgid in fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        write_po(target, catalog)


def test_every_catalog_in_the_folder_is_merged(tmp_path):
    messages = tmp_path / "en" / "LC_MESSAGES"
    write_catalog(messages / "desk.po", {"Anmelden": "Log in", "Teilnehmende": "Participants"})
    write_catalog(
        messages / "site.po",
        {"Veranstaltungen": "Events", "Halb fertig": "Half done"},
        {"Halb fertig"},
    )

    english = i18n.load_english(tmp_path)

    assert english.gettext("Anmelden") == "Log in"
    assert english.gettext("Veranstaltungen") == "Events"
    assert english.gettext("Halb fertig") == "Halb fertig", "fuzzy entries do not count"


def test_a_translator_for_python_code():
    assert i18n.translator(Locale.EN).gettext("Veranstaltungen") == "Events"
    assert i18n.translator(Locale.DE).gettext("Veranstaltungen") == "Veranstaltungen"
    assert i18n.translator(Locale.EN).ngettext("noch %(num)d Platz frei", "x", 2) == (
        "%(num)d seats left"
    )


@pytest.mark.parametrize(
    ("cookie", "locale"),
    [(None, Locale.DE), ("en", Locale.EN), ("de", Locale.DE), ("fr", Locale.DE)],
)
def test_the_locale_comes_from_the_cookie(cookie, locale):
    assert i18n.parse_locale(cookie) is locale


async def test_switching_sets_the_cookie_and_goes_back(client):
    answer = await client.get("/sprache/en", params={"zurueck": "/veranstaltungen/x?art=markt"})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/veranstaltungen/x?art=markt"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("lang=en;")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/", "max-age=31536000"} <= attributes
    assert "secure" not in attributes


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "nix", ""]
)
async def test_switching_goes_back_only_to_our_own_pages(client, target):
    answer = await client.get("/sprache/de", params={"zurueck": target})
    assert answer.headers["location"] == "/"


async def test_an_unknown_language_is_a_404(client):
    assert (await client.get("/sprache/fr")).status_code == 404


async def test_german_by_default_whatever_the_browser_says(client):
    page = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="de">' in page.text
    assert "<h1>Veranstaltungen</h1>" in page.text
    assert '<a href="/sprache/en?zurueck=%2F" lang="en" hreflang="en">English</a>' in page.text


async def test_the_site_in_english(client, add_event):
    event = add_event(address="Büchsenstraße 33, 70174 Stuttgart")
    client.cookies.set("lang", "en")

    overview = await client.get("/")
    page = await client.get(f"/veranstaltungen/{event.event_id}")

    assert '<html lang="en">' in overview.text
    assert "<h1>Events</h1>" in overview.text
    assert "1 event, sorted by date." in overview.text
    assert "Conference day" in overview.text
    assert "12 seats left" in overview.text
    assert "Thu, 12 March 2026, 10:00–16:00" in page.text
    assert "Hospitalhof, Büchsenstraße 33, 70174 Stuttgart" in page.text
    assert "In which role are you taking part?" in page.text
    assert "Health data consent" in page.text
    assert "Deutsch</a>" in page.text
    assert f'href="/sprache/de?zurueck=%2Fveranstaltungen%2F{event.event_id}"' in page.text
    assert "Veranstaltungen" not in overview.text.split("<main", 1)[1]


async def test_error_pages_speak_the_chosen_language(client):
    client.cookies.set("lang", "en")
    missing = await client.get("/gibtsnicht")
    no_event = await client.get(f"/veranstaltungen/{uuid.uuid4()}")
    assert missing.status_code == no_event.status_code == 404
    assert '<html lang="en">' in missing.text
    assert "<h1>Page not found</h1>" in missing.text
    assert "<h1>Event not found</h1>" in no_event.text


async def test_an_english_registration_asks_for_english_mails(
    client, add_event, registrations, csrf
):
    event = add_event()
    client.cookies.set("lang", "en")
    data = {
        "csrf_token": csrf,
        "name": "Jane Doe",
        "email": "jane@example.org",
        "role": "science",
        "privacy_consent": "yes",
    }

    answer = await client.post(f"/veranstaltungen/{event.event_id}/anmeldung", data=data)

    assert answer.status_code == 303
    (command,) = registrations.submitted
    assert command.attendee.locale is Locale.EN


async def test_field_errors_in_english(client, add_event, csrf):
    event = add_event()
    client.cookies.set("lang", "en")

    answer = await client.post(
        f"/veranstaltungen/{event.event_id}/anmeldung", data={"csrf_token": csrf}
    )

    assert answer.status_code == 422
    assert "<title>Error: " in answer.text
    assert '<li><a href="#name">Please enter your name.</a></li>' in answer.text
    assert '<li><a href="#role">Please choose the role in which you take part.</a></li>' in (
        answer.text
    )
