"""Engines, transactions, statement time limits and migrations.

This is the only place that creates a database engine. An engine may limit how long
one statement runs (`make_engine(statement_timeout=...)`, changed for one unit of work
by `limit_statements`): PostgreSQL stops it itself (`statement_timeout`), SQLite
through a progress handler that interrupts it past its deadline. Either way the
statement raises `StatementTimeout`, and the connection goes back to the pool for the
next request instead of working on for a client that has gone."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import ArgumentError

from tracker.config import database_url
from tracker.errors import ConfigurationError, StatementTimeout

if TYPE_CHECKING:  # Alembic is imported by the migrations alone: reads start faster
    from alembic.config import Config
    from sqlmodel import Session

# SQLite waits this long for a competing writer instead of failing with
# "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


# SQLite calls the deadline check after this many virtual-machine instructions: often
# enough to stop within milliseconds, rarely enough to cost nothing measurable.
SQLITE_PROGRESS_STEPS = 10_000
VERSION_TABLE = "alembic_version"  # where Alembic records the revision
_LIMIT = "tracker_statement_timeout"  # connection info: this unit of work's limit
_DEADLINE = "tracker_statement_deadline"  # connection info: SQLite's deadline
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped


def make_engine(
    url: str | None = None,
    *,
    echo: bool = False,
    statement_timeout: float | None = None,
) -> Engine:
    """Create an engine for `url` with our settings.

    `url` defaults to $DATABASE_URL or ./tracker.db. `statement_timeout` is how many
    seconds one statement may run before it is stopped with `StatementTimeout` (None:
    no limit)."""
    url = database_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(
                url,
                echo=echo,
                json_deserializer=_json_loads,
                connect_args={
                    "check_same_thread": False,
                    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                },
            )
            event.listen(engine, "connect", _set_sqlite_pragmas)
            _limit_sqlite_statements(engine, statement_timeout)
        else:
            engine = create_engine(
                url, echo=echo, pool_pre_ping=True, json_deserializer=_json_loads
            )
            _limit_postgres_statements(engine, statement_timeout)
    except (ArgumentError, ModuleNotFoundError) as error:
        raise ConfigurationError(f"cannot use DATABASE_URL {url!r}: {error}") from error
    event.listen(engine, "handle_error", _report_timeout)
    return engine


def _json_loads(text: str | bytes) -> Any:
    """JSON columns decoded by pydantic-core's parser (Rust): a page of 500 whole
    records decodes 2,000 of them, in two thirds of the time `json.loads` takes
    (imported on first use: `tracker --help` never decodes one).

    It refuses what `json.loads` reads and `json.dumps` writes for a lone
    surrogate ("\\ud800", text a hostile file can carry): such a value is read
    by `json.loads`, as before."""
    global _from_json
    if _from_json is None:
        from pydantic_core import from_json

        _from_json = from_json
    try:
        return _from_json(text)
    except ValueError:
        return json.loads(text)


_from_json: Callable[[str | bytes], Any] | None = None  # set on first use


def _set_sqlite_pragmas(dbapi_connection, _connection_record) -> None:
    """Foreign keys on, WAL so readers never block the writer, and a busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def limit_statements(session: Session, seconds: float | None) -> None:
    """For the rest of `session`'s unit of work, let each statement run `seconds`
    (None: no limit) instead of the engine's limit; a long download may take longer
    than a page. The engine's limit is back for the next unit of work."""
    _limit_connection(session.connection(), seconds)


def statement_limit(connection: Connection) -> float | None:
    """The seconds a statement of `connection` may run (None: no limit)."""
    return connection.info.get(_LIMIT)


def _limit_connection(connection: Connection, seconds: float | None) -> None:
    connection.info[_LIMIT] = seconds
    if connection.dialect.name == "postgresql":
        # is_local: like SET LOCAL, it ends with the transaction.
        connection.execute(
            text("SELECT set_config('statement_timeout', :value, true)"),
            {"value": str(0 if seconds is None else timeout_milliseconds(seconds))},
        )


def timeout_milliseconds(seconds: float) -> int:
    """PostgreSQL's `statement_timeout` for a limit of `seconds`."""
    return max(1, round(seconds * 1000))  # 0 would mean no limit


def _limit_postgres_statements(engine: Engine, seconds: float | None) -> None:
    """PostgreSQL stops a statement itself after `statement_timeout`; each new
    connection starts with the engine's limit."""

    @event.listens_for(engine, "connect")
    def set_timeout(dbapi_connection, connection_record) -> None:
        connection_record.info[_LIMIT] = seconds
        if seconds is None:
            return  # the server's own setting holds
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout_milliseconds(seconds)}")
        dbapi_connection.commit()

    @event.listens_for(engine, "checkin")
    def restore_limit(_dbapi_connection, connection_record) -> None:
        connection_record.info[_LIMIT] = seconds


def _limit_sqlite_statements(engine: Engine, seconds: float | None) -> None:
    """SQLite has no statement timeout: each statement gets a deadline when it
    starts, which a progress handler checks while the statement runs (fetching its
    rows included) and answers by interrupting it. Time spent waiting for a lock is
    not counted: `busy_timeout` bounds that."""

    @event.listens_for(engine, "connect")
    def install_handler(dbapi_connection, connection_record) -> None:
        info = connection_record.info
        info[_LIMIT] = seconds
        info[_DEADLINE] = None

        def past_deadline() -> bool:
            deadline = info[_DEADLINE]
            return deadline is not None and time.monotonic() > deadline

        dbapi_connection.set_progress_handler(past_deadline, SQLITE_PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def start_clock(connection, _cursor, _statement, _parameters, _context, _many):
        limit = connection.info.get(_LIMIT)
        connection.info[_DEADLINE] = None if limit is None else time.monotonic() + limit

    @event.listens_for(engine, "checkin")
    def restore_limit(_dbapi_connection, connection_record) -> None:
        # Statements run on the raw connection (bulk writes) see no deadline.
        connection_record.info[_LIMIT] = seconds
        connection_record.info[_DEADLINE] = None


def _report_timeout(context: ExceptionContext) -> None:
    """Raise `StatementTimeout` for a statement stopped for running too long, so
    every caller can tell it from a broken query."""
    error = context.original_exception
    # The time limit is the only canceller we run.
    stopped = getattr(error, "sqlstate", None) == QUERY_CANCELED or (
        isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted"
    )
    if not stopped or context.connection is None:
        return
    limit = context.connection.info.get(_LIMIT)
    if limit is not None:
        raise StatementTimeout(limit) from error


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds.

    If the block raises, everything is rolled back."""
    # Imported here: SQLModel brings pydantic, which `tracker list` reads without.
    from sqlmodel import Session

    session = Session(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# SQLite: how many times to try to open the readers' read transactions with no commit
# in between before reading with one connection.
SNAPSHOT_ATTEMPTS = 3
Reader = TypeVar("Reader")


@contextmanager
def snapshot_connections(session: Session, count: int) -> Iterator[list[Connection]]:
    """`count` connections that read one snapshot of the database, each in its own
    read-only transaction, for reading one whole result in parallel (an export)
    as a single transaction would; rolled back and returned to the pool at the end.

    PostgreSQL: the session's transaction exports its snapshot
    (`pg_export_snapshot()`) and each connection imports it in a REPEATABLE READ
    transaction. SQLite (WAL) has no shared snapshots: the connections open their
    read transactions between two readings of `PRAGMA data_version` on the
    session's connection, and are kept only if no commit came between.

    The session's own connection for a SQLite database in memory or a session that
    has written (others would not see its writes); one reader when SQLite commits
    all the time. Each connection keeps the session's statement time limit."""
    leader = session.connection()
    readers: list[Connection] = []
    try:
        if leader.dialect.name == "postgresql":
            readers = _postgres_readers(leader, count)
        elif leader.dialect.name == "sqlite":
            readers = _sqlite_readers(leader, count)
        yield readers or [leader]
    finally:
        for reader in readers:
            reader.close()  # rolls the read transaction back


def _postgres_readers(leader: Connection, count: int) -> list[Connection]:
    snapshot = exported_snapshot(leader)
    if snapshot is None:
        return []
    readers = []
    for _ in range(count):
        reader = leader.engine.connect().execution_options(
            isolation_level="REPEATABLE READ"
        )
        readers.append(reader)
        reader.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        reader.exec_driver_sql("SET TRANSACTION READ ONLY")
        _limit_connection(reader, leader.info.get(_LIMIT))
    return readers


def _sqlite_readers(leader: Connection, count: int) -> list[Connection]:
    if not others_see_what_it_sees(leader):
        return []

    def open_readers(count: int) -> list[Connection]:
        readers = [leader.engine.connect() for _ in range(count)]
        for reader in readers:
            _limit_connection(reader, leader.info.get(_LIMIT))
            # A deferred BEGIN takes its snapshot at the first read.
            reader.exec_driver_sql("BEGIN")
            reader.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
        return readers

    return on_one_sqlite_snapshot(leader, count, open_readers, Connection.close)


def exported_snapshot(leader: Connection) -> str | None:
    """PostgreSQL: the name under which other connections can read the snapshot of
    `leader`'s transaction; None when it has written (they would not see that)."""
    wrote = leader.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()")
    if wrote.scalar() is not None:
        return None
    return leader.exec_driver_sql("SELECT pg_export_snapshot()").scalar()


def others_see_what_it_sees(leader: Connection) -> bool:
    """SQLite: whether another connection reads the same database as `leader` does:
    not one in memory (another's would be another database), nor while `leader`
    has written and not committed."""
    database = leader.engine.url.database
    raw = leader.connection.dbapi_connection
    in_memory = database in (None, "", ":memory:")
    return not in_memory and not getattr(raw, "in_transaction", True)


def on_one_sqlite_snapshot(
    leader: Connection,
    count: int,
    open_readers: Callable[[int], list[Reader]],
    close: Callable[[Reader], None],
) -> list[Reader]:
    """`count` readers of a SQLite file that read one snapshot. `open_readers(n)`
    opens n, each having taken its snapshot (begun a read transaction and read).
    SQLite has no shared snapshots: they are kept only if no other connection
    committed between two readings of `leader`'s data version around their
    opening; after SNAPSHOT_ATTEMPTS tries, one reader, a snapshot by itself."""
    for attempt in range(SNAPSHOT_ATTEMPTS + 1):
        if attempt == SNAPSHOT_ATTEMPTS:
            count = 1
        before = data_version(leader)
        readers = open_readers(count)
        if count == 1 or data_version(leader) == before:
            return readers
        for reader in readers:
            close(reader)
    raise AssertionError("unreachable: the last attempt keeps one reader")


def data_version(connection: Connection) -> int:
    """A number that changes when another connection commits (SQLite)."""
    return connection.exec_driver_sql("PRAGMA data_version").scalar_one()


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("tracker") / "migrations"))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url",
            engine.url.render_as_string(hide_password=False).replace("%", "%%"),
        )
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema of `engine`'s database to `revision` (head by default)."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Migrate the schema of `engine`'s database down to `revision`.

    Downgrading to "base" empties it."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None if it was never migrated."""
    # Read as Alembic's MigrationContext.get_current_revision reads it, without
    # importing Alembic, which every command checks before it starts.
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions = connection.execute(
            text(f"SELECT version_num FROM {VERSION_TABLE}")
        ).scalars()
        return next(iter(versions), None)
