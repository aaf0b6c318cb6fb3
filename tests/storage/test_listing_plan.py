"""The listing's plan on SQLite: the first page walks the sort's index and stops at
the limit, as an import leaves the database (issue #19: `tracker list` spent 1.2 s
at 1M events reading ix_event_status and sorting every event)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import event as sqlalchemy_event

from tracker.db import make_engine
from tracker.query.filters import EventFilter
from tracker.query.listing import list_events


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
