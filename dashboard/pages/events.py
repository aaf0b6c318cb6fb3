"""Events page (`/events`): the filtered events as a table read block by block.

The grid uses ag-grid's infinite row model: it asks for rows startRow..endRow with its
sort model, and `update_grid_rows` answers with one keyset-paged block. The cursor that
ends each block is kept in a store (EVENTS_CURSORS) under the startRow of the block
after it, for the current filter and sort, so scrolling on continues from a cursor
instead of an OFFSET; a changed sort starts a fresh set of cursors. One request is in
flight at a time, so blocks are read in order and their cursors are known."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate
from typing_extensions import TypedDict  # pydantic reads it on Python 3.11

from dashboard import ids
from dashboard.components.export_link import (
    export_href,
    export_link,
    other_export_links,
)
from dashboard.components.filter_panel import ignored_notice
from dashboard.services import reads
from tracker.query.events import EventRow
from tracker.query.filters import EventFilter, parse_filter
from tracker.vocab import taxonomy
from tracker.vocab.dates import describe_date

BLOCK_SIZE = 100
# Column ids of the sortable columns are tracker.query.events sort keys.
DEFAULT_SORT = "date_start"
SORTABLE = ("date_start", "event_type", "fatalities_best")
QUAD_CLASS_RULES = {
    f"quad-{n}": f"params.data && params.data.quad_class === {n}" for n in (1, 2, 3, 4)
}
FLAG_MARK = "⚑"
FLAGGED_FIGURES_FORMAT = (
    "params.value == null ? '' : params.value + "
    f"(params.data && params.data.flagged ? ' {FLAG_MARK}' : '')"
)
COLUMNS: list[dict[str, Any]] = [
    {
        "headerName": "Date",
        "field": "date",
        "colId": "date_start",
        "sortable": True,
        "sort": "asc",
        "width": 195,
    },
    {
        "headerName": "Type / mode",
        "field": "type",
        "colId": "event_type",
        "sortable": True,
        "width": 195,
        "cellClassRules": QUAD_CLASS_RULES,
    },
    {"headerName": "Title", "field": "title", "flex": 1, "minWidth": 220},
    {"headerName": "Place", "field": "place", "width": 120},
    {"headerName": "Country", "field": "country", "width": 95},
    {
        "headerName": "Killed",
        "field": "fatalities_best",
        "colId": "fatalities_best",
        "sortable": True,
        "type": "numericColumn",
        "width": 95,
        # The first click shows the deadliest events; unknown counts sort last.
        "sortingOrder": ["desc", "asc", None],
        # Figures a dataset published out of order (issue 17): marked with a flag
        # in the cell, and the flag's reason shows on hover.
        "valueFormatter": {"function": FLAGGED_FIGURES_FORMAT},
        "cellClassRules": {"figures-flagged": "params.data && params.data.flagged"},
        "tooltipField": "figures_flag",
        "headerTooltip": f"{FLAG_MARK} marks figures a dataset published out of order",
    },
    {
        "headerName": "Status",
        "field": "status",
        "width": 110,
        # Proposals are not confirmed: set apart in the table as on the timeline.
        "cellClassRules": {"status-proposed": "params.value === 'proposed'"},
    },
]


def layout(**query: Any) -> html.Div:
    """The count, the export links and the grid for the URL's filter."""
    event_filter, ignored = parse_filter(query)
    total = reads.count_matching_events(event_filter)
    plural = "s" if total != 1 else ""
    return html.Div(
        [
            html.Div(
                [
                    html.H1("Events"),
                    html.Div(
                        [
                            export_link(event_filter, ids.EVENTS_EXPORT),
                            html.A(
                                "Export ACLED CSV",
                                id=ids.EVENTS_EXPORT_ACLED,
                                href=export_href(event_filter, columns="acled"),
                                className="button export",
                                download="",
                                rel="nofollow",
                            ),
                            other_export_links(event_filter, ids.EVENTS_EXPORT_OTHER),
                        ],
                        className="actions",
                    ),
                ],
                className="page-head",
            ),
            ignored_notice(ignored),
            html.P(
                f"{total:,} event{plural} · {event_filter.describe()}",
                id=ids.EVENTS_COUNT,
                className="summary",
            ),
            html.P(
                "No events match these filters. Widen the dates or remove a filter.",
                className="empty",
                hidden=total > 0,
            ),
            dcc.Store(id=ids.EVENTS_FILTER, data=event_filter.to_query_string()),
            dcc.Store(id=ids.EVENTS_CURSORS, data={}),
            dcc.Location(id=ids.EVENTS_LOCATION, refresh="callback-nav"),
            dag.AgGrid(
                id=ids.EVENTS_GRID,
                rowModelType="infinite",
                columnDefs=COLUMNS,
                defaultColDef={"sortable": False, "resizable": True},
                getRowId="params.data.id.toString()",
                dashGridOptions={
                    "cacheBlockSize": BLOCK_SIZE,
                    "maxConcurrentDatasourceRequests": 1,
                    "infiniteInitialRowCount": 1,
                    "suppressMultiSort": True,
                },
                className="events-grid",
                style={"height": "600px", "width": "100%"},
            ),
            html.P("Click a row to open its event.", className="note"),
        ],
        className="events-page",
    )


def read_sort(sort_model: list[dict[str, Any]] | None) -> tuple[str, bool]:
    """The tracker sort key and direction from ag-grid's sort model (date if none)."""
    for entry in sort_model or []:
        if entry.get("colId") in SORTABLE and entry.get("sort") in ("asc", "desc"):
            return entry["colId"], entry["sort"] == "desc"
    return DEFAULT_SORT, False


def grid_row(row: EventRow) -> dict[str, Any]:
    """One listing row as the grid shows it."""
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
    }


class GridRowsRequest(TypedDict, total=False):
    """What the grid asks for (the part read); typed so that the request guard
    answers 400 to a row number that is not one (issue 18)."""

    startRow: int
    endRow: int
    sortModel: list[dict[str, Any]]


class EventCursors(TypedDict, total=False):
    """EVENTS_CURSORS's data ({} at first): the order the cursors hold for, and
    each block's start row -> the cursor (a token of `cursor_to_token`) that ends
    the block before it."""

    order: str
    blocks: dict[str, list[Any]]


@callback(
    Output(ids.EVENTS_GRID, "getRowsResponse"),
    Output(ids.EVENTS_CURSORS, "data"),
    Input(ids.EVENTS_GRID, "getRowsRequest"),
    State(ids.EVENTS_FILTER, "data"),
    State(ids.EVENTS_CURSORS, "data"),
)
def update_grid_rows(
    request: GridRowsRequest | None, query: str | None, cursors: EventCursors | None
) -> tuple[dict[str, Any], EventCursors]:
    """Answer the grid's request for one block, continuing from a remembered cursor."""
    if not request:
        raise PreventUpdate
    sort, descending = read_sort(request.get("sortModel"))
    start = max(0, int(request.get("startRow") or 0))
    size = min(max(1, int(request.get("endRow") or 0) - start), 1000)
    order = f"{sort} {'desc' if descending else 'asc'} ?{query or ''}"
    same_order = (cursors or {}).get("order") == order
    known = dict((cursors or {}).get("blocks", {})) if same_order else {}
    block = reads.event_block(
        EventFilter.from_query_string(query or ""),
        sort=sort,
        descending=descending,
        size=size,
        start=start,
        cursor=known.get(str(start)) if start else None,
    )
    if block.next_cursor is not None:
        known[str(start + len(block.rows))] = block.next_cursor
    # The last row is known once a block comes back short; until then the grid
    # keeps extending its scroll.
    last = start + len(block.rows) if len(block.rows) < size else None
    rows = [grid_row(row) for row in block.rows]
    return {"rowData": rows, "rowCount": last}, EventCursors(order=order, blocks=known)


@callback(
    Output(ids.EVENTS_LOCATION, "pathname"),
    Input(ids.EVENTS_GRID, "cellClicked"),
    prevent_initial_call=True,
)
def on_row_click(cell: dict[str, Any] | None) -> str:
    """Open the page of the event whose row was clicked."""
    row_id = str((cell or {}).get("rowId") or "")
    if not row_id.isdigit():
        raise PreventUpdate
    return f"/events/{row_id}"
