"""Events page: the filtered events as a server-side paged table."""

from __future__ import annotations

from typing import Any

from dash import html


def layout(**query: Any) -> html.Div:
    """Placeholder until the table is built."""
    return html.Div([html.H1("Events")])
