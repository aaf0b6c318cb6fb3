"""The top bar: product name, pages, the count of matching events, Add event and the
account menu (who is logged in, with which role, and Log out)."""

from __future__ import annotations

from dash import Input, Output, callback, html

from dashboard import ids
from dashboard.server import auth
from dashboard.services import access, reads
from tracker.query.filters import EventFilter
from tracker.store.accounts import Action

NAV_LINKS = [
    ("Timeline", "/"),
    ("Map", "/map"),
    ("Events", "/events"),
    ("Summary", "/summary"),
    ("Review", "/review"),
    ("Import", "/import"),
]


def top_bar() -> html.Header:
    """The bar across every page."""
    return html.Header(
        [
            html.A("tracker", href="/", className="brand"),
            html.Nav(
                [
                    html.A(label, href=path, id={"type": ids.NAV, "path": path})
                    for label, path in NAV_LINKS
                ],
                className="nav",
            ),
            html.Span(id=ids.NAV_EVENT_COUNT, className="event-count"),
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
    """The logged-in account and a Log out button; Log in for an anonymous reader."""
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
    Output({"type": ids.NAV, "path": "/"}, "href"),
    Output({"type": ids.NAV, "path": "/map"}, "href"),
    Output({"type": ids.NAV, "path": "/events"}, "href"),
    Output({"type": ids.NAV, "path": "/summary"}, "href"),
    Output({"type": ids.NAV, "path": "/review"}, "href"),
    Output({"type": ids.NAV, "path": "/import"}, "href"),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),  # recount after a save moves to the event's page
)
def update_nav(search: str | None, _pathname: str | None = None):
    """Count the matching events, and keep the filters when moving between pages."""
    event_filter = EventFilter.from_query_string(search or "")
    count = reads.count_matching_events(event_filter)
    query = event_filter.to_query_string()
    suffix = "?" + query if query else ""
    label = f"{count:,} event{'s' if count != 1 else ''}"
    return (
        label,
        "/" + suffix,
        "/map" + suffix,
        "/events" + suffix,
        "/summary" + suffix,
        "/review" + suffix,
        "/import" + suffix,
    )
