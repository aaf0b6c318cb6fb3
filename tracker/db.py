"""Engines, transactions and migrations.

This is the only place that creates a database engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

from tracker.config import database_url
from tracker.errors import ConfigurationError

# SQLite waits this long for a competing writer instead of failing with
# "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    """Create an engine for `url` with our settings.

    `url` defaults to $DATABASE_URL or ./tracker.db."""
    url = database_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(
                url,
                echo=echo,
                connect_args={
                    "check_same_thread": False,
                    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                },
            )
            event.listen(engine, "connect", _set_sqlite_pragmas)
            return engine
        return create_engine(url, echo=echo, pool_pre_ping=True)
    except (ArgumentError, ModuleNotFoundError) as error:
        raise ConfigurationError(f"cannot use DATABASE_URL {url!r}: {error}") from error


def _set_sqlite_pragmas(dbapi_connection, _connection_record) -> None:
    """Foreign keys on, WAL so readers never block the writer, and a busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds.

    If the block raises, everything is rolled back."""
    session = Session(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration pointing at the migrations shipped inside the package."""
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
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Migrate the schema of `engine`'s database down to `revision`.

    Downgrading to "base" empties it."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None if it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
