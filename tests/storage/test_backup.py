"""`tracker backup` and `tracker restore`: a backup brings the database back exactly.

On SQLite through the online backup API, on PostgreSQL through pg_dump / pg_restore."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import delete, update

from tracker.backup import backup_database, restore_database, summarize_backup
from tracker.db import current_revision, make_engine, session_scope
from tracker.errors import InvalidInput
from tracker.models import Event, EventStatus
from tracker.query.events import count_events, iter_event_records
from tracker.query.filters import EventFilter
from tracker.seed import seed_database


def snapshot(engine) -> list[dict]:
    """Every event as the JSON record export writes, retracted ones included."""
    every = EventFilter(statuses=tuple(EventStatus))
    with session_scope(engine) as session:
        return [r.model_dump(mode="json") for r in iter_event_records(session, every)]


@pytest.fixture
def seeded(engine, seed_dir):
    if engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


def test_restore_brings_back_the_database_as_it_was_at_backup(seeded, tmp_path):
    before = snapshot(seeded)
    summary = backup_database(seeded, tmp_path / "tracker.backup")
    assert summary.events == 12 and summary.size > 0
    with session_scope(seeded) as session:
        session.execute(update(Event).values(title="changed after the backup"))
        session.execute(
            update(Event).where(Event.id == 1).values(status=EventStatus.RETRACTED)
        )
    assert snapshot(seeded) != before

    restored = restore_database(seeded, tmp_path / "tracker.backup")

    assert restored.events == 12
    assert snapshot(seeded) == before
    assert current_revision(seeded) == summary.revision


def test_backup_reports_the_events_in_the_file_not_in_the_database(seeded, tmp_path):
    # Issue #18: the count was read from the live database after the copy, and
    # differed from the file by up to 53 events while writers ran.
    path = tmp_path / "tracker.backup"
    summary = backup_database(seeded, path)
    assert summary == summarize_backup(path, dialect=seeded.dialect.name)
    assert (summary.events, summary.revision) == (12, current_revision(seeded))
    with session_scope(seeded) as session:
        session.execute(delete(Event).where(Event.id > 5))  # a writer, after the copy
    again = summarize_backup(path, dialect=seeded.dialect.name)
    assert (again.events, again.revision) == (12, current_revision(seeded))
    restore_database(seeded, path)
    with session_scope(seeded) as session:
        assert count_events(session, EventFilter(statuses=tuple(EventStatus))) == 12


def test_backup_replaces_an_older_backup_file_whole(seeded, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "nightly.backup"
    target.write_bytes(b"an older, longer backup" * 1000)
    backup_database(seeded, target)
    restore_database(seeded, target)
    with session_scope(seeded) as session:
        assert count_events(session, EventFilter()) == 12
    assert [p.name for p in folder.iterdir()] == ["nightly.backup"]


def test_restore_refuses_a_file_that_is_not_a_backup(seeded, tmp_path):
    before = snapshot(seeded)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    with pytest.raises(InvalidInput, match="not a"):
        restore_database(seeded, junk)
    with pytest.raises(InvalidInput, match="no backup file"):
        restore_database(seeded, tmp_path / "missing.backup")
    assert snapshot(seeded) == before


@pytest.fixture
def sqlite_engine(sqlite_template, tmp_path):
    """A migrated SQLite database: these checks read inside SQLite files."""
    path = tmp_path / "tracker.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def test_restore_refuses_a_backup_from_a_newer_tracker(
    sqlite_engine, seed_dir, tmp_path
):
    engine = sqlite_engine
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    path = tmp_path / "future.backup"
    backup_database(engine, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with session_scope(engine) as session:
        session.execute(update(Event).values(title="kept"))

    with pytest.raises(InvalidInput, match="revision '9999'"):
        restore_database(engine, path)
    assert {r["title"] for r in snapshot(engine)} == {"kept"}


def test_restore_refuses_a_sqlite_file_without_tracker_schema(sqlite_engine, tmp_path):
    engine = sqlite_engine
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(InvalidInput, match="not a tracker database"):
        restore_database(engine, other)
