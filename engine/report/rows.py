"""One row renderer for every command that prints rows: a terminal table, JSON objects, or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

ROW_FORMATS = ("table", "json", "csv")


def write_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], output_format: str, out: TextIO, *,
               headers: Sequence[str] | None = None, wide: bool = False, colour: bool = False) -> None:
    """Rows as a table (control characters escaped, cut at 80 characters unless `wide`), a JSON list of
    objects keyed by `columns`, or CSV whose text cells are all quoted so readers keep ids such as
    account ids as strings."""
    if output_format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        out.write(json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n")
    elif output_format == "csv":
        write_csv(columns, rows, out)
    else:
        from sounding.engine.report.text import table

        out.write(table(headers or columns, [[cell(v) for v in row] for row in rows],
                        max_width=None if wide else 80, colour=colour))


def cell(value: Any) -> str:
    """A value as one table cell: NULL shown as empty, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO, *,
              spreadsheet_safe: bool = False) -> None:
    """RFC 4180 CSV: the header quoted only where needed; in rows, numbers bare, NULL empty, and every text
    value quoted, so type-inferring readers keep text such as account ids (and their leading zeros) as text.
    Reports meant for spreadsheets pass `spreadsheet_safe`: a text cell that a spreadsheet would run as a
    formula (AWS names may start with = + - @) gets a leading apostrophe, so it is shown, never run."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(columns)
    out.write(header.getvalue())
    for row in rows:
        out.write(",".join(csv_cell(v, spreadsheet_safe=spreadsheet_safe) for v in row) + "\n")


def csv_cell(value: Any, *, spreadsheet_safe: bool = False) -> str:
    """One CSV field: a number bare, NULL empty, a boolean true/false, anything else quoted text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = cell(value)
    if spreadsheet_safe and text.startswith(FORMULA_STARTS):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'
