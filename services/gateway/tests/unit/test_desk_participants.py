"""The event page's participant list at the size of a rush: paged, searched and filtered by
the registration service, live updates that ask only for counts, exports that stream."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import RegistrationStatus
from gateway.desk.adapters.registration_http import HttpRegistrationDesk
from gateway.desk.domain.model import (
    EXPORT_BATCH,
    PAGE_SIZE,
    ParticipantFilter,
    page_numbers,
)
from gateway.desk.entrypoints.exports import csv_document, csv_stream
from gateway.service_layer.ports import RegistrationUnavailable

from .test_desk_pages import assert_accessible

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def desk_client(client, organiser, log_in):
    assert (await log_in(client)).status_code == 303
    return client


def crowd(registration_desk, event_id, count, status=RegistrationStatus.CONFIRMED):
    """``count`` people, person 1 first, one minute apart."""
    return [
        registration_desk.add(
            event_id,
            status,
            name=f"Person {n:04d}",
            email=f"person{n}@example.org",
            created_at=START + timedelta(minutes=n),
        )
        for n in range(1, count + 1)
    ]


def names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(Person \d+|[^<]+)</th>', html)


def pagination(html: str) -> str:
    found = re.search(r'<nav class="pagination" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert found, "no pagination"
    assert found.group(1) == "Seiten der Teilnehmendenliste"
    return found.group(2)


async def test_the_first_page_shows_the_newest_fifty_and_links_the_others(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 120)

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    assert page.status_code == 200
    shown = names(page.text)
    assert len(shown) == PAGE_SIZE == 50
    assert (shown[0], shown[-1]) == ("Person 0120", "Person 0071")
    assert "Anmeldungen 1–50 von 120, die neuesten zuerst" in page.text
    links = pagination(page.text)
    assert re.search(r'<a href="[^"]*#teilnehmende" aria-current="page">.*?1</a>', links)
    assert "?seite=2#teilnehmende" in links and "?seite=3#teilnehmende" in links
    assert 'rel="next"' in links and 'rel="prev"' not in links
    assert registration_desk.page_calls == [(ParticipantFilter(), 50, 0, False)]
    assert_accessible(page.text)


async def test_a_later_page_is_asked_for_at_the_registration_service(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 120)

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}?seite=3")

    assert names(page.text) == [f"Person {n:04d}" for n in range(20, 0, -1)]
    assert "Anmeldungen 101–120 von 120" in page.text
    links = pagination(page.text)
    assert re.search(r'\?seite=3#teilnehmende" aria-current="page"', links)
    assert 'rel="prev"' in links and 'rel="next"' not in links
    (asked,) = registration_desk.page_calls
    assert asked[1:3] == (50, 100)
    beyond = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}?seite=9")
    assert "Es gibt 3 Seiten" in beyond.text
    odd = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}?seite=x")
    assert odd.status_code == 200 and names(odd.text)[0] == "Person 0120"


def test_page_numbers_leave_gaps_between_the_ends_and_the_current_page():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 120) == [1, 2, 3, None, 120]
    assert page_numbers(60, 120) == [1, None, 58, 59, 60, 61, 62, None, 120]
    assert page_numbers(4, 6) == [1, 2, 3, 4, 5, 6]


async def test_the_search_form_filters_at_the_service_and_the_links_keep_it(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 60)
    for n in range(3):
        registration_desk.add(
            event.event_id,
            RegistrationStatus.WAITLISTED,
            name=f"Ulmer {n}",
            email=f"ulm{n}@example.org",
            organisation="Stadt Ulm",
            role=AttendeeRole.VOLUNTEER,
            accessibility_needs=[AccessibilityNeed.STEP_FREE],
            created_at=START + timedelta(days=1, minutes=n),
        )
    path = f"/verwaltung/veranstaltungen/{event.event_id}"

    form = await desk_client.get(path)
    for label in ("Suche nach Name, E-Mail-Adresse oder Organisation", "Status", "Rolle"):
        assert f">{label}</label>" in form.text, label
    assert 'role="search"' in form.text and 'method="get"' in form.text
    assert "Warteliste (3 Personen)" in form.text  # the state filter counts
    found = await desk_client.get(
        path,
        params={
            "suche": "  stadt   ULM ",
            "status": "waitlisted",
            "rolle": "volunteer",
            "bedarf": "step_free",
        },
    )

    assert names(found.text) == ["Ulmer 2", "Ulmer 1", "Ulmer 0"]
    asked = registration_desk.page_calls[-1][0]
    assert asked == ParticipantFilter(
        1,
        "stadt ULM",
        RegistrationStatus.WAITLISTED,
        AttendeeRole.VOLUNTEER,
        AccessibilityNeed.STEP_FREE,
    )
    assert 'value="stadt ULM"' in found.text
    assert '<option value="waitlisted" selected>' in found.text
    assert "Suche und Filter zurücksetzen" in found.text
    assert_accessible(found.text)
    nobody = await desk_client.get(path, params={"suche": "niemand"})
    assert "Keine Anmeldung passt zu Suche und Filter." in nobody.text
    many = await desk_client.get(path, params={"status": "confirmed", "seite": "1"})
    link = re.search(r'href="([^"]*seite=2[^"]*)"', pagination(many.text))
    assert link, "no link to page 2"
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query == {"status": ["confirmed"], "seite": ["2"]}
    unknown = await desk_client.get(path, params={"status": "gone", "rolle": "x"})
    assert registration_desk.page_calls[-1][0] == ParticipantFilter()
    assert unknown.status_code == 200


async def test_the_live_data_is_light_while_nothing_arrives(
    desk_client, capacity, registration_desk
):
    event = capacity.add(seats_taken=7, capacity=10, seats_left=3)
    crowd(registration_desk, event.event_id, 120)
    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")
    counts = re.search(r'id="desk-counts"[^>]*data-since="([^"]*)" data-seen="([^"]*)"', page.text)
    assert counts, "the live data attributes"
    since, seen = counts.groups()
    assert datetime.fromisoformat(since) == START + timedelta(minutes=120)
    registration_desk.page_calls.clear()

    live = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
        params={"seit": since, "zahlen": seen},
    )

    body = live.json()
    assert live.headers["cache-control"] == "no-store"
    assert "7 von 10" in body["counts_html"]
    assert body["new_since"] == 0
    assert body["notice_html"].strip() == ""
    assert "participants_html" not in body
    assert "Person" not in live.text, "no names when nothing changed"
    assert registration_desk.page_calls == [], "the list is not asked for"
    assert registration_desk.change_calls == [datetime.fromisoformat(since)]


async def test_new_registrations_come_into_the_first_page_live(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 60)
    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")
    since, seen = re.search(r'data-since="([^"]*)" data-seen="([^"]*)"', page.text).groups()
    registration_desk.add(
        event.event_id,
        RegistrationStatus.PENDING,
        name="Paula Neu",
        created_at=START + timedelta(hours=5),
    )

    live = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
        params={"seit": since, "zahlen": seen},
    )

    body = live.json()
    assert body["new_since"] == 1
    shown = names(body["participants_html"])
    assert shown[0] == "Paula Neu" and len(shown) == 50
    assert datetime.fromisoformat(body["since"]) == START + timedelta(hours=5)
    assert body["seen"] != seen
    assert body["notice_html"].strip() == "", "the rows are there, no notice"
    again = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
        params={"seit": body["since"], "zahlen": body["seen"]},
    )
    assert "participants_html" not in again.json()


async def test_a_changed_state_on_the_first_page_refreshes_it(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    (person,) = crowd(registration_desk, event.event_id, 1, RegistrationStatus.PENDING)
    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")
    since, seen = re.search(r'data-since="([^"]*)" data-seen="([^"]*)"', page.text).groups()
    registration_desk.registrations[0] = person.model_copy(
        update={"status": RegistrationStatus.CONFIRMED}
    )

    live = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
        params={"seit": since, "zahlen": seen},
    )

    assert "Bestätigt" in live.json()["participants_html"]


async def test_elsewhere_the_live_data_only_says_how_many_are_new(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 120)
    since = (START + timedelta(minutes=120)).isoformat()
    for n in range(3):
        registration_desk.add(
            event.event_id,
            RegistrationStatus.PENDING,
            name=f"Spät {n}",
            email=f"spaet{n}@example.org",
            created_at=START + timedelta(hours=3, minutes=n),
        )
    registration_desk.page_calls.clear()

    for params in ({"seite": "2"}, {"suche": "Person"}):
        live = await desk_client.get(
            f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
            params={**params, "seit": since, "zahlen": ""},
        )
        body = live.json()
        assert "participants_html" not in body
        assert "3 neue Anmeldungen" in body["notice_html"]
        assert (
            f'href="/verwaltung/veranstaltungen/{event.event_id}#teilnehmende"'
            in (body["notice_html"])
        )
    assert registration_desk.page_calls == []
    desk_client.cookies.set("lang", "en")
    english = await desk_client.get(
        f"/verwaltung/veranstaltungen/{event.event_id}/stand.json",
        params={"seite": "2", "seit": since},
    )
    assert "3 new registrations" in english.json()["notice_html"]
    assert ">show</a>" in english.json()["notice_html"]


async def test_the_page_has_a_polite_region_for_the_notice(desk_client, capacity):
    event = capacity.add()

    page = await desk_client.get(f"/verwaltung/veranstaltungen/{event.event_id}")

    assert '<div id="desk-new" aria-live="polite"></div>' in page.text
    assert "Noch keine Anmeldungen." in page.text
    assert 'data-since=""' in page.text


async def test_the_csv_export_streams_every_registration_in_batches(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    crowd(registration_desk, event.event_id, 2 * EXPORT_BATCH + 3)

    async with desk_client.stream(
        "GET", f"/verwaltung/veranstaltungen/{event.event_id}/teilnehmende.csv"
    ) as answer:
        chunks = [chunk async for chunk in answer.aiter_raw()]

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    assert "content-length" not in answer.headers, "streamed"
    content = b"".join(chunks)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Name"
    assert [row[0] for row in rows[1:]] == [f"Person {n:04d}" for n in range(1, 1004)]
    assert [call[1:] for call in registration_desk.page_calls] == [
        (EXPORT_BATCH, 0, True),
        (EXPORT_BATCH, EXPORT_BATCH, True),
        (EXPORT_BATCH, 2 * EXPORT_BATCH, True),
    ]


async def test_the_csv_stream_writes_one_chunk_per_batch():
    async def rest():
        yield [["=2+2", None]]
        yield [["b", 2], ["c", 3]]

    chunks = [chunk async for chunk in csv_stream(["Name", "Zahl"], [["a", 1]], rest())]

    assert chunks == [
        "\ufeffName;Zahl\r\n".encode(),
        b"a;1\r\n",
        b"'=2+2;\r\n",
        b"b;2\r\nc;3\r\n",
    ]
    assert b"".join(chunks) == csv_document(
        ["Name", "Zahl"], [["a", 1], ["=2+2", None], ["b", 2], ["c", 3]]
    )


async def test_an_export_while_registration_is_down_is_the_503_page(
    desk_client, capacity, registration_desk
):
    event = capacity.add()
    registration_desk.failure = RegistrationUnavailable("down")

    for suffix in ("csv", "xlsx"):
        answer = await desk_client.get(
            f"/verwaltung/veranstaltungen/{event.event_id}/teilnehmende.{suffix}"
        )
        assert answer.status_code == 503, suffix
        assert "Der Anmeldedienst (registration)" in answer.text


async def test_the_adapter_asks_for_pages_and_changes_with_query_parameters():
    event_id = uuid.uuid4()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/changes"):
            body = {
                "event_id": str(event_id),
                "counts": {"pending": 2},
                "total": 2,
                "new_since": 1,
                "latest_at": "2026-03-01T10:00:00Z",
            }
        else:
            body = {
                "event_id": str(event_id),
                "items": [],
                "total": 0,
                "offset": 100,
                "limit": 50,
                "counts": {},
                "latest_at": None,
            }
        return httpx.Response(200, content=json.dumps(body))

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://svc")
    desk = HttpRegistrationDesk(http)
    selection = ParticipantFilter(
        3,
        "Müller & Söhne",
        RegistrationStatus.CONFIRMED,
        AttendeeRole.MAYOR,
        AccessibilityNeed.SIGN_LANGUAGE,
    )

    page = await desk.participant_page(event_id, selection, "c", limit=50, offset=100)
    changes = await desk.registration_changes(event_id, START, "c")
    await desk.registration_changes(event_id, None, "c")

    assert page.offset == 100 and page.items == []
    assert changes.new_since == 1 and changes.counts == {RegistrationStatus.PENDING: 2}
    first, second, third = seen
    assert first.url.path == f"/events/{event_id}/registrations/page"
    assert dict(first.url.params) == {
        "limit": "50",
        "offset": "100",
        "order": "newest",
        "q": "Müller & Söhne",
        "status": "confirmed",
        "role": "mayor",
        "need": "sign_language",
    }
    assert second.url.path == f"/events/{event_id}/registrations/changes"
    assert datetime.fromisoformat(second.url.params["since"]) == START
    assert "since" not in third.url.params
    oldest = await desk.participant_page(
        event_id, ParticipantFilter(), "c", limit=500, offset=0, oldest_first=True
    )
    assert oldest.total == 0
    assert dict(seen[-1].url.params) == {"limit": "500", "offset": "0", "order": "oldest"}
