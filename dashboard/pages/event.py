"""Event page (`/events/<event_id>`): one event in full, like a short report.

The report, its possible duplicates, then its history; an editor can restore any
earlier version from there (the restore is itself recorded)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.event_card import (
    event_card,
    history,
    not_found,
    possible_duplicates,
)
from dashboard.components.history_panel import conflict_message, history_section
from dashboard.services import access, reads, writes
from tracker.errors import EditConflict, TrackerError
from tracker.store.accounts import Action

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
    if number is None:
        return html.Div(not_found(event_id), className="event-page")
    return html.Div(
        page_body(number),
        id={"type": ids.EVENT_PAGE, "event": number},
        className="event-page",
    )


def page_body(event_id: int, message: Any = None) -> list[Any]:
    """The report, possible duplicates and history of an event that exists."""
    data = reads.event_page_data(event_id)
    if data is None:
        return [not_found(event_id)]
    record = data.record
    section = history_section(
        reads.event_history(event_id),
        current_version=record.version,
        summary=history(record),
        can_restore=access.may(Action.REVERT),
        message=message,
    )
    return [
        dcc.Store(
            id={"type": ids.EVENT_SHOWN, "event": event_id},
            data={"id": event_id, "version": record.version},
        ),
        event_card(data, can_edit=access.may(Action.EDIT)),
        possible_duplicates(event_id, reads.possible_duplicates(event_id)),
        section,
    ]


# Pattern ids (ALL) for the page and its store: the callback's buttons come and go
# with the page, and Dash then calls it while the output is gone; with ALL, an
# absent page is an empty list instead of an error in the browser.
@callback(
    Output({"type": ids.EVENT_PAGE, "event": ALL}, "children"),
    Input({"type": ids.EVENT_RESTORE, "version": ALL}, "n_clicks"),
    State({"type": ids.EVENT_SHOWN, "event": ALL}, "data"),
    prevent_initial_call=True,
)
def on_restore(clicks: list[int | None], shown: list[dict[str, int]]):
    """Save the event as it was at the chosen version, then show it again."""
    if not ctx.triggered_id or not any(clicks) or len(shown) != 1:
        raise PreventUpdate  # the buttons just appeared, or went with the page
    return [restore(shown[0], ctx.triggered_id["version"])]


def restore(shown: dict[str, int], version: int) -> list[Any]:
    """The page after restoring `version` of the event the page `shown` shows."""
    try:
        new = writes.revert_event(
            shown["id"], to_version=version, expected_version=shown["version"]
        )
    except EditConflict as error:
        return page_body(shown["id"], conflict_message(error))
    except TrackerError as error:  # refused (a viewer), or the version is gone
        return page_body(shown["id"], html.P(str(error)))
    said = f"Restored version {version}: it is saved as version {new}."
    return page_body(shown["id"], html.P(said))
