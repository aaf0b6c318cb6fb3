"""Backups and restores of a whole tracker database.

SQLite is copied with its online backup API, page by page, so a backup taken while the
dashboard writes is still a consistent database. PostgreSQL is dumped with `pg_dump`
in its custom format and restored with `pg_restore`, as PostgreSQL documents; both
tools must be on PATH (Debian: package postgresql-client). A restore refuses a file
that is not a tracker database, or one made by a newer tracker, before touching
anything; an older backup is upgraded to the current schema after it is restored.
What a backup reports (events, schema revision) is read from the file it wrote, not
from the database, which writers may have changed since the copy (issue #18).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tracker.db import alembic_config, current_revision, upgrade_database
from tracker.errors import ConfigurationError, InvalidInput, Problem
from tracker.models import Event

# pg_dump's and pg_restore's custom archive format starts with these bytes.
PG_ARCHIVE_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore wrote, for the command to print."""

    path: Path
    revision: str | None
    events: int
    size: int

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.events:,} events, schema revision {self.revision}, "
            f"{self.size:,} bytes"
        )


def backup_database(engine: Engine, path: Path) -> BackupSummary:
    """Write a consistent copy of the database to `path`, replaced atomically."""
    path = Path(path)
    if path.is_dir():
        raise _refused(f"{path} is a folder: give the backup file's path")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target, then rename: a failed backup never leaves half a file.
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    partial_path = Path(partial)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial_path)
        else:
            _run_tool(
                "pg_dump",
                [
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    partial,
                    _libpq_url(engine),
                ],
            )
        partial_path.replace(path)
    finally:
        partial_path.unlink(missing_ok=True)
    return summarize_backup(path, dialect=engine.dialect.name)


def summarize_backup(path: Path, *, dialect: str) -> BackupSummary:
    """What the backup file at `path` holds, read from the file itself: its events
    and schema revision. `dialect` says how it was made ("sqlite" or "postgresql")."""
    path = Path(path)
    if dialect == "sqlite":
        revision, events = _sqlite_file_contents(path)
    else:
        revision, events = _archive_revision(path), _archive_event_count(path)
    return BackupSummary(
        path=path, revision=revision, events=events, size=path.stat().st_size
    )


def restore_database(engine: Engine, path: Path) -> BackupSummary:
    """Replace the contents of `engine`'s database with the backup at `path`.

    The backup is checked first; then the data are restored and the schema upgraded
    to this tracker's head."""
    path = Path(path)
    if not path.is_file():
        raise _refused(f"no backup file at {path}")
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(path)
        _sqlite_restore(path, engine)
    else:
        _check_revision_known(_archive_revision(path), path)
        _run_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(engine),
                str(path),
            ],
        )
    _check_revision_known(current_revision(engine), path)
    upgrade_database(engine)
    return _database_summary(engine, path)


def _refused(reason: str) -> InvalidInput:
    return InvalidInput([Problem(field="backup file", reason=reason)])


def _sqlite_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)
            # The copy inherits WAL mode; a backup should be one self-contained file.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
    finally:
        raw.close()


def _sqlite_restore(source_path: Path, engine: Engine) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        raw = engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()
    # Connections pooled before the restore may hold pages of the old file.
    engine.dispose()


def _check_sqlite_backup(path: Path) -> None:
    """Refuse anything that is not an intact tracker database of a known revision."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (integrity,) = connection.execute("PRAGMA quick_check").fetchone()
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute(
                    "SELECT version_num FROM alembic_version"
                ).fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise _refused(f"{path} is not a SQLite database: {error}") from error
    if integrity != "ok":
        raise _refused(f"{path} is damaged: SQLite's check says {integrity!r}")
    if revision is None or "event" not in tables:
        raise _refused(f"{path} is a SQLite file but not a tracker database")
    _check_revision_known(revision, path)


def _check_revision_known(revision: str | None, path: Path) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise _refused(
            f"{path} was made at schema revision {revision!r}, which this tracker "
            "does not know: restore it with the tracker version that made it"
        )


def _archive_revision(path: Path) -> str | None:
    """The schema revision recorded in a pg_dump archive, read without restoring it."""
    with path.open("rb") as archive:
        if archive.read(len(PG_ARCHIVE_MAGIC)) != PG_ARCHIVE_MAGIC:
            raise _refused(
                f"{path} is not a pg_dump custom-format archive (made by "
                "`tracker backup` on PostgreSQL)"
            )
    listing = _run_tool(
        "pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(path)]
    )
    # The table's data is a COPY block: the line after "COPY ... FROM stdin;".
    lines = listing.splitlines()
    for number, line in enumerate(lines[:-1]):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[number + 1].strip()
            return None if value == "\\." else value
    return None


def _sqlite_file_contents(path: Path) -> tuple[str | None, int]:
    """The schema revision and the number of events of a SQLite backup file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (revision,) = connection.execute(
            "SELECT version_num FROM alembic_version"
        ).fetchone() or (None,)
        (events,) = connection.execute("SELECT count(*) FROM event").fetchone()
    finally:
        connection.close()
    return revision, events


def _archive_event_count(path: Path) -> int:
    """The rows of the `event` table in a pg_dump archive, counted as pg_restore
    streams its COPY block (one line a row: COPY escapes newlines in values)."""
    executable = _tool_path("pg_restore")
    arguments = ["--data-only", "--table=event", "--file=-", str(path)]
    # Errors go to a file: a full stderr pipe would stall pg_restore mid-stream.
    with (
        tempfile.TemporaryFile("w+") as errors,
        subprocess.Popen(
            [executable, *arguments], stdout=subprocess.PIPE, stderr=errors, text=True
        ) as process,
    ):
        rows, in_copy = 0, False
        for line in process.stdout:
            if in_copy:
                if line.rstrip("\n") == "\\.":
                    in_copy = False
                else:
                    rows += 1
            elif line.startswith("COPY ") and " FROM stdin;" in line:
                in_copy = True
        process.wait()
        if process.returncode != 0:
            errors.seek(0)
            raise ConfigurationError(f"pg_restore failed: {errors.read().strip()}")
    return rows


def _libpq_url(engine: Engine) -> str:
    """The URL as libpq tools read it: no SQLAlchemy driver suffix."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run_tool(tool: str, arguments: list[str]) -> str:
    """Run a PostgreSQL client tool; its standard output, or a clear error."""
    result = subprocess.run(
        [_tool_path(tool), *arguments], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ConfigurationError(f"{tool} failed: {result.stderr.strip()}")
    return result.stdout


def _tool_path(tool: str) -> str:
    """Where a PostgreSQL client tool is, or a clear error saying how to get it."""
    executable = shutil.which(tool)
    if executable is None:
        raise ConfigurationError(
            f"`{tool}` is not on PATH: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client) to back up PostgreSQL"
        )
    return executable


def _database_summary(engine: Engine, path: Path) -> BackupSummary:
    """What the database holds now (after a restore), beside the file's size."""
    with engine.connect() as connection:
        events = connection.execute(
            select(func.count()).select_from(Event)
        ).scalar_one()
    return BackupSummary(
        path=path,
        revision=current_revision(engine),
        events=events,
        size=path.stat().st_size,
    )
