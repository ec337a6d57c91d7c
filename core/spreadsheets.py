"""Tables people open in a spreadsheet: CSV that Finnish Excel splits into columns (the .xlsx workbook of
the same table is written by `bot.workbooks`, which holds the openpyxl part).

Excel with Finnish regional settings expects `;` between fields (its list separator, since `,` is the
decimal comma) and reads a file as UTF-8 only when it starts with a byte order mark; otherwise every row
lands in column A and ä/ö come out garbled. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return is read as a formula by Excel, LibreOffice or Google Sheets (CSV injection, OWASP), so free text
gets a leading apostrophe in the CSV; the workbook stores every text as a string, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from core.timezone import HELSINKI

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | datetime


def safe(text: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would take it for a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def local_time(value: datetime) -> datetime:
    return value.astimezone(HELSINKI) if value.tzinfo else value


def csv_for_excel(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM, `;` between fields, CRLF line ends; times as `2026-12-01 14:05` in Helsinki time,
    which Excel in any language reads as a date and time."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe(h) for h in header])
    for row in rows:
        writer.writerow(
            [f"{local_time(c):%Y-%m-%d %H:%M}" if isinstance(c, datetime) else safe(c) for c in row]
        )
    return out.getvalue().encode("utf-8")
