"""Event page: one event in full, like a short report."""

from __future__ import annotations

from typing import Any

from dash import html


def layout(event_id: str | None = None, **_query: Any) -> html.Div:
    """Placeholder until the event page is built."""
    return html.Div([html.H1(f"Event {event_id}")])
