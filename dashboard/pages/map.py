"""Map page: matching events as points coloured by type and sized by fatalities."""

from __future__ import annotations

from typing import Any

from dash import html


def layout(**query: Any) -> html.Div:
    """Placeholder until the map is built."""
    return html.Div([html.H1("Map")])
