"""After a large import, PostgreSQL plans the dashboard's queries on what is there.

Without fresh statistics the planner keeps those of the tables before the import
until autovacuum comes by (never, where it is off), and queries over a freshly
imported file were planned for empty tables (issue 19). An import of 1,000 events
or more ANALYZEs the tables it wrote, in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.generate_acled import write_acled_csv
from tests.conftest import empty_postgres
from tracker.db import make_engine, session_scope
from tracker.importing import import_file
from tracker.store.bulk import ANALYZE_AFTER_EVENTS


def planner_rows(engine, table: str) -> float:
    """What the planner believes `table` holds (pg_class.reltuples)."""
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
        ).scalar_one()


@pytest.fixture
def postgres_engine(postgres_database: str) -> Iterator[Engine]:
    """PostgreSQL only: SQLite keeps no planner statistics of its own accord."""
    engine = make_engine(postgres_database)
    empty_postgres(engine)
    yield engine
    engine.dispose()


def test_a_large_import_leaves_the_planner_knowing_its_rows(
    postgres_engine: Engine, tmp_path: Path
):
    engine = postgres_engine
    rows = ANALYZE_AFTER_EVENTS + 200
    path = tmp_path / "acled.csv"
    write_acled_csv(rows, path)
    with session_scope(engine) as session:
        report = import_file(session, path, format_name="acled")
    assert report.added == rows
    # ANALYZE reads every row of a table this small, so the figure is exact.
    assert planner_rows(engine, "event") == rows
    assert planner_rows(engine, "event_source") >= rows
