"""The pages' container, sent with the page the browser opened already inside it.

Dash's page container arrives empty. The browser evaluates the scripts, asks for the
layout, draws the shell, and only then does the container's location component report
the address, and a routing callback send the page: one more round trip, on every
opening of every page, after the rest (100-400 ms of the timeline's return visit at a
million events, the server sharing its cores with the browser).

The layout is asked for by the page itself, so the request's Referer names the page's
address. The container is built with that page inside and its location component
given the path and query it would report: it then reports nothing, so the routing
callback (which Dash does not call on its own as a page opens) is not called, and the
page is drawn in the first render. Dash's own routing still serves every later
navigation. Without a Referer from this server, for an address no page has, or when
building the page fails, the container is Dash's own, empty, and the routing callback
fills it as before; a page stopped by the statement time limit says so at once.

Each page now has its own layout at the one layout address, so no browser may keep
one (`keep_layouts_out_of_cache`). The app's shell reads the same address to send the
filter panel set (`dashboard.app.opened_shell`)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import dash
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page
from dash.development.base_component import Component
from flask import Flask, Response, has_request_context, request

from tracker.errors import StatementTimeout

# Dash's own ids for the container's four parts, read off its container: its routing
# callback and the page title's callback are wired to them.
LOCATION_ID, CONTENT_ID, STORE_ID, DUMMY_ID = (
    part.id for part in dash.page_container.children
)
LAYOUT_ROUTE = "_dash-layout"

log = logging.getLogger(__name__)


def keep_layouts_out_of_cache(server: Flask) -> None:
    """Keep every layout out of the browser's cache: one address now answers a
    different page for each Referer, and a page reopened from the history would
    otherwise be drawn from the layout of the last page opened (Chromium reuses
    cached answers on back and forward without asking)."""
    server.after_request(_not_cached_if_layout)


def _not_cached_if_layout(response: Response) -> Response:
    if request.path.endswith(LAYOUT_ROUTE):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Referer")
    return response


def page_container() -> Component:
    """The container for the layout being served: the opened page inside it when the
    request is the layout's and names its page, else Dash's empty container."""
    address = opened_address()
    if address is None:
        return dash.page_container
    pathname, search = address
    try:
        found = routed_page(pathname, search)
    except StatementTimeout as error:
        # Asking again through the routing callback would wait as long again.
        log.warning(
            "the page %s%s stopped: a statement ran past %g s", *address, error.seconds
        )
        found = busy_page(error), dash.get_app().title
    except Exception:
        # The shell must still arrive; the routing callback builds the page again
        # and answers its error as every callback does.
        log.exception("the page %s%s could not be built with the layout", *address)
        return dash.page_container
    if found is None:
        return dash.page_container
    content, title = found
    return html.Div(
        [
            dcc.Location(
                id=LOCATION_ID, refresh="callback-nav", pathname=pathname, search=search
            ),
            html.Div(content, id=CONTENT_ID, disable_n_clicks=True),
            dcc.Store(id=STORE_ID, data={"title": title}),
            html.Div(id=DUMMY_ID, disable_n_clicks=True),
        ]
    )


def busy_page(error: StatementTimeout) -> html.Div:
    """What the page says when the database was too slow to build it: the reason a
    callback stopped the same way answers (`dashboard.server.timeouts`)."""
    return html.Div(
        [html.H1("Service busy"), html.P(f"Service busy: {error}.")],
        className="form-summary",
        role="alert",
    )


def opened_address() -> tuple[str, str] | None:
    """The path and query ("?..." or "") of the page whose layout is being asked
    for, from the request's Referer; None outside a layout request or for a
    Referer from another site."""
    if not has_request_context() or not request.path.endswith(LAYOUT_ROUTE):
        return None
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path, f"?{parts.query}" if parts.query else ""


def routed_page(pathname: str, search: str) -> tuple[Any, str] | None:
    """The page Dash's routing callback would put in the container for this address,
    and its title; None for an address no page has (Dash's callback answers those)."""
    app = dash.get_app()
    page, path_variables = _path_to_page(app.strip_relative_path(pathname))
    if not page:
        return None
    layout = page.get("layout", "")
    if callable(layout):
        layout = layout(**{**(path_variables or {}), **_parse_query_string(search)})
    title = page["title"]
    if callable(title):
        title = title(**(path_variables or {}))
    return layout, title
