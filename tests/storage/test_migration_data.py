"""Upgrading keeps every row: a database filled at the first revision, migrated to head.

`make run` runs `tracker init-db`, which upgrades an existing database in place; this is
the promise that an analyst's data survive it, checked on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import MetaData, select

from tracker.db import (
    current_revision,
    downgrade_database,
    session_scope,
    upgrade_database,
)
from tracker.filters import EventFilter
from tracker.queries import count_events
from tracker.seed import seed_database

FIRST_REVISION = "0001"


def every_row(engine) -> dict[str, list[tuple]]:
    """Each table of the database as it is now, rows sorted, by table name."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(connection.execute(select(table)).all(), key=repr)
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }


def test_upgrade_from_the_first_revision_keeps_every_row(engine, seed_dir):
    downgrade_database(engine, "base")
    upgrade_database(engine, FIRST_REVISION)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    before = every_row(engine)
    assert len(before["event"]) == 12 and before["event_actor"]

    upgrade_database(engine)

    after = every_row(engine)
    assert current_revision(engine) != FIRST_REVISION
    for table, rows in before.items():
        assert after[table] == rows, table
    with session_scope(engine) as session:
        assert count_events(session, EventFilter()) == 12
