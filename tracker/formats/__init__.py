"""Outside formats, one module each (ACLED now; UCDP GED and GDELT later).

`CSV_LAYOUTS` names the column sets a CSV export can be written in: "native" (the
documented `tracker.exporting.CSV_COLUMNS`) and "acled" (ACLED's 31 columns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tracker.exporting import CSV_COLUMNS, csv_row
from tracker.formats.acled import ACLED_COLUMNS, acled_row
from tracker.models import EventRecord


@dataclass(frozen=True)
class CsvLayout:
    """A CSV column set: its name, its columns and the function that makes a row."""

    name: str
    columns: tuple[str, ...]
    row: Callable[[EventRecord], dict[str, object]]


CSV_LAYOUTS: dict[str, CsvLayout] = {
    layout.name: layout
    for layout in (
        CsvLayout("native", CSV_COLUMNS, csv_row),
        CsvLayout("acled", ACLED_COLUMNS, acled_row),
    )
}
