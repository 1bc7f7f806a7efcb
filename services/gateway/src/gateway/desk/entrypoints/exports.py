"""The participant list as CSV (UTF-8 with BOM, ``;`` – what German spreadsheet programs
open directly) and as XLSX; no text cell starts with something a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from gateway.desk.domain.model import spreadsheet_safe
from gateway.desk.entrypoints.views import PRIVATE

Cell = str | int | None
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(cell: Cell) -> Cell:
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


def csv_document(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    lines = [csv_line(headings), *(csv_line(row) for row in rows)]
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def csv_line(cells: Sequence[Cell]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(["" if cell is None else safe(cell) for cell in cells])
    return text.getvalue()


async def csv_stream(
    headings: Sequence[str],
    first: Sequence[Sequence[Cell]],
    rest: AsyncIterator[Sequence[Sequence[Cell]]],
) -> AsyncIterator[bytes]:
    """``csv_document`` as it is read: the BOM and headings, then one chunk per batch of
    rows (``first`` already read, then ``rest``); only one batch is held at a time."""
    yield ("\ufeff" + csv_line(headings)).encode("utf-8")
    if first:
        yield "".join(csv_line(row) for row in first).encode("utf-8")
    async for batch in rest:
        yield "".join(csv_line(row) for row in batch).encode("utf-8")


def xlsx_cell(cell: Cell) -> Cell:
    """Safe, and without the control characters an XLSX file cannot hold."""
    value = safe(cell)
    return xlsx_text(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a bold heading row that stays in view, then the rows."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]


# What a sheet's name cannot hold (Excel), and how long it may be.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
SHEET_TITLE_MAX = 31


def sheet_titles(names: Sequence[str]) -> list[str]:
    """Names a workbook accepts for its sheets: without ``\\ / ? * [ ] :``, at most 31
    characters, not starting or ending with ``'``, each once (a number added where two
    would be the same)."""
    titles: list[str] = []
    for name in names:
        base = " ".join(SHEET_TITLE_FORBIDDEN.sub(" ", xlsx_text(name)).split()).strip("'")
        base = base or "-"
        title, number = base[:SHEET_TITLE_MAX], 1
        while title.casefold() in {t.casefold() for t in titles}:
            number += 1
            suffix = f" ({number})"
            title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        titles.append(title)
    return titles


def xlsx_text(value: str) -> str:
    """Without the control characters an XLSX file cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_workbook(sheets: Sequence[Sheet]) -> bytes:
    """One sheet each, named as given (``sheet_titles`` makes names a workbook accepts)."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet in sheets or [Sheet("-", [], [])]:
        page = workbook.create_sheet(sheet.title)
        page.append([xlsx_cell(heading) for heading in sheet.headings])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append([xlsx_cell(cell) for cell in row])
        page.freeze_panes = "A2"
        page.auto_filter.ref = page.dimensions
    document = io.BytesIO()
    workbook.save(document)
    return document.getvalue()


def xlsx_document(
    sheet_title: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> bytes:
    return xlsx_workbook([Sheet(sheet_title, headings, rows)])


def streamed_attachment(
    chunks: AsyncIterator[bytes], media_type: str, filename: str
) -> StreamingResponse:
    """An attachment sent as it is written; should the source fail halfway, the download
    breaks off (it cannot turn into an error page any more)."""
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)
