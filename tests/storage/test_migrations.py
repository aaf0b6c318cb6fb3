"""The Alembic migrations build exactly the schema models.py declares.

Checked on both backends, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tracker import models
from tracker.db import (
    alembic_config,
    current_revision,
    downgrade_database,
    upgrade_database,
)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, models.metadata)
    assert differences == []


def test_event_ids_are_never_reused_on_sqlite_either(engine):
    # tracker.tables does not declare sqlite_autoincrement (it would load the SQLite
    # dialect on PostgreSQL): the migration's AUTOINCREMENT keeps ids unused.
    if engine.dialect.name != "sqlite":
        pytest.skip("a PostgreSQL sequence never hands out an id twice")
    with engine.connect() as connection:
        created = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event'"
        ).scalar_one()
    assert "AUTOINCREMENT" in created.upper()


def test_database_is_at_head_and_upgrading_again_changes_nothing(engine):
    assert current_revision(engine) == head_revision()
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {
        "event",
        "actor",
        "actor_alias",
        "location",
        "source",
        "event_actor",
        "event_source",
        "event_link",
    } <= tables


def test_downgrade_to_base_and_upgrade_again_restores_the_schema(engine):
    downgrade_database(engine, "base")
    assert "event" not in inspect(engine).get_table_names()
    assert current_revision(engine) is None
    upgrade_database(engine)
    assert "event" in inspect(engine).get_table_names()
