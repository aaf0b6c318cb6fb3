"""Upgrading keeps every row: a database filled at the first revision, migrated to head.

`make run` runs `tracker init-db`, which upgrades an existing database in place; this is
the promise that an analyst's data survive it, checked on SQLite and PostgreSQL. The
rows are written at the first revision with plain SQL on that revision's tables, so
the test does not depend on today's models fitting yesterday's schema."""

from __future__ import annotations

from sqlalchemy import MetaData, select

from tracker.db import (
    current_revision,
    downgrade_database,
    session_scope,
    upgrade_database,
)
from tracker.query.events import count_events
from tracker.query.filters import EventFilter
from tracker.seed import seed_database

FIRST_REVISION = "0001"


def tables_of(engine) -> MetaData:
    metadata = MetaData()
    metadata.reflect(engine)
    return metadata


def every_row(engine, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """The rows of the named tables as they are now, sorted: only the columns named,
    so a column a later revision adds (holding NULL) does not count as a change."""
    metadata = tables_of(engine)
    with engine.connect() as connection:
        return {
            name: sorted(
                connection.execute(
                    select(*(metadata.tables[name].c[c] for c in names))
                ).all(),
                key=repr,
            )
            for name, names in columns.items()
        }


def test_upgrade_from_the_first_revision_keeps_every_row(engine, seed_dir):
    # The seed events as rows, taken from a database at head ...
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    downgrade_database(engine, FIRST_REVISION)
    first = [t for t in tables_of(engine).sorted_tables if t.name != "alembic_version"]
    columns = {t.name: list(t.columns.keys()) for t in first}
    rows = every_row(engine, columns)
    # ... written into an empty database at the first revision with plain SQL.
    downgrade_database(engine, "base")
    upgrade_database(engine, FIRST_REVISION)
    metadata = tables_of(engine)
    with engine.begin() as connection:
        for table in first:
            target = metadata.tables[table.name]
            values = [
                dict(zip(target.columns.keys(), row, strict=True))
                for row in rows[table.name]
            ]
            if values:
                connection.execute(target.insert(), values)
    before = every_row(engine, columns)
    assert len(before["event"]) == 12 and before["event_actor"]

    upgrade_database(engine)

    assert current_revision(engine) != FIRST_REVISION
    assert every_row(engine, columns) == before
    with session_scope(engine) as session:
        assert count_events(session, EventFilter()) == 12
