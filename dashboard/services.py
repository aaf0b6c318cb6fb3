"""The dashboard's one door to the database.

Each function opens one unit of work, calls tracker and returns plain results."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.engine import Engine

from tracker.db import session_scope
from tracker.filters import EventFilter
from tracker.queries import count_events
from tracker.stats import (
    Period,
    PeriodCount,
    choose_period,
    count_events_by_period,
    count_events_by_precision,
    date_bounds,
)

ENGINE_KEY = "TRACKER_ENGINE"


def engine() -> Engine:
    """The engine of the app serving the current request."""
    return current_app.config[ENGINE_KEY]


@dataclass(frozen=True)
class TimelineData:
    """What the timeline chart needs: per-period counts, the bin width and the total."""

    counts: list[PeriodCount]
    period: Period | None
    total: int
    by_precision: dict[str, int]


def timeline_data(event_filter: EventFilter) -> TimelineData:
    """Counts per period and type, with a bin width chosen from the filter's span."""
    with session_scope(engine()) as session:
        bounds = date_bounds(session, event_filter)
        if bounds is None:
            return TimelineData([], None, 0, {})
        period = choose_period(*bounds)
        return TimelineData(
            counts=count_events_by_period(session, event_filter, period),
            period=period,
            total=count_events(session, event_filter),
            by_precision=count_events_by_precision(session, event_filter),
        )


def count_matching_events(event_filter: EventFilter) -> int:
    """How many events match the filter."""
    with session_scope(engine()) as session:
        return count_events(session, event_filter)


# --- map page ---------------------------------------------------------------------


# --- events page and event page ---------------------------------------------------


# --- add / edit form ------------------------------------------------------------------
