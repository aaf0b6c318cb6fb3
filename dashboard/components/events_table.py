"""The events table's grid: its columns, its rows, and the controls around it.

The grid holds one page of rows, read by the page from the URL (see
`dashboard.components.table_state`); sorting a column or choosing columns changes
the URL, which reads the page anew. Sorting is the server's, over every matching
event, so the grid's own sort of the rows it holds is switched off."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.components.table_state import (
    OPTIONAL_COLUMNS,
    PageSpan,
    TableState,
)
from tracker.models import EventRecord
from tracker.query.events import EventRow
from tracker.store.bulk_edit import MAX_TAG_LENGTH, SETTABLE_STATUSES, BulkKind
from tracker.vocab import taxonomy
from tracker.vocab.dates import describe_date

QUAD_CLASS_RULES = {
    f"quad-{n}": f"params.data && params.data.quad_class === {n}" for n in (1, 2, 3, 4)
}
FLAG_MARK = "⚑"
FLAGGED_FIGURES_FORMAT = (
    "params.value == null ? '' : params.value + "
    f"(params.data && params.data.flagged ? ' {FLAG_MARK}' : '')"
)
# The server sorts: the grid keeps the order it was given while showing the arrow.
KEEP_ORDER = {"function": "keepOrder"}  # see assets/dashAgGridComponentFunctions.js
# Column ids that are not a cell of the event (a click there is not "open it").
NOT_OPENING = ("link", "ag-Grid-SelectionColumn")
WRAPPED = {"wrapText": True, "autoHeight": True}


def _sortable(col_id: str, state: TableState) -> dict[str, Any]:
    sort = ("desc" if state.descending else "asc") if state.sort == col_id else None
    return {"colId": col_id, "sortable": True, "sort": sort, "comparator": KEEP_ORDER}


def columns(state: TableState) -> list[dict[str, Any]]:
    """The grid's columns: the fixed ones, then the extra ones the URL asks for."""
    fixed: list[dict[str, Any]] = [
        {
            "headerName": "",
            "field": "id",
            "colId": "link",
            "cellRenderer": "EventLink",
            "width": 70,
            "headerTooltip": "Open the event in a new tab",
        },
        {
            "headerName": "Date",
            "field": "date",
            "width": 170,
            **_sortable("date_start", state),
            **WRAPPED,
        },
        {
            "headerName": "Type / mode",
            "field": "type",
            "width": 170,
            "cellClassRules": QUAD_CLASS_RULES,
            **_sortable("event_type", state),
            **WRAPPED,
        },
        {
            "headerName": "Title",
            "field": "title",
            "flex": 2,
            "minWidth": 220,
            **WRAPPED,
        },
        {"headerName": "Place", "field": "place", "width": 120, **WRAPPED},
        {"headerName": "Country", "field": "country", "width": 95},
        {
            "headerName": "Killed",
            "field": "fatalities_best",
            "type": "numericColumn",
            "width": 100,
            **_sortable("fatalities_best", state),
            # The first click shows the deadliest events; unknown counts sort last.
            "sortingOrder": ["desc", "asc"],
            # Figures a dataset published out of order (issue 17): marked with a flag
            # in the cell, and the flag's reason shows on hover.
            "valueFormatter": {"function": FLAGGED_FIGURES_FORMAT},
            "cellClassRules": {"figures-flagged": "params.data && params.data.flagged"},
            "tooltipField": "figures_flag",
            "headerTooltip": f"{FLAG_MARK} marks figures published out of order",
        },
        {
            "headerName": "Status",
            "field": "status",
            "width": 110,
            # Proposals are not confirmed: set apart in the table as on the timeline.
            "cellClassRules": {"status-proposed": "params.value === 'proposed'"},
        },
    ]
    extra = [
        {
            "headerName": OPTIONAL_COLUMNS[name],
            "field": name,
            "minWidth": 140,
            "flex": 2 if name == "notes" else 1,
            **WRAPPED,
        }
        for name in state.columns
    ]
    return fixed + extra


def _actors(record: EventRecord | None, roles: tuple[str, ...]) -> str:
    if record is None:
        return ""
    return "; ".join(a["name"] for a in record.actors if a.get("role") in roles)


def _source(record: EventRecord | None) -> str:
    if record is None or not record.sources:
        return ""
    first = record.sources[0]
    named = first.get("publisher") or first.get("title") or first.get("url") or ""
    more = len(record.sources) - 1
    return named + (f" (+{more})" if more else "")


def grid_row(row: EventRow, record: EventRecord | None = None) -> dict[str, Any]:
    """One listing row as the grid shows it, with the extra columns when the whole
    record is given."""
    location = (record.location if record else None) or {}
    return {
        "id": row.id,
        "date": describe_date(row.date_start, row.date_end, row.date_precision),
        "type": row.event_type + (f" / {row.mode}" if row.mode else ""),
        "quad_class": taxonomy.quad_class(row.event_type),
        "title": row.title,
        "place": row.place,
        "country": row.country,
        "fatalities_best": row.fatalities_best,
        "flagged": row.figures_flag is not None,
        "figures_flag": row.figures_flag,
        "status": row.status,
        "version": row.version,
        "initiators": _actors(record, ("initiator",)),
        "targets": _actors(record, ("target",)),
        "other_actors": _actors(record, ("participant", "mediator", "host")),
        "acled_event_type": record.acled_event_type if record else None,
        "acled_sub_event_type": record.acled_sub_event_type if record else None,
        "admin1": location.get("admin1"),
        "admin2": location.get("admin2"),
        "dataset": record.dataset if record else None,
        "notes": record.notes if record else None,
        "source": _source(record),
    }


def grid(
    state: TableState, rows: list[dict[str, Any]], *, selectable: bool
) -> dag.AgGrid:
    """The grid of one page; rows can be ticked only by those who may edit them."""
    options: dict[str, Any] = {
        "suppressMultiSort": True,
        "tooltipShowDelay": 300,
        "enableCellTextSelection": True,
    }
    if selectable:
        options["rowSelection"] = {
            "mode": "multiRow",
            "checkboxes": True,
            "headerCheckbox": True,
            "enableClickSelection": False,
        }
    return dag.AgGrid(
        id=ids.EVENTS_GRID,
        rowData=rows,
        columnDefs=columns(state),
        defaultColDef={
            "sortable": False,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        getRowId="params.data.id.toString()",
        dashGridOptions=options,
        className="events-grid",
        # The grid fills the window below the page's head; it scrolls inside.
        style={"height": "calc(100vh - 15rem)", "minHeight": "24rem", "width": "100%"},
    )


def column_chooser(state: TableState) -> html.Label:
    """The extra columns, chosen as the URL has them."""
    return html.Label(
        [
            html.Span("Columns", className="label"),
            dcc.Dropdown(
                id=ids.EVENTS_COLUMNS,
                options=[
                    {"label": label, "value": name}
                    for name, label in OPTIONAL_COLUMNS.items()
                ],
                value=list(state.columns),
                multi=True,
                placeholder="Add columns: actors, ACLED types, admin1…",
                className="column-chooser",
            ),
        ],
        className="events-columns",
    )


def pager(span: PageSpan, links: dict[str, str | None]) -> html.Nav:
    """ "rows 1–50 of 12,345" and links to the first, previous, next and last page
    (a link is greyed out where there is no such page)."""
    labels = {
        "first": "« First",
        "previous": "‹ Previous",
        "next": "Next ›",
        "last": "Last »",
    }
    items: list[Any] = [
        html.Span(span.describe(), id=ids.EVENTS_ROWS, className="rows"),
    ]
    for name, label in labels.items():
        href = links.get(name)
        items.append(
            dcc.Link(
                label, href=href, className="page-link", id=ids.EVENTS_PAGE_LINKS[name]
            )
            if href
            else html.Span(
                label, className="page-link disabled", id=ids.EVENTS_PAGE_LINKS[name]
            )
        )
    return html.Nav(items, className="pager", **{"aria-label": "Pages"})


def bulk_controls() -> html.Div:
    """Tag, set the status of, or retract the ticked rows (for editors only)."""

    def button(label: str, kind: BulkKind, danger: bool = False) -> html.Button:
        return html.Button(
            label,
            id={"type": ids.EVENTS_BULK_ACTION, "kind": kind.value},
            className="button danger" if danger else "button",
        )

    return html.Div(
        [
            html.Span(
                "0 selected",
                id={"type": ids.EVENTS_SELECTED, "table": "events"},
                className="selected",
            ),
            html.Label(
                [
                    "Tag ",
                    dcc.Input(
                        id={"type": ids.EVENTS_BULK_VALUE, "field": "tag"},
                        maxLength=MAX_TAG_LENGTH,
                        className="bulk-tag",
                    ),
                ]
            ),
            button("Add tag", BulkKind.ADD_TAG),
            dcc.Dropdown(
                id={"type": ids.EVENTS_BULK_VALUE, "field": "status"},
                options=list(SETTABLE_STATUSES),
                placeholder="status",
                clearable=False,
                searchable=False,
                className="bulk-status",
            ),
            button("Set status", BulkKind.SET_STATUS),
            button("Retract", BulkKind.RETRACT, danger=True),
            html.Div(
                id={"type": ids.EVENTS_BULK_MESSAGE, "table": "events"},
                role="status",
                className="message",
            ),
        ],
        className="bulk-actions",
    )
