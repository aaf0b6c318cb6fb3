"""Fixtures shared by every test: SQLite and PostgreSQL databases, shared data paths.

Storage tests take the parametrised `engine` fixture and so run on both backends.
PostgreSQL tests skip with a reason when the server is unreachable, unless
TRACKER_REQUIRE_POSTGRES=1 (set by CI), which turns the skip into a failure."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from tracker import models
from tracker.db import make_engine, upgrade_database

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "000_33f574f717f29a05.txt"
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def require_shared() -> Path:
    """The shared/ folder beside the repository; skip the test when it is absent,
    unless TRACKER_REQUIRE_REAL_DATA=1 (set by CI), which makes it a failure."""
    if not SHARED.is_dir():
        reason = f"{SHARED} is absent (a user's clone): this test reads ../shared/"
        if os.environ.get("TRACKER_REQUIRE_REAL_DATA") == "1":
            pytest.fail(f"TRACKER_REQUIRE_REAL_DATA=1 but {reason}")
        pytest.skip(reason)
    return SHARED


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database: a refused write leaves them all as
    they were."""
    # The names alone, not a full reflection of every column, index and key: error
    # tests count before and after every attempt, and reflecting cost ~0.1 s a call.
    with engine.connect() as connection:
        return {
            name: connection.execute(
                select(func.count()).select_from(table(name))
            ).scalar()
            for name in inspect(connection).get_table_names()
        }


def count_confirmed_events_of(database_url: str, actor: str) -> int:
    """Confirmed events the registry actor named `actor` is in, counted in plain SQL
    (the independent count that actor filters are checked against)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(DISTINCT ea.event_id) FROM event_actor ea"
                    " JOIN actor a ON a.id = ea.actor_id"
                    " JOIN event e ON e.id = ea.event_id"
                    " WHERE a.name = :actor AND e.status = 'confirmed'"
                ),
                {"actor": actor},
            ).scalar_one()
    finally:
        engine.dispose()


def postgres_unavailable(reason: str) -> None:
    """Skip, or fail when CI requires PostgreSQL."""
    if os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (TRACKER_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database migrated to head, dropped after the session."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        postgres_unavailable(f"cannot reach {POSTGRES_URL}: {error.orig}")
    url = (
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    )
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_postgres(engine: Engine) -> None:
    """Empty every table and restart the id sequences with TRUNCATE."""
    tables = ", ".join(f'"{t.name}"' for t in models.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


# A table or index the planner may see as other than freshly truncated: grown past
# the 10 pages it assumes of a table never vacuumed, or given statistics (ANALYZE,
# VACUUM, autovacuum). alembic_version is never emptied, so it is left out.
_PLANNER_SEES_ROWS = text(
    "SELECT EXISTS (SELECT 1 FROM pg_class"
    " WHERE relnamespace = current_schema()::regnamespace"
    " AND relkind IN ('r', 'i') AND relname NOT LIKE 'alembic%'"
    " AND (pg_relation_size(oid) > 10 * current_setting('block_size')::int"
    " OR (relkind = 'r' AND (relpages > 0 OR reltuples >= 0))))"
)
_RESTART_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false)"
    " FROM pg_sequences WHERE schemaname = current_schema()"
)


def clear_postgres(engine: Engine) -> None:
    """Empty every table and restart the id sequences, as `empty_postgres` does.

    TRUNCATE costs 0.1-0.4 s here (it drops the buffers of some 70 files), paid by
    every PostgreSQL test; deleting a test's few rows costs ~10 ms. The dead rows
    stay until the tables outgrow what the planner assumes of an empty one, or gain
    statistics: then it truncates, so every test still starts from tables planned
    as empty."""
    with engine.connect() as connection:
        truncate = connection.execute(_PLANNER_SEES_ROWS).scalar_one()
    if truncate:
        empty_postgres(engine)
        return
    with engine.begin() as connection:
        for table_ in reversed(models.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table_.name}"'))
        connection.execute(_RESTART_SEQUENCES)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database at the newest schema, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_database")
    engine = make_engine(url)
    clear_postgres(engine)
    engine.dispose()
    yield url


def create_postgres_database(name: str, template: str | None = None) -> str:
    """Create the database `name` (a copy of `template` if given); skip, or fail in
    CI, when the server cannot be reached."""
    copy_of = f' TEMPLATE "{template}"' if template else ""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    except OperationalError as error:
        postgres_unavailable(f"cannot reach {POSTGRES_URL}: {error.orig}")
    finally:
        admin.dispose()
    return name


def drop_postgres_database(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def postgres_url_of(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(False)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """An empty PostgreSQL database migrated to head, made once per worker: the
    template each module's own database is copied from."""
    name = create_postgres_database(f"tracker_template_{uuid.uuid4().hex[:10]}")
    engine = make_engine(postgres_url_of(name))
    upgrade_database(engine)
    engine.dispose()
    yield name
    drop_postgres_database(name)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of an empty database at the newest schema that one module's tests
    share, on each backend in turn: for real files imported once and then only
    read, where importing them for every test was most of the module's time."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "tracker.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = create_postgres_database(
        f"tracker_module_{uuid.uuid4().hex[:10]}", template=template
    )
    yield postgres_url_of(name)
    drop_postgres_database(name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine over an empty, migrated database (SQLite, then PostgreSQL)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_dir() -> Path:
    """The project's seed_data/ folder."""
    return REPO_ROOT / "seed_data"


@pytest.fixture(scope="session")
def seed_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seed events as `tracker export --format jsonl` writes them, one per line."""
    import io

    from tracker.db import session_scope
    from tracker.formats.native.cells import write_events_jsonl
    from tracker.query.events import iter_event_records
    from tracker.query.filters import EventFilter
    from tracker.seed import seed_database

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('export') / 'seed.db'}")
    upgrade_database(engine)
    with session_scope(engine) as session:
        seed_database(session, REPO_ROOT / "seed_data")
    buffer = io.StringIO()
    with session_scope(engine) as session:
        write_events_jsonl(iter_event_records(session, EventFilter()), buffer)
    engine.dispose()
    return buffer.getvalue().splitlines()


@pytest.fixture(scope="session")
def bad_seed_lines(seed_lines: list[str]) -> list[str]:
    """The seed export with two bad rows in the middle: line 7 has latitude 123,
    line 8 an unknown event type."""
    import json

    records = [json.loads(line) for line in seed_lines]
    records[6]["location"]["latitude"] = 123
    records[7]["event_type"] = "BOMBING"
    return [json.dumps(record) for record in records]
