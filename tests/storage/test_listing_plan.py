"""Plans on SQLite as an import leaves the database (no or sampled statistics, which
take the default statuses for rare): the listing's first page walks the sort's index
and stops at the limit (issue #19: `tracker list` spent 1.2 s at 1M events reading
ix_event_status and sorting every event); the timeline's, map's and summary's passes
over a year of events read that year's date range, not every confirmed event through
ix_event_status (0.25-0.35 s a statement at 1M events)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import event as sqlalchemy_event

from tracker.db import make_engine, session_scope
from tracker.query.filters import EventFilter
from tracker.query.listing import list_events
from tracker.query.stats import Period, count_events_by_period, map_markers
from tracker.query.summary import GroupBy, summarise
from tracker.query.timeline import headline_figures


def listing_plan(url: str, event_filter: EventFilter, sort: str) -> list[str]:
    """SQLite's plan for the statement `list_events` runs."""
    engine = make_engine(url)
    statements: list[tuple[str, tuple]] = []

    def keep(_connection, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    sqlalchemy_event.listen(engine, "before_cursor_execute", keep)
    try:
        with engine.connect() as connection:
            list_events(connection, event_filter, limit=100, sort=sort)
            statement, parameters = statements[-1]
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters
            )
            return [row[-1] for row in plan]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("date_start", "ix_event_date_start_id"),
        ("event_type", "ix_event_event_type_date_start"),
    ],
)
def test_listing_of_default_statuses_walks_the_sort_index(
    sqlite_template, tmp_path, sort, index
):
    path = tmp_path / "plan.db"
    shutil.copy(sqlite_template, path)
    plan = listing_plan(f"sqlite:///{path}", EventFilter(), sort)
    assert plan[0] == f"SCAN event USING INDEX {index}", plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


# A year, and a condition the rollup cannot answer: the passes read the event table.
A_YEAR_OF_ONE_ACTOR = EventFilter(
    since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31), actors=("Russian forces",)
)


def test_passes_over_a_year_read_its_date_range_not_the_status_index(
    sqlite_template, tmp_path
):
    path = tmp_path / "plan.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    statements: list[tuple[str, tuple]] = []

    def keep(_connection, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    sqlalchemy_event.listen(engine, "before_cursor_execute", keep)
    with session_scope(engine) as session:
        count_events_by_period(session, A_YEAR_OF_ONE_ACTOR, Period.WEEK)
        headline_figures(session, A_YEAR_OF_ONE_ACTOR)
        map_markers(session, A_YEAR_OF_ONE_ACTOR)
        summarise(session, A_YEAR_OF_ONE_ACTOR, Period.MONTH, GroupBy.EVENT_TYPE)
    sqlalchemy_event.remove(engine, "before_cursor_execute", keep)
    passes = [(s, p) for s, p in statements if "event.status IN" in s]
    assert len(passes) >= 5
    with engine.connect() as connection:
        for statement, parameters in passes:
            plan = [
                row[-1]
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters
                )
            ]
            assert not any("ix_event_status" in step for step in plan), plan
            assert any("(date_start>? AND date_start<?)" in s for s in plan), plan
    engine.dispose()
