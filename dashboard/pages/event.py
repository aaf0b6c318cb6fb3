"""Event page (`/events/<event_id>`): one event in full, like a short report."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import services
from dashboard.components.event_card import (
    event_card,
    not_found,
    possible_duplicates,
)

# Ids are INTEGER columns: a larger number cannot name an event (and PostgreSQL
# would refuse to compare with it), so it is "not found" rather than an error.
LARGEST_ID = 2**31 - 1


def read_event_id(event_id: Any) -> int | None:
    """The id in the path as a positive whole number, or None if it is not one."""
    text = str(event_id or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def layout(event_id: str | None = None, **_query: Any) -> html.Div:
    """The event's report, or a friendly not-found message; never a traceback."""
    number = read_event_id(event_id)
    data = services.event_page_data(number) if number is not None else None
    if data is None:
        return html.Div(not_found(event_id), className="event-page")
    duplicates = possible_duplicates(number, services.possible_duplicates(number))
    return html.Div([event_card(data), duplicates], className="event-page")
