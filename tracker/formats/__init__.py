"""Outside formats, one module each (ACLED now; UCDP GED and GDELT later).

`CSV_LAYOUTS` names the column sets a CSV export can be written in: "native" (the
documented `tracker.exporting.CSV_COLUMNS`) and "acled" (ACLED's 31 columns, then any
other column the events' ACLED source records came with)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from tracker.exporting import CSV_COLUMNS, csv_row
from tracker.formats.acled.verbatim import acled_export_columns, acled_export_row
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.models import EventRecord
from tracker.query.filters import EventFilter


@dataclass(frozen=True)
class CsvLayout:
    """A CSV column set: its name, its columns and the function that makes a row."""

    name: str
    columns: tuple[str, ...]
    row: Callable[[EventRecord], dict[str, object]]
    # The columns for a filter's events, when they depend on them.
    columns_for: Callable[[Session, EventFilter], tuple[str, ...]] | None = None

    def columns_of(
        self, session: Session, event_filter: EventFilter
    ) -> tuple[str, ...]:
        """The columns an export of the filter's events is written in."""
        if self.columns_for is None:
            return self.columns
        return self.columns_for(session, event_filter)


CSV_LAYOUTS: dict[str, CsvLayout] = {
    layout.name: layout
    for layout in (
        CsvLayout("native", CSV_COLUMNS, csv_row),
        CsvLayout("acled", ACLED_COLUMNS, acled_export_row, acled_export_columns),
    )
}
