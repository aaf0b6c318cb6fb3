"""Add and Edit event pages: one form, in the order an analyst reads a report."""

from __future__ import annotations

from typing import Any

from dash import html


def add_layout(**_query: Any) -> html.Div:
    """Placeholder until the form is built."""
    return html.Div([html.H1("Add event")])


def edit_layout(event_id: str | None = None, **_query: Any) -> html.Div:
    """Placeholder until the form is built."""
    return html.Div([html.H1(f"Edit event {event_id}")])
