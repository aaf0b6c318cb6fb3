"""Saved views in the account menu: the account's own views and the team's shared
ones, each a permalink (`/views/<id>`), and a small form that saves the page as it
is now (its path and query string: the filter and the page's settings)."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.server.views_route import view_path
from dashboard.services import reads, writes
from dashboard.services.reads import ViewLink
from tracker.errors import InvalidInput, NotFound, PermissionDenied
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
                *([_delete_button(view)] if view.deletable else []),
            ]
        )
        for view in views
    ]


def _delete_button(view: ViewLink) -> dcc.ConfirmDialogProvider:
    """Delete, after the browser's confirmation (a shared view is the team's too)."""
    team = " It is shared: the team loses it too." if view.shared else ""
    return dcc.ConfirmDialogProvider(
        html.Button(
            "Delete",
            className="button link-light view-delete",
            title=f"Delete the view \u201c{view.name}\u201d",
        ),
        id={"type": ids.ACCOUNT_VIEW_DELETE, "view": view.id},
        message=f"Delete the view \u201c{view.name}\u201d?{team}",
    )


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


@callback(
    Output(ids.ACCOUNT_VIEW_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ACCOUNT_VIEWS, "children", allow_duplicate=True),
    Input({"type": ids.ACCOUNT_VIEW_DELETE, "view": ALL}, "submit_n_clicks"),
    prevent_initial_call=True,
)
def on_delete_view(confirmed: list[int | None]):
    """Delete the view whose deletion was confirmed, then list the views again."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise PreventUpdate  # a button just drawn, not confirmed
    try:
        writes.delete_view(int(trigger["view"]))
    except (NotFound, PermissionDenied) as error:
        return str(error), view_items(reads.saved_views())
    return "View deleted.", view_items(reads.saved_views())
