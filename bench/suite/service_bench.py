"""Benchmarks 2, 3 and 7: the timeline aggregations and the table pages through the
service layer (tracker's query functions, one session each, as the dashboard calls
them), on SQLite or PostgreSQL; the aggregations also in DuckDB over the same rows.

The filter is an analyst's: one year and one country (2024, Ukraine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.engine import Engine

from bench.suite.measuring import Figure, Samples, time_calls
from tracker.db import session_scope
from tracker.query.events import count_events, list_events
from tracker.query.filters import EventFilter
from tracker.query.stats import Period, count_events_by_period
from tracker.query.timeline import fatalities_by_period, score_by_period

FILTER = EventFilter(since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))
COUNTRY_FILTER = EventFilter(since=FILTER.since, until=FILTER.until, countries=("UKR",))
AGGREGATION_TARGET_MS = 100
PAGE_TARGET_MS = 30
PAGE_SIZE = 50
DEEP_PAGE = 1000


def _in_session(engine: Engine, work: Callable) -> Callable[[], object]:
    def call() -> object:
        with session_scope(engine) as session:
            return work(session)

    return call


AGGREGATIONS = {
    "counts per week by type": lambda s: count_events_by_period(
        s, COUNTRY_FILTER, Period.WEEK
    ),
    "conflict-cooperation line per week": lambda s: score_by_period(
        s, COUNTRY_FILTER, Period.WEEK
    ),
    "fatalities per week": lambda s: fatalities_by_period(
        s, COUNTRY_FILTER, Period.WEEK
    ),
}


def run_aggregations(
    engine: Engine,
    runs: int,
    *,
    label: str,
    reference: dict[str, Samples] | None = None,
    events: int | None = None,
) -> list[Figure]:
    """p95 of each timeline aggregation over the country filter; `events`, the
    database's size, is named in the figures when given."""
    size = f" ({events:,} events in the database)" if events is not None else ""
    figures = []
    for name, work in AGGREGATIONS.items():
        figures.append(
            Figure(
                f"2. timeline{label}",
                f"{name}, {COUNTRY_FILTER.describe()}{size}",
                time_calls(_in_session(engine, work), runs),
                statistic="p95",
                target=AGGREGATION_TARGET_MS,
                target_text=f"p95 <= {AGGREGATION_TARGET_MS} ms",
                reference=(reference or {}).get(name),
                reference_name="DuckDB, same rows, same aggregate" if reference else "",
            )
        )
    return figures


def deep_cursor(engine: Engine, event_filter: EventFilter, depth: int) -> tuple:
    """The keyset cursor a reader has after paging `depth` pages forward."""
    with session_scope(engine) as session:
        [row] = list_events(
            session, event_filter, limit=1, offset=depth * PAGE_SIZE - 1
        )
    return row.cursor("date_start")


def run_pages(engine: Engine, runs: int, *, label: str) -> list[Figure]:
    """p95 of a filtered table page sorted by date: the first, and 1,000 pages deep
    (or the last page, when fewer)
    by keyset (the cursor the previous page gave) and, for comparison, by OFFSET."""
    with session_scope(engine) as session:
        pages = count_events(session, COUNTRY_FILTER) // PAGE_SIZE
    depth = max(1, min(DEEP_PAGE, pages))  # a small N has fewer pages
    cursor = deep_cursor(engine, COUNTRY_FILTER, depth - 1)

    def page(session, **kwargs):
        return list_events(session, COUNTRY_FILTER, limit=PAGE_SIZE, **kwargs)

    cases = {
        "page 1, newest first": lambda s: page(s, descending=True),
        "page 1, oldest first": lambda s: page(s),
        f"page {depth:,} by keyset cursor": lambda s: page(s, after=cursor),
        f"page {depth:,} by OFFSET (no cursor: a jump)": lambda s: page(
            s, offset=(depth - 1) * PAGE_SIZE
        ),
    }
    figures = []
    for name, work in cases.items():
        jump = "OFFSET" in name
        figures.append(
            Figure(
                f"3. table{label}",
                f"{PAGE_SIZE} rows, {COUNTRY_FILTER.describe()}, by date: {name}",
                time_calls(_in_session(engine, work), runs),
                statistic="p95",
                target=None if jump else PAGE_TARGET_MS,
                target_text="" if jump else f"p95 <= {PAGE_TARGET_MS} ms",
            )
        )
    return figures
