"""Excel workbooks (.xlsx) of a CSV export's columns and rows, through XlsxWriter.

Rows are written one by one in XlsxWriter's constant-memory mode, so a big export
does not sit in memory. Text is never read as a formula or a link: a title that
begins with "=" stays the words it is (the same care a CSV opened in Excel needs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

import xlsxwriter

from tracker.formats.native.cells import unescape_cell

# A sheet holds 1,048,576 rows; the header takes one.
MAX_XLSX_ROWS = 1_048_575
# Excel shows at most this many characters in a cell; longer text is cut there.
MAX_CELL_CHARACTERS = 32_767


def write_xlsx(
    columns: Sequence[str], rows: Iterable[Sequence[object]], target: BinaryIO | str
) -> int:
    """Write a one-sheet workbook of `columns` and `rows` to `target` (a path or a
    binary file); return the number of rows. More than MAX_XLSX_ROWS raise
    ValueError: the caller counts first and refuses with a reason."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("events")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, list(columns), bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, cells in enumerate(rows, start=1):
        if count > MAX_XLSX_ROWS:
            workbook.close()
            raise ValueError(
                f"more than {MAX_XLSX_ROWS:,} rows: Excel cannot hold them"
            )
        sheet.write_row(count, 0, [_cell(value) for value in cells])
    workbook.close()
    return count


def _cell(value: object) -> object:
    """A CSV export's cell as a workbook holds it: the apostrophe the CSV put before
    text a spreadsheet would run is taken off again (a workbook stores text as
    text), and text longer than a cell shows is cut."""
    if not isinstance(value, str):
        return value
    value = unescape_cell(value)
    if len(value) > MAX_CELL_CHARACTERS:
        return value[: MAX_CELL_CHARACTERS - 1] + "…"
    return value
