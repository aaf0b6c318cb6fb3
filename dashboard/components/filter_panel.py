"""The filter panel shared by every page; its state lives in the URL query string."""

from __future__ import annotations

from dash import html

from dashboard import ids


def panel() -> html.Aside:
    """The collapsible panel of filter controls (filled in by the filter work)."""
    return html.Aside(
        [html.H2("Filters")], id=ids.FILTER_PANEL, className="filter-panel"
    )


def chips() -> html.Div:
    """The active filters as removable chips, above the page content."""
    return html.Div(id=ids.FILTER_CHIPS, className="chips")
