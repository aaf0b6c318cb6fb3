"""The top bar: product name, pages, the count of matching events, Add event."""

from __future__ import annotations

from dash import Input, Output, callback, html

from dashboard import ids, services
from tracker.filters import EventFilter

NAV_LINKS = [
    ("Timeline", "/"),
    ("Map", "/map"),
    ("Events", "/events"),
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
            html.A("Add event", href="/events/new", className="button add-event"),
        ],
        className="top-bar",
    )


@callback(
    Output(ids.NAV_EVENT_COUNT, "children"),
    Output({"type": ids.NAV, "path": "/"}, "href"),
    Output({"type": ids.NAV, "path": "/map"}, "href"),
    Output({"type": ids.NAV, "path": "/events"}, "href"),
    Output({"type": ids.NAV, "path": "/import"}, "href"),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),  # recount after a save moves to the event's page
)
def update_nav(search: str | None, _pathname: str | None = None):
    """Count the matching events, and keep the filters when moving between pages."""
    event_filter = EventFilter.from_query_string(search or "")
    count = services.count_matching_events(event_filter)
    query = event_filter.to_query_string()
    suffix = "?" + query if query else ""
    label = f"{count:,} event{'s' if count != 1 else ''}"
    return (
        label,
        "/" + suffix,
        "/map" + suffix,
        "/events" + suffix,
        "/import" + suffix,
    )
