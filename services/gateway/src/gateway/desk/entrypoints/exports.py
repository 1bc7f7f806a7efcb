"""The participant list as CSV (UTF-8 with BOM, ``;`` – what German spreadsheet programs
open directly) and as XLSX; no text cell starts with something a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from fastapi.responses import Response
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
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe(heading) for heading in headings])
    writer.writerows([["" if cell is None else safe(cell) for cell in row] for row in rows])
    return text.getvalue().encode("utf-8-sig")


def xlsx_cell(cell: Cell) -> Cell:
    """Safe, and without the control characters an XLSX file cannot hold."""
    value = safe(cell)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_document(
    sheet_title: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    sheet.append([xlsx_cell(heading) for heading in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    document = io.BytesIO()
    workbook.save(document)
    return document.getvalue()


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)
