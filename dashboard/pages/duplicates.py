"""Duplicates queue (`/duplicates`): the open duplicate candidates, likeliest first,
each with its reasons and its two events side by side.

An editor decides each pair: keep one event and merge the other into it (the other
is retracted as its duplicate and its sources move over), or "Not a duplicate"; both
are written through `tracker.matching.candidates`, recorded in both events'
histories, and refused on the server for anyone who may not merge. The filter panel
narrows the queue to pairs with an event it matches; `page` in the URL pages it
(plain links, so Back and a shared link give the same page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.duplicate_pair import pair_card
from dashboard.components.filter_panel import ignored_notice
from dashboard.services import access, reads, writes
from dashboard.services.reads import DuplicatesPage
from tracker.errors import TrackerError
from tracker.query.filters import EventFilter, parse_filter
from tracker.store.accounts import Action

DUPLICATES_PATH = "/duplicates"


def layout(page: str | None = None, **query: Any) -> html.Div:
    """The queue for the URL's filter, at its `page`."""
    event_filter, ignored = parse_filter(query)
    refused = access.refusal(Action.MERGE)  # the server refuses it anyway
    return html.Div(
        [
            html.H1("Duplicates"),
            html.P(
                "Pairs of events from different datasets that may record the same "
                "happening, flagged when they were imported. Nothing is merged until "
                "an editor says so.",
                className="summary",
            ),
            html.P(f"{refused}.", className="note") if refused else None,
            ignored_notice(ignored),
            html.Div(id=ids.DUPLICATES_MESSAGE, className="pair-message", role="alert"),
            html.Div(
                render_queue(event_filter, page_number(page)), id=ids.DUPLICATES_QUEUE
            ),
        ],
        className="duplicates-page",
    )


def page_number(value: Any) -> int:
    """The page the URL asks for; 1 for anything that is not a whole number."""
    try:
        return max(1, int(str(value)))
    except ValueError:
        return 1


def render_queue(event_filter: EventFilter, page: int) -> list[Any]:
    """The count with page links, then one card per candidate (or what to do)."""
    data = reads.duplicates_page(event_filter, page)
    if not data.total:
        return [empty_state(event_filter)]
    can_decide = access.may(Action.MERGE)
    cards = [pair_card(row, data.records, can_decide=can_decide) for row in data.rows]
    return [pager(data, event_filter), *cards]


def empty_state(event_filter: EventFilter) -> html.P:
    """What an empty queue means, and what to do next."""
    if not event_filter.is_empty():
        words = (
            "No open duplicate candidates have an event matching these filters. "
            "Remove a filter to see the rest of the queue."
        )
    else:
        words = (
            "No open duplicate candidates: every pair flagged so far is decided. "
            "Imports flag new pairs as they arrive; to look again among the events "
            "already recorded, run `tracker duplicates scan`."
        )
    return html.P(words, id=ids.DUPLICATES_COUNT, className="empty")


def pager(data: DuplicatesPage, event_filter: EventFilter) -> html.Div:
    """ "Candidates 1–20 of 345 …" with Previous and Next links."""
    last = data.first + len(data.rows) - 1
    scope = "" if event_filter.is_empty() else f" with {event_filter.describe()}"
    links = []
    if data.page > 1:
        links.append(dcc.Link("‹ Previous", href=href(event_filter, data.page - 1)))
    if data.page < data.pages:
        links.append(dcc.Link("Next ›", href=href(event_filter, data.page + 1)))
    return html.Div(
        [
            html.P(
                f"Candidates {data.first:,}–{last:,} of {data.total:,}, likeliest "
                f"first · page {data.page:,} of {data.pages:,}{scope}",
                className="summary",
            ),
            html.Nav(links, className="pager", **{"aria-label": "Pages"}),
        ],
        id=ids.DUPLICATES_COUNT,
        className="pair-pager",
    )


def href(event_filter: EventFilter, page: int) -> str:
    """The queue's link to `page` with the filter."""
    query = "&".join(
        q for q in (event_filter.to_query_string(), urlencode({"page": page})) if q
    )
    return f"{DUPLICATES_PATH}?{query}"


def shown_from(search: str | None) -> tuple[EventFilter, int]:
    """The filter and page of the queue's URL query string."""
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl((search or "").lstrip("?")):
        values.setdefault(key, []).append(value)
    page = page_number((values.pop("page", None) or ["1"])[-1])
    return parse_filter(values)[0], page


def decide(trigger: dict[str, Any]) -> str:
    """Carry out the decision of the button `trigger` names; what it did.

    Raises what the write raises (PermissionDenied, InvalidInput, NotFound)."""
    candidate = int(trigger["candidate"])
    if trigger["type"] == ids.DUPLICATES_KEEP:
        done = writes.merge_duplicate(candidate, int(trigger["keep"]))
        added = done.sources_added
        return (
            f"Candidate #{candidate} merged: #{done.retracted} is retracted as a "
            f"duplicate of #{done.kept}, which gained {added} source"
            f"{'' if added == 1 else 's'}. Both events' histories record it."
        )
    first, second = writes.dismiss_duplicate(candidate)
    return (
        f"Candidate #{candidate} dismissed: #{first} and #{second} stay separate "
        "events, and the pair will not be raised again."
    )


@callback(
    Output(ids.DUPLICATES_QUEUE, "children"),
    Output(ids.DUPLICATES_MESSAGE, "children"),
    Input({"type": ids.DUPLICATES_KEEP, "candidate": ALL, "keep": ALL}, "n_clicks"),
    Input({"type": ids.DUPLICATES_DISMISS, "candidate": ALL}, "n_clicks"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def on_decide(
    _keep_clicks: list[int | None],
    _dismiss_clicks: list[int | None],
    search: str | None,
):
    """Merge or dismiss the candidate whose button was pressed, then redraw the page."""
    if not ctx.triggered_id or not ctx.triggered or not ctx.triggered[0]["value"]:
        raise PreventUpdate  # the buttons just appeared
    try:
        said = decide(dict(ctx.triggered_id))
    except TrackerError as error:
        # Drawn again all the same: a pair someone else decided meanwhile goes.
        said = str(error)
    return render_queue(*shown_from(search)), said
