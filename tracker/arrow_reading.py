"""Statements read straight into Arrow tables, through ADBC drivers.

A Parquet export of a million events spent most of its time in the database driver
handing over rows as Python values, and in pyarrow turning them back into columns
(bench/EXPORT-NOTES.md). The ADBC drivers of the Apache Arrow project
(adbc-driver-sqlite, adbc-driver-postgresql) run the same SQL and give its result
as Arrow columns, built in C: no Python value is made per row.

An `ArrowReader` is a connection of its own, in one transaction that only reads,
so every statement it runs reads the same snapshot; several readers share one, as
`tracker.db.snapshot_connections` makes them: on PostgreSQL they take the session's
snapshot (`pg_export_snapshot()`), on SQLite they begin between two readings of the
session's data version with no commit between. There are none (the caller reads
through the session) when the session has written and not committed (another
connection would not see it), for a SQLite database in memory (another connection
would see another database) and for any other database.

PostgreSQL's driver runs in this process. SQLite's runs in a worker process of its
own (`tracker.arrow_worker`): it carries its own copy of SQLite, which must not
share a process with Python's sqlite3. The result comes back as an Arrow stream
over a pipe. A worker starts in about 0.2 s; the statement time limit stops it.

Statements are SQLAlchemy's, compiled for the dialect with their parameters bound
by position, never written into the SQL. Each result is one Arrow table, its
columns typed as the database gives them: on SQLite by the values themselves
(a column of nothing but NULL comes as int64 NULLs), which the caller casts."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy import Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import OperationalError

from tracker.arrow_worker import ERROR, TABLE, read_frame, write_frame
from tracker.db import (
    QUERY_CANCELED,
    exported_snapshot,
    on_one_sqlite_snapshot,
    others_see_what_it_sees,
    statement_limit,
    timeout_milliseconds,
)
from tracker.errors import StatementTimeout

if TYPE_CHECKING:
    from sqlmodel import Session

# How long a worker may take to start and take its snapshot, in seconds.
WORKER_START_SECONDS = 60


class ArrowReader:
    """Runs statements on one snapshot, each into an Arrow table."""

    dialect: Dialect

    def table(self, statement: Executable, params: dict[str, Any]) -> pa.Table:
        """The whole result of `statement` with `params`, as one Arrow table."""
        sql, values = self._compiled(statement, params)
        return self._result(sql, values)

    def _compiled(
        self, statement: Executable, params: dict[str, Any]
    ) -> tuple[str, list]:
        compiled = statement.compile(dialect=self.dialect)
        expanded = compiled.construct_expanded_state(params)
        return expanded.statement, list(expanded.positional_parameters)

    def _result(self, sql: str, values: list) -> pa.Table:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class PostgresReader(ArrowReader):
    """A connection of the ADBC PostgreSQL driver, in this process."""

    # Parameters as $1, $2..., which the driver binds typed.
    dialect = postgresql.psycopg.dialect(paramstyle="numeric_dollar")

    def __init__(self, url: str, limit: float | None) -> None:
        # Imported here: its module loads pandas, which a SQLite export never needs.
        import adbc_driver_postgresql.dbapi

        # autocommit off: the driver begins a transaction at once.
        self._connection = adbc_driver_postgresql.dbapi.connect(url)
        self._cursor = self._connection.cursor()
        self._limit = limit
        self.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if limit is not None:
            milliseconds = timeout_milliseconds(limit)
            self.run(f"SET LOCAL statement_timeout = {milliseconds}")

    def _result(self, sql: str, values: list) -> pa.Table:
        import adbc_driver_manager

        try:
            self._cursor.execute(sql, values or None)
            return self._cursor.fetch_arrow_table()
        except adbc_driver_manager.Error as error:
            if self._limit is not None and error.sqlstate == QUERY_CANCELED:
                raise StatementTimeout(self._limit) from error
            raise

    def run(self, sql: str) -> None:
        """Run one statement whose result is not wanted (a setting)."""
        self._cursor.execute(sql)
        self._cursor.fetchall()

    def close(self) -> None:
        try:
            self._cursor.close()
            self._connection.rollback()
        finally:
            self._connection.close()


class SqliteWorkerReader(ArrowReader):
    """A worker process (`tracker.arrow_worker`) reading a SQLite file through the
    ADBC SQLite driver, which must not share this process with Python's sqlite3."""

    dialect = sqlite.dialect()

    def __init__(self, database: str, limit: float | None) -> None:
        self._limit = limit
        package_parent = str(Path(__file__).resolve().parents[1])
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [package_parent, environment.get("PYTHONPATH")])
        )
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tracker.arrow_worker", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )

    def wait_ready(self) -> None:
        """Return once the worker has taken its snapshot."""
        self._answer(WORKER_START_SECONDS)

    def _result(self, sql: str, values: list) -> pa.Table:
        bound = [_sqlite_text(value) for value in values]
        request = json.dumps({"sql": sql, "params": bound}).encode()
        assert self._process.stdin is not None
        write_frame(self._process.stdin, TABLE, request)
        kind, payload = self._answer(self._limit)
        if kind == ERROR:
            raise OperationalError(sql, values, RuntimeError(payload.decode()))
        return pa.ipc.open_stream(payload).read_all()

    def _answer(self, seconds: float | None) -> tuple[bytes, bytes]:
        """The worker's next answer; StatementTimeout once `seconds` have passed
        (the worker is stopped: its statement runs no further)."""
        assert self._process.stdout is not None
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            self._process.kill()

        timer = None if seconds is None else threading.Timer(seconds, stop)
        if timer is not None:
            timer.start()
        try:
            frame = read_frame(self._process.stdout)
        finally:
            if timer is not None:
                timer.cancel()
        if frame is None:
            if stopped.is_set():
                assert seconds is not None
                raise StatementTimeout(seconds)
            raise RuntimeError(
                f"the SQLite reader stopped (exit code {self._process.wait()})"
            )
        return frame

    def close(self) -> None:
        try:
            if self._process.stdin is not None:
                self._process.stdin.close()  # the worker rolls back and ends
            # An idle worker ends at once; one still reading is not waited for.
            self._process.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            if self._process.stdout is not None:
                self._process.stdout.close()


def _sqlite_text(value: object) -> object:
    """A date or moment as the text SQLite holds, as Python's sqlite3 binds it
    (its default adapters); anything else as it is."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@contextmanager
def arrow_readers(session: Session, count: int) -> Iterator[list[ArrowReader]]:
    """`count` readers of the session's database that read one snapshot, the
    session's own where the database shares one (PostgreSQL); fewer when SQLite
    kept committing while they opened (at least one). None (an empty list) when
    reading through the session is the only faithful way (see the module's note)."""
    leader = session.connection()
    readers: list[ArrowReader] = []
    try:
        if leader.dialect.name == "sqlite":
            readers = _sqlite_readers(leader, count)
        elif leader.dialect.name == "postgresql":
            readers = _postgres_readers(leader, count)
        yield readers
    finally:
        for reader in readers:
            reader.close()


def _sqlite_readers(leader: Connection, count: int) -> list[ArrowReader]:
    if not others_see_what_it_sees(leader):
        return []
    database = leader.engine.url.database
    assert database is not None
    if not database.startswith("file:"):
        database = os.path.abspath(database)  # the worker's own folder may differ
    limit = statement_limit(leader)

    def open_readers(count: int) -> list[SqliteWorkerReader]:
        # Started together, they take a fifth of a second between them.
        readers = [SqliteWorkerReader(database, limit) for _ in range(count)]
        try:
            for reader in readers:
                reader.wait_ready()
        except Exception:
            for reader in readers:
                reader.close()
            raise
        return readers

    return list(
        on_one_sqlite_snapshot(leader, count, open_readers, SqliteWorkerReader.close)
    )


def _postgres_readers(leader: Connection, count: int) -> list[ArrowReader]:
    snapshot = exported_snapshot(leader)
    if snapshot is None:
        return []
    url = leader.engine.url.set(drivername="postgresql")
    libpq_url = url.render_as_string(hide_password=False)
    limit = statement_limit(leader)
    readers: list[PostgresReader] = []
    try:
        for _ in range(count):
            reader = PostgresReader(libpq_url, limit)
            readers.append(reader)
            reader.run(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            # The batch statements are wide; JIT compiling costs more than it
            # saves (tracker.export_batches.without_jit).
            reader.run("SET LOCAL jit = off")
            # Each statement reads one batch: starting parallel workers for it
            # costs more than they save, and the readers use the cores already.
            reader.run("SET LOCAL max_parallel_workers_per_gather = 0")
    except Exception:
        for reader in readers:
            reader.close()
        raise
    return readers
