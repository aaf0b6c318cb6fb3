"""Saved views in the account menu: the account's own views and the team's shared
ones, each a permalink (`/views/<id>`), and a small form that saves the page as it
is now (its path and query string: the filter and the page's settings)."""

from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.server.views_route import view_path
from dashboard.services import reads, writes
from dashboard.services.reads import ViewLink
from tracker.errors import InvalidInput, PermissionDenied
from tracker.models import VIEW_NAME_LENGTH

SHARED = "shared"


def views_menu() -> html.Details:
    """The folded "Views" menu of a logged-in account."""
    return html.Details(
        [
            html.Summary("Views", className="button link-light"),
            html.Div(views_parts(reads.saved_views()), className="views-panel"),
        ],
        className="views-menu",
    )


def views_parts(views: list[ViewLink]) -> list:
    """The list of views and the save form (Dash's check of the callbacks' ids is
    built from these too: see `dashboard.app`)."""
    return [html.Ul(view_items(views), id=ids.ACCOUNT_VIEWS), save_form()]


def view_items(views: list[ViewLink]) -> list[html.Li]:
    """One link per view, saying whose it is and whether it is shared."""
    if not views:
        return [html.Li("No saved views yet.", className="note")]
    return [
        html.Li(
            [
                html.A(view.name, href=view_path(view.id), title=view.note or None),
                html.Span(_whose(view), className="view-owner"),
            ]
        )
        for view in views
    ]


def _whose(view: ViewLink) -> str:
    if view.shared:
        return f" shared by {view.owner}"
    return " private"


def save_form() -> html.Div:
    """Name, note, shared: saves the current page with its query string."""
    return html.Div(
        [
            html.Label("Save this page as a view", htmlFor=ids.ACCOUNT_VIEW_NAME),
            dcc.Input(
                id=ids.ACCOUNT_VIEW_NAME,
                type="text",
                placeholder="Name",
                maxLength=VIEW_NAME_LENGTH,
            ),
            dcc.Textarea(
                id=ids.ACCOUNT_VIEW_NOTE, placeholder="Note (optional)", rows=2
            ),
            dcc.Checklist(
                id=ids.ACCOUNT_VIEW_SHARED,
                options=[{"label": " Share with the team", "value": SHARED}],
                value=[],
            ),
            html.Button("Save view", id=ids.ACCOUNT_VIEW_SAVE, className="button"),
            html.P(id=ids.ACCOUNT_VIEW_MESSAGE, className="note", role="status"),
        ],
        className="view-save",
    )


@callback(
    Output(ids.ACCOUNT_VIEW_MESSAGE, "children"),
    Output(ids.ACCOUNT_VIEWS, "children"),
    Output(ids.ACCOUNT_VIEW_NAME, "value"),
    Output(ids.ACCOUNT_VIEW_NOTE, "value"),
    Input(ids.ACCOUNT_VIEW_SAVE, "n_clicks"),
    State(ids.ACCOUNT_VIEW_NAME, "value"),
    State(ids.ACCOUNT_VIEW_NOTE, "value"),
    State(ids.ACCOUNT_VIEW_SHARED, "value"),
    State(ids.URL, "pathname"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def on_save_view(
    clicks: int | None,
    name: str | None,
    note: str | None,
    shared: list[str] | None,
    pathname: str | None,
    search: str | None,
):
    """Save the page as it is now, then list the views again (the form emptied
    once saved)."""
    if not clicks:
        raise PreventUpdate
    values = {
        "name": name,
        "note": note,
        "shared": SHARED in (shared or []),
        "page": pathname or "/",
        "query": search or "",
    }
    try:
        writes.save_view(values)
    except PermissionDenied as error:
        return str(error), no_update, no_update, no_update
    except InvalidInput as error:
        problems = "; ".join(map(str, error.problems))
        return f"Not saved: {problems}", no_update, no_update, no_update
    saved = f"Saved \u201c{values['name'].strip()}\u201d."
    return saved, view_items(reads.saved_views()), "", ""
