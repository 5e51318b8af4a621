"""The monthly table as files: CSV (UTF-8 with a byte-order mark, so spreadsheet programs
on Chinese Windows read it) and XLSX (xlsxwriter)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import xlsxwriter

from indicators.report import COLUMNS, MonthlyTable, TableRow

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _label(row: TableRow, total_label: str) -> str:
    return f"{row.month:%Y-%m}" if row.month is not None else total_label


def _cell(value: int | Decimal) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def table_csv(table: MonthlyTable, *, month_label: str, total_label: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([month_label, *(c.label for c in COLUMNS)])
    for row in [*table.rows, table.total]:
        writer.writerow([_label(row, total_label), *(_cell(row[c.key]) for c in COLUMNS)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: MonthlyTable, *, title: str, month_label: str, total_label: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [month_label, *(c.label for c in COLUMNS)], header)
    sheet.set_row(0, 48)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, len(COLUMNS), 12)
    for index, row in enumerate([*table.rows, table.total], start=1):
        sheet.write_string(index, 0, _label(row, total_label), bold if row.month is None else None)
        for column_index, column in enumerate(COLUMNS, start=1):
            value = row[column.key]
            if column.money:
                sheet.write_number(index, column_index, float(value), money)
            else:
                sheet.write_number(index, column_index, int(value))
    sheet.freeze_panes(1, 1)
    book.close()
    return out.getvalue()
