"""The timeline's banner: how many of the filter's events may be counted twice.

Shown when events matching the filter are in duplicate candidates nobody has merged
or dismissed yet, so a figure is not read as final while they are. "review" opens
the event of the likeliest open candidate: its page lists the pair with the reasons
and how to merge or dismiss it (the events table has no filter for candidates)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.services import reads
from tracker.matching.lookalikes import OpenDuplicates
from tracker.query.filters import EventFilter


def banner_text(events: int) -> str:
    """The banner's words for `events`: "3 events may be counted twice"."""
    if events == 1:
        return "1 event may be counted twice"
    return f"{events:,} events may be counted twice"


def render_banner(found: OpenDuplicates) -> html.Div:
    """The banner for `found`; an empty, hidden one when there is nothing to say."""
    if not found.events:
        return html.Div(id=ids.TIMELINE_DUPLICATES, hidden=True)
    return html.Div(
        [
            html.Strong(banner_text(found.events)),
            ": ",
            dcc.Link("review", href=f"/events/{found.first_event_id}"),
        ],
        id=ids.TIMELINE_DUPLICATES,
        className="banner duplicates",
        role="status",
    )


def duplicate_banner(event_filter: EventFilter) -> html.Div:
    """The banner for the events matching `event_filter` (counted in SQL)."""
    return render_banner(reads.open_duplicates(event_filter))
