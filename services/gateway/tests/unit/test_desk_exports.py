"""The participant exports: what spreadsheet programs open, and nothing they would run."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import RegistrationStatus
from contracts.messages import Locale
from gateway.desk.domain.model import spreadsheet_safe
from gateway.desk.entrypoints.exports import (
    Sheet,
    csv_document,
    sheet_titles,
    xlsx_document,
    xlsx_workbook,
)

HEADINGS_DE = [
    "Name",
    "E-Mail",
    "Organisation",
    "Rolle",
    "Status",
    "Wartelistenplatz",
    "Angemeldet am",
    "Sprache",
    "Barrierefreiheit",
]
HEADINGS_EN = [
    "Name",
    "E-mail",
    "Organisation",
    "Role",
    "Status",
    "Waiting list place",
    "Registered on",
    "Language",
    "Accessibility",
]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+49 711 123", "'+49 711 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Erika Mustermann", "Erika Mustermann"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_quoted(value, shown):
    assert spreadsheet_safe(value) == shown


def test_csv_and_xlsx_quote_every_text_cell_and_keep_numbers():
    rows = [["=cmd|' /C calc'!A0", "@x", 3, None]]
    text = csv_document(["=Kopf", "b", "c", "d"], rows).decode("utf-8-sig")
    assert text.splitlines() == ["'=Kopf;b;c;d", "'=cmd|' /C calc'!A0;'@x;3;"]

    sheet = load_workbook(io.BytesIO(xlsx_document("Liste", ["a", "b", "c", "d"], rows))).active
    values = [cell.value for cell in sheet[2]]
    assert values == ["'=cmd|' /C calc'!A0", "'@x", 3, None]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_sheet_names_are_ones_a_workbook_accepts():
    titles = sheet_titles(
        [
            "Forum A: Wohnen/Pflege [neu]?",
            "Forum A: Wohnen/Pflege [neu]*",
            "'Zitat'",
            "Ein sehr langer Titel für ein Forum am Nachmittag",
            "",
        ]
    )
    assert titles == [
        "Forum A Wohnen Pflege neu",
        "Forum A Wohnen Pflege neu (2)",
        "Zitat",
        "Ein sehr langer Titel für ein F",
        "-",
    ]
    assert all(len(title) <= 31 for title in titles)


def test_a_workbook_has_a_sheet_each():
    workbook = load_workbook(
        io.BytesIO(
            xlsx_workbook([Sheet("Eins", ["a"], [["=1"]]), Sheet("Zwei", ["b"], [[2], [3]])])
        )
    )
    assert workbook.sheetnames == ["Eins", "Zwei"]
    assert [c.value for c in workbook["Eins"]["A"]] == ["a", "'=1"]
    assert [c.value for c in workbook["Zwei"]["A"]] == ["b", 2, 3]


@pytest.fixture
def event_with_people(capacity, registration_desk):
    event = capacity.add()
    registration_desk.add(
        event.event_id,
        RegistrationStatus.CONFIRMED,
        name='=HYPERLINK("http://böse.example","Klick")',
        email="erika@example.org",
        organisation="+Gemeinde",
        role=AttendeeRole.COORDINATION,
        accessibility_needs=[AccessibilityNeed.INDUCTION_LOOP],
        created_at=datetime(2026, 2, 10, 8, 5, tzinfo=UTC),
    )
    registration_desk.add(
        event.event_id,
        RegistrationStatus.WAITLISTED,
        name="Wim Wartend",
        email="wim@example.org",
        waitlist_position=2,
        locale=Locale.EN,
        created_at=datetime(2026, 2, 11, 18, 30, tzinfo=UTC),
    )
    return event


@pytest.fixture
async def logged_in(client, organiser, log_in):
    await log_in(client)
    return client


async def test_the_csv_export(logged_in, event_with_people):
    path = f"/verwaltung/veranstaltungen/{event_with_people.event_id}/teilnehmende.csv"

    answer = await logged_in.get(path)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    disposition = answer.headers["content-disposition"]
    assert disposition == f'attachment; filename="teilnehmende-{event_with_people.event_id}.csv"'
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS_DE
    assert rows[1] == [
        '\'=HYPERLINK("http://böse.example","Klick")',
        "erika@example.org",
        "'+Gemeinde",
        "Quartierskoordination",
        "Bestätigt",
        "",
        "10.02.2026, 09:05",
        "Deutsch",
        "Induktive Höranlage",
    ]
    assert rows[2][4:8] == ["Warteliste", "2", "11.02.2026, 19:30", "Englisch"]


async def test_the_xlsx_export_in_english(logged_in, event_with_people):
    logged_in.cookies.set("lang", "en")
    path = f"/verwaltung/veranstaltungen/{event_with_people.event_id}/teilnehmende.xlsx"

    answer = await logged_in.get(path)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.title == "Participants"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADINGS_EN
    assert rows[1][0] == '\'=HYPERLINK("http://böse.example","Klick")'
    assert rows[1][3:5] == ["Neighbourhood coordination", "Confirmed"]
    assert rows[2][4:8] == ["Waiting list", 2, "2026-02-11, 19:30", "English"]
