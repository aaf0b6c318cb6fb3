"""Timeline page (home): events over time, stacked by PLOVER type."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids, services
from dashboard.figures import events_over_time_figure
from tracker.filters import EventFilter
from tracker.stats import Period


def layout(**query: Any) -> html.Div:
    """Build the page from the database on each load; the URL query is the filter."""
    event_filter = EventFilter.from_mapping(query)
    data = services.timeline_data(event_filter)
    plural = "s" if data.total != 1 else ""
    return html.Div(
        [
            html.H1("Events over time, by type"),
            html.P(
                f"{data.total} event{plural} · {event_filter.describe()}",
                id=ids.TIMELINE_SUMMARY,
                className="summary",
            ),
            dcc.Graph(
                id=ids.TIMELINE_EVENTS_OVER_TIME,
                figure=events_over_time_figure(data.counts, data.period),
                config={"displaylogo": False},
            ),
            html.P(precision_note(data.by_precision, data.period), className="note"),
        ]
    )


def precision_note(by_precision: dict[str, int], period: Period | None) -> str:
    """Say how many events are dated more coarsely than the chart's bins, and where
    they are counted, so a month-precision event is not read as a day."""
    if period is None:
        return ""
    finer_or_equal = {
        Period.DAY: {"day"},
        Period.WEEK: {"day", "week"},
        Period.MONTH: {"day", "week", "month"},
        Period.YEAR: {"day", "week", "month", "year"},
    }[period]
    coarse = {p: n for p, n in by_precision.items() if p not in finer_or_equal}
    if not coarse:
        return ""
    parts = ", ".join(f"{n} to the {p}" for p, n in sorted(coarse.items()))
    return (
        f"Some events are dated less precisely than the {period.value} bins ({parts}); "
        "each is counted at the earliest date it may have happened."
    )
