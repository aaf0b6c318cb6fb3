"""After a large import, the database plans the dashboard's queries on what is there.

Without fresh statistics PostgreSQL's planner keeps those of the tables before the
import until autovacuum comes by (never, where it is off), and queries over a
freshly imported file were planned for empty tables; SQLite keeps none unless
asked, and read a whole export through the wrong index (issue 19). An import of
1,000 events or more ANALYZEs the tables it wrote, in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.generate_acled import write_acled_csv
from tests.conftest import empty_postgres
from tracker.db import make_engine, session_scope, upgrade_database
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
    """PostgreSQL: pg_class says what the planner believes."""
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


def test_a_large_import_leaves_sqlite_statistics_of_its_tables(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    upgrade_database(engine)
    path = tmp_path / "acled.csv"
    write_acled_csv(ANALYZE_AFTER_EVENTS + 200, path)
    with session_scope(engine) as session:
        import_file(session, path, format_name="acled")
    with engine.connect() as connection:
        analysed = set(
            connection.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
        )
    engine.dispose()
    assert {"event", "event_actor", "event_source", "location"} <= analysed


def test_a_small_import_leaves_the_statistics_alone(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    upgrade_database(engine)
    path = tmp_path / "acled.csv"
    write_acled_csv(ANALYZE_AFTER_EVENTS - 1, path)
    with session_scope(engine) as session:
        import_file(session, path, format_name="acled")
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).scalar_one()
    engine.dispose()
    assert kept == 0
