"""The top bar: product name, pages, the count of matching events, Add event and the
account menu (who is logged in, with which role, their saved views, and Log out)."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, html

from dashboard import ids
from dashboard.components.views_menu import views_menu
from dashboard.server import auth
from dashboard.server.request_guard import BadCallbackInput
from dashboard.services import access, reads
from tracker.query.filters import EventFilter
from tracker.store.accounts import Action

# Each page of the navigation, and the write it is for (None: a page to read).
NAV_LINKS: list[tuple[str, str, Action | None]] = [
    ("Timeline", "/", None),
    ("Map", "/map", None),
    ("Events", "/events", None),
    ("Summary", "/summary", None),
    ("Duplicates", "/duplicates", Action.MERGE),
    ("Review", "/review", Action.REVIEW),
    ("Import", "/import", Action.IMPORT),
]


def top_bar(search: str | None = None) -> html.Header:
    """The bar across every page. With the opened page's `search` (its URL's query),
    the count and the links keeping its filter are set already; without it, the URL
    reports the address as the page opens and `update_nav` sets them."""
    offered = [
        (label, path)
        for label, path, action in NAV_LINKS
        # A viewer reads: pages for writing are not offered.
        if action is None or access.may(action)
    ]
    paths = [path for _, path in offered]
    count, hrefs = nav_targets(search, paths) if search is not None else (None, paths)
    return html.Header(
        [
            html.A("tracker", href="/", className="brand"),
            html.Button(
                "Filters",
                id=ids.FILTER_TOGGLE,
                className="button link-light filter-toggle",
                title="Show or hide the filter panel",
                **{"aria-controls": ids.FILTER_PANEL},
            ),
            html.Nav(
                [
                    html.A(label, href=href, id={"type": ids.NAV, "path": path})
                    for (label, path), href in zip(offered, hrefs, strict=True)
                ],
                className="nav",
            ),
            html.Span(count, id=ids.NAV_EVENT_COUNT, className="event-count"),
            *(
                [html.A("Add event", href="/events/new", className="button add-event")]
                if access.may(Action.ADD)
                else []
            ),
            account_menu(),
        ],
        className="top-bar",
    )


def account_menu() -> html.Div:
    """The logged-in account, its saved views and a Log out button; Log in for an
    anonymous reader."""
    principal = access.current_principal()
    if principal is None:
        return html.Div(
            html.A("Log in", href=auth.LOGIN_PATH, className="button"),
            id=ids.ACCOUNT_MENU,
            className="account-menu",
        )
    return html.Div(
        [
            html.Span(
                [
                    html.Span(principal.username, id=ids.ACCOUNT_NAME),
                    html.Span(f" ({principal.role.value})", className="account-role"),
                ],
                className="account-who",
            ),
            views_menu(),
            # A plain form POST: logging out is a full page load to the login page.
            html.Form(
                html.Button("Log out", type="submit", className="button link-light"),
                action=auth.LOGOUT_PATH,
                method="POST",
            ),
        ],
        id=ids.ACCOUNT_MENU,
        className="account-menu",
    )


@callback(
    Output(ids.NAV_EVENT_COUNT, "children"),
    Output({"type": ids.NAV, "path": ALL}, "href"),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),  # recount after a save moves to the event's page
    Input(ids.DATA_VERSION, "data"),  # and after an import
    # An opened page's layout holds them already (`top_bar`); otherwise the URL
    # reports the address as the page opens, which calls this.
    prevent_initial_call=True,
)
def update_nav(search: str | None, _pathname: str | None = None, _version=None):
    """Count the matching events, and keep the filters when moving between pages."""
    shown = [output["id"]["path"] for output in ctx.outputs_list[1]]
    known = {path for _, path, _ in NAV_LINKS}
    if not all(isinstance(path, str) and path in known for path in shown):
        raise BadCallbackInput("navigation links are the pages of NAV_LINKS")
    return nav_targets(search, shown)


def nav_targets(search: str | None, paths: list[str]) -> tuple[str, list[str]]:
    """The count of the URL's matching events, and each page's link keeping its
    filter."""
    event_filter = EventFilter.from_query_string(search or "")
    count = reads.count_matching_events(event_filter)
    query = event_filter.to_query_string()
    suffix = "?" + query if query else ""
    label = f"{count:,} event{'s' if count != 1 else ''}"
    return label, [path + suffix for path in paths]


# Shows or hides the filter panel in the browser, without a request: on a wide
# screen it starts shown, on a narrow one hidden (style.css), and the button
# turns it the other way.
clientside_callback(
    """function (clicks, name) {
        const base = (name || "filter-panel").replace(" toggled", "");
        return clicks % 2 ? base + " toggled" : base;
    }""",
    Output(ids.FILTER_PANEL, "className"),
    Input(ids.FILTER_TOGGLE, "n_clicks"),
    State(ids.FILTER_PANEL, "className"),
    prevent_initial_call=True,
)
