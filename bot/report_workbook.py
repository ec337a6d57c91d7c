"""The activity report as an .xlsx workbook (openpyxl): a front sheet with the period and the definitions,
then a sheet per section of `core.report_tables` with its counts as numbers and its charts as native Excel
bar charts beside the table. Text is stored as text, never as a formula (a theme typed as "=..." stays
what it is)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.workbooks import sheet_title
from core.i18n import Translator
from core.report import ActivityReport
from core.report_tables import Section, Value, front, period_label, sections

COLUMN_WIDTH_MAX = 50
CHART_ROWS = 16  # the rows one chart takes on the sheet


def workbook(t: Translator, report: ActivityReport) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = sheet_title(t("report.sheet.front"))
    cover["A1"] = t("report.workbook.title", period=period_label(t, report.period))
    cover["A1"].font = Font(bold=True, size=14)
    for number, (label, text) in enumerate(front(t, report), start=3):
        _text(cover, number, 1, label).font = Font(bold=True)
        _text(cover, number, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 100
    for section in sections(t, report):
        _sheet(book.create_sheet(sheet_title(section.title)), section)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    cell = sheet.cell(row=row, column=column)
    cell.value, cell.data_type = value, "s"
    return cell  # type: ignore[return-value]


def _sheet(sheet: Worksheet, section: Section) -> None:
    widths = [len(h) for h in section.header]
    for column, text in enumerate(section.header, start=1):
        _text(sheet, 1, column, text).font = Font(bold=True)
    for number, row in enumerate(section.rows, start=2):
        for column, value in enumerate(row, start=1):
            _cell(sheet, number, column, value)
            widths[column - 1] = max(widths[column - 1], len(str(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, COLUMN_WIDTH_MAX)
    sheet.freeze_panes = "A2"
    anchor_column = get_column_letter(len(section.header) + 2)
    for index, spec in enumerate(section.charts):
        if spec.rows == 0:
            continue
        chart = BarChart()
        chart.type = "bar"  # horizontal: long network and organisation names stay readable
        chart.title = spec.title
        chart.height = 7.5
        chart.width = 16
        for column in spec.values:
            data = Reference(sheet, min_col=column + 1, min_row=1, max_row=spec.rows + 1)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=spec.rows + 1))
        sheet.add_chart(chart, f"{anchor_column}{1 + index * CHART_ROWS}")


def _cell(sheet: Worksheet, row: int, column: int, value: Value) -> None:
    if isinstance(value, int):
        sheet.cell(row=row, column=column, value=value)
    else:
        _text(sheet, row, column, value)
