"""Dash's page container, with the page the browser opened already inside (issue 19).

Dash's pages fill `dash.page_container` by a callback: the browser fetches the
app's layout, draws it, the container's location reads the address as it mounts,
and only then asks the server for the page, one more round trip and one more render
before anything shows. The browser fetches the layout from the page it opened, so
that request's Referer is the page's address: the container is built here with that
page's layout in it and its location already holding the address. The location then
has nothing to report as it mounts, and Dash's routing callback does not run. Moving
between pages in the browser goes through that callback as before, and so does any
layout request without a Referer from this site (a browser told to send none)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dash
from dash import dcc, html

# Dash's own matching of an address to a registered page and of a query to the
# layout's arguments, as its routing callback does it.
from dash._pages import _parse_query_string, _path_to_page
from flask import has_request_context, request

LAYOUT_REQUEST = "_dash-layout"


def page_container() -> html.Div:
    """`dash.page_container`, holding the opened page when the request says which."""
    address = opened_address()
    if address is None:
        return dash.page_container
    href, pathname, search = address
    app = dash.get_app()
    page, path_variables = _path_to_page(app.strip_relative_path(pathname))
    if not page:
        return dash.page_container  # Dash's callback shows its "not found"
    layout = page["layout"]
    arguments = {**(path_variables or {}), **_parse_query_string(search)}
    content = layout(**arguments) if callable(layout) else layout
    title = page["title"]
    if callable(title):
        title = title(**(path_variables or {}))
    location, holder, store, dummy = dash.page_container.children
    return html.Div(
        [
            dcc.Location(
                id=location.id,
                refresh=location.refresh,
                href=href,
                pathname=pathname,
                search=search,
                hash="",
            ),
            html.Div(content, id=holder.id, disable_n_clicks=True),
            dcc.Store(id=store.id, data={"title": title}),
            html.Div(id=dummy.id, disable_n_clicks=True),
        ]
    )


def opened_address() -> tuple[str, str, str] | None:
    """The address of the page asking for Dash's layout, as `window.location` gives
    its href, pathname and search; None for any other request or another site."""
    if not has_request_context() or not request.path.endswith(LAYOUT_REQUEST):
        return None
    referrer: Any = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.fragment:
        return None
    search = f"?{parts.query}" if parts.query else ""
    return referrer, parts.path or "/", search
