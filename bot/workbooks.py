"""The .xlsx workbook of a table (openpyxl): what `core.spreadsheets` gives as CSV, for people who would
rather open a workbook than import a CSV."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import Cell, local_time

SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names
COLUMN_WIDTH_MAX = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_title(text: str) -> str:
    """`text` as an Excel sheet name: without the characters Excel refuses, at most 31 characters."""
    return "".join(c for c in text if c not in "[]:*?/\\")[:SHEET_TITLE_MAX] or "1"


def workbook(title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """One sheet: a bold, frozen header row with a filter, text cells as strings (never formulas), times
    as real date cells in Helsinki time, columns as wide as their content allows."""
    book = Workbook()
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError("a new workbook has no worksheet")
    sheet.title = sheet_title(title)
    widths = [len(h) for h in header]
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.value, cell.data_type, cell.font = text, "s", Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, datetime):
                cell.value = local_time(value).replace(tzinfo=None)
                cell.number_format = "d.m.yyyy h:mm"
                width = 16
            else:
                cell.value = value
                cell.data_type = "s"  # "=HYPERLINK(…)" typed by a person stays text
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                width = max((len(line) for line in value.splitlines()), default=0)
            widths[column - 1] = max(widths[column - 1], width)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, COLUMN_WIDTH_MAX)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
