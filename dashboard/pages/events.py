"""Events page (`/events`): the filtered events as a table, one page at a time.

Everything the table shows is in the URL: the filter, the sort, the page with the
keyset cursor it starts from, and the extra columns (`dashboard.components.
table_state`). The layout reads that page; sorting a column, choosing columns or
following a page link changes the URL, so reload and Back show the same table.
Editors tick rows and tag them, set their status or retract them in one step
(`tracker.store.bulk_edit`, authorised again on the server)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from typing_extensions import TypedDict  # pydantic reads it on Python 3.11

from dashboard import ids
from dashboard.components import events_table
from dashboard.components.export_link import (
    export_href,
    export_link,
    other_export_links,
)
from dashboard.components.filter_panel import ignored_notice
from dashboard.components.table_state import (
    PAGE_SIZE,
    SORT_KEYS,
    PageSpan,
    TableState,
    cursor_text,
    cursor_token,
    last_page,
    page_span,
    read_table_state,
    table_search,
)
from dashboard.server.request_guard import BadCallbackInput
from dashboard.services import access, reads, writes
from tracker.errors import TrackerError
from tracker.query.events import EventRow
from tracker.query.filters import EventFilter, parse_filter
from tracker.store.accounts import Action
from tracker.store.bulk_edit import BulkEdit, BulkKind

EMPTY = "No events match these filters. Widen the dates or remove a filter."


def layout(**query: Any) -> html.Div:
    """The count, the export links, the pager and one page of the table, as the
    URL's filter and table settings ask."""
    event_filter, ignored = parse_filter(query)
    state = read_table_state(query)
    total = reads.count_matching_events(event_filter)
    span = page_span(state.page, total)
    page_rows, rows = read_page(event_filter, state, span)
    state = state.at_page(span.page, after=state.after, before=state.before)
    editor = access.may(Action.EDIT)
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
            html.P(EMPTY, className="empty", hidden=total > 0),
            dcc.Store(id=ids.EVENTS_FILTER, data=event_filter.to_query_string()),
            dcc.Store(id=ids.EVENTS_STATE, data=table_search(event_filter, state)),
            dcc.Location(id=ids.EVENTS_LOCATION, refresh="callback-nav"),
            html.Div(
                [
                    events_table.pager(
                        span, page_links(event_filter, state, span, rows)
                    ),
                    events_table.column_chooser(state),
                ],
                className="table-bar",
            ),
            events_table.bulk_controls() if editor and total else None,
            events_table.grid(state, page_rows, selectable=editor),
            html.P(
                "Open ↗ opens an event in a new tab; a click on a row opens it here.",
                className="note",
            ),
        ],
        className="events-page",
    )


def read_page(
    event_filter: EventFilter, state: TableState, span: PageSpan
) -> tuple[list[dict[str, Any]], list[EventRow]]:
    """The grid rows of the page `span`, and the listing rows they came from."""
    if span.total == 0:
        return [], []
    page = reads.event_table_page(
        event_filter,
        sort=state.sort,
        descending=state.descending,
        start=span.first - 1,
        size=PAGE_SIZE,
        total=span.total,
        after=cursor_token(state.after),
        before=cursor_token(state.before),
        with_records=bool(state.columns),
    )
    grid_rows = [events_table.grid_row(r, page.records.get(r.id)) for r in page.rows]
    return grid_rows, page.rows


def page_links(
    event_filter: EventFilter, state: TableState, span: PageSpan, rows: list[EventRow]
) -> dict[str, str | None]:
    """The href of the first, previous, next and last page (None: no such page).

    Next and previous carry the cursor of this page's last or first row, so the
    page they open is read on from it rather than counted from the top."""
    pages = last_page(span.total)

    def href(target: TableState) -> str:
        return "/events" + table_search(event_filter, target)

    def cursor(row: EventRow) -> str:
        return cursor_text(row.cursor(state.sort))

    links: dict[str, str | None] = dict.fromkeys(("first", "previous", "next", "last"))
    if span.page > 1:
        links["first"] = href(state.at_page(1))
        back = span.page - 1
        before = cursor(rows[0]) if rows and back > 1 else None
        links["previous"] = href(state.at_page(back, before=before))
    if span.page < pages:
        after = cursor(rows[-1]) if rows else None
        links["next"] = href(state.at_page(span.page + 1, after=after))
        links["last"] = href(state.at_page(pages))
    return links


def read_search(search: str | None) -> tuple[EventFilter, TableState]:
    """The filter and table settings of a query string the page stored."""
    values = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    event_filter, _ = parse_filter(values)
    return event_filter, read_table_state(values)


class ColumnSort(TypedDict, total=False):
    """One column of the grid's column state (the part read)."""

    colId: str
    sort: str | None


@callback(
    Output(ids.EVENTS_LOCATION, "search", allow_duplicate=True),
    Input(ids.EVENTS_GRID, "columnState"),
    State(ids.EVENTS_STATE, "data"),
    prevent_initial_call=True,
)
def on_sort(column_state: list[ColumnSort] | None, search: str | None) -> str:
    """Put a new sort in the URL (which reads its first page)."""
    event_filter, state = read_search(search)
    sorted_by = [c for c in column_state or [] if c.get("sort") in ("asc", "desc")]
    if not sorted_by or sorted_by[0].get("colId") not in SORT_KEYS:
        raise PreventUpdate
    sort, descending = str(sorted_by[0]["colId"]), sorted_by[0]["sort"] == "desc"
    if (sort, descending) == (state.sort, state.descending):
        raise PreventUpdate
    return table_search(event_filter, state.sorted_by(sort, descending))


@callback(
    Output(ids.EVENTS_LOCATION, "search", allow_duplicate=True),
    Input(ids.EVENTS_COLUMNS, "value"),
    State(ids.EVENTS_STATE, "data"),
    prevent_initial_call=True,
)
def on_columns(chosen: list[str] | None, search: str | None) -> str:
    """Put the chosen extra columns in the URL; the page and its cursor stay."""
    event_filter, state = read_search(search)
    wanted = state.with_columns(chosen or [])
    if wanted == state:
        raise PreventUpdate
    return table_search(event_filter, wanted)


class CellClick(TypedDict, total=False):
    """The grid's cellClicked (the part read)."""

    rowId: str | None
    colId: str | None


@callback(
    Output(ids.EVENTS_LOCATION, "pathname"),
    Output(ids.EVENTS_LOCATION, "search", allow_duplicate=True),
    Input(ids.EVENTS_GRID, "cellClicked"),
    State(ids.EVENTS_FILTER, "data"),
    prevent_initial_call=True,
)
def on_row_click(cell: CellClick | None, query: str | None) -> tuple[str, str]:
    """Open the page of the event whose row was clicked (not its link or tick box,
    which do their own thing), keeping the filter but not the table's settings."""
    row_id = str((cell or {}).get("rowId") or "")
    if not row_id.isdigit() or (cell or {}).get("colId") in events_table.NOT_OPENING:
        raise PreventUpdate
    return f"/events/{row_id}", f"?{query}" if query else ""


class SelectedRow(TypedDict, total=False):
    """A ticked row (the part read): the event and the version the table showed."""

    id: int
    version: int | None


@callback(
    Output({"type": ids.EVENTS_SELECTED, "table": ALL}, "children"),
    Input(ids.EVENTS_GRID, "selectedRows"),
)
def update_selected(selected: list[SelectedRow] | None) -> list[str]:
    """How many rows are ticked (where the bulk actions are shown)."""
    return [f"{len(selected or [])} selected"] * len(ctx.outputs_list)


DONE = {
    BulkKind.ADD_TAG: "tagged {value!r}",
    BulkKind.SET_STATUS: "set to {value}",
    BulkKind.RETRACT: "retracted",
}


class BulkValue(TypedDict, total=False):
    """The id of a bulk action's value field (the part read)."""

    field: str


@callback(
    Output({"type": ids.EVENTS_BULK_MESSAGE, "table": ALL}, "children"),
    Output(ids.EVENTS_GRID, "rowData"),
    Output(ids.EVENTS_GRID, "selectedRows"),
    Input({"type": ids.EVENTS_BULK_ACTION, "kind": ALL}, "n_clicks"),
    State(ids.EVENTS_GRID, "selectedRows"),
    State({"type": ids.EVENTS_BULK_VALUE, "field": ALL}, "value"),
    State({"type": ids.EVENTS_BULK_VALUE, "field": ALL}, "id"),
    State(ids.EVENTS_STATE, "data"),
    prevent_initial_call=True,
)
def on_bulk_action(
    clicks: list[int | None],
    selected: list[SelectedRow] | None,
    values: list[str | None],
    fields: list[BulkValue],
    search: str | None,
) -> tuple[list[str], Any, Any]:
    """Apply the clicked action to the ticked rows, then show the page anew."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        raise PreventUpdate
    try:
        kind = BulkKind(trigger.get("kind"))
    except ValueError:
        raise BadCallbackInput("unknown bulk action") from None
    given = {f.get("field"): v for f, v in zip(fields, values, strict=False)}
    value = {
        BulkKind.ADD_TAG: given.get("tag"),
        BulkKind.SET_STATUS: given.get("status"),
    }
    versions: dict[int, int] = {}
    for row in selected or []:
        event_id, version = row.get("id"), row.get("version")
        if not isinstance(event_id, int) or not isinstance(version, int):
            raise BadCallbackInput("each selected row needs its id and version")
        versions[event_id] = version
    try:
        written = writes.bulk_edit_events(versions, BulkEdit(kind, value.get(kind)))
    except TrackerError as error:  # refused: nothing was changed
        return _said(str(error)), no_update, no_update
    event_filter, state = read_search(search)
    span = page_span(state.page, reads.count_matching_events(event_filter))
    rows, _ = read_page(event_filter, state, span)
    plural = "s" if len(written) != 1 else ""
    done = DONE[kind].format(value=(value.get(kind) or "").strip())
    return _said(f"{len(written)} event{plural} {done}."), rows, []


def _said(message: str) -> list[str]:
    """`message` in each message box the request names (one on an editor's page)."""
    return [message] * len(ctx.outputs_list[0])
