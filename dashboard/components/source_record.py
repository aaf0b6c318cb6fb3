"""The event page's "As published" section: the row an event was imported from.

An analyst checking an imported event against its dataset sees every cell the file
held, as written (`tracker.models.SourceRecord`), including what tracker has no field
for (ACLED's region, admin2, timestamp, inter codes ...), and whether the event was
edited since, in which case the export gives the edited fields from the event."""

from __future__ import annotations

from dash import html

from dashboard import ids
from tracker.models import EventRecord

DATASET_NAMES = {"acled": "ACLED", "ucdp": "UCDP GED", "gdelt": "GDELT"}


def source_record_section(record: EventRecord) -> html.Section | None:
    """The imported row as a two-column table, folded; None if there is none."""
    source = record.source_record
    if not source:
        return None
    cells = source.get("cells", {})
    dataset = DATASET_NAMES.get(source.get("format", ""), source.get("format", ""))
    rows = [
        html.Tr([html.Th(column, scope="row"), html.Td(cells.get(column, ""))])
        for column in source.get("columns", [])
        if column
    ]
    edited = source.get("event_version") != record.version
    note = (
        "Edited since it was imported: an ACLED export gives the edited fields "
        "from the event and every other cell as written here."
        if edited
        else "Not edited since it was imported: an export gives this row back as is."
    )
    return html.Section(
        [
            html.H2(f"As published by {dataset}"),
            html.P(note, className="note"),
            html.Details(
                [
                    html.Summary(f"The row as imported ({len(rows)} columns)"),
                    html.Table(html.Tbody(rows), className="source-record"),
                ]
            ),
        ],
        id=ids.EVENT_SOURCE_RECORD,
    )
