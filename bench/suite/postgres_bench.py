"""PostgreSQL for the benchmarks: scratch databases the run creates and drops, and a
copy of an imported SQLite database for runs that skip the import.

Normally each size's PostgreSQL database is the one `tracker import` made (triggers
on, as a user's import); with `--skip import` the imported SQLite database is copied
table by table (COPY, triggers off) into a database migrated by tracker instead, so
both backends still answer over the same rows; a check after the copy holds the
rollup equal to the events it sums."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker import models
from tracker.db import make_engine, upgrade_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class ScratchDatabases:
    """The databases one run makes on a server, named with the run's process id so
    two runs on one server never share one; `drop_all` removes whatever is left."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"tracker_bench_{os.getpid()}"
        self.names: set[str] = set()

    def url(self, name: str) -> str:
        """The tracker URL of scratch database `name`."""
        url = make_url(self.server_url).set(database=f"{self.prefix}_{name}")
        return url.render_as_string(hide_password=False)

    def create(self, name: str) -> str:
        """A new, empty database `name` (dropped first if left over); its URL."""
        self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.prefix}_{name}"')
        self.names.add(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        """Remove database `name`."""
        self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{name}" WITH (FORCE)')
        self.names.discard(name)

    def drop_all(self) -> None:
        for name in sorted(self.names):
            self.drop(name)

    def _admin(self, statement: str) -> None:
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()


@contextmanager
def scratch_databases(server_url: str) -> Iterator[ScratchDatabases]:
    """Scratch databases on `server_url`, all dropped when the block ends."""
    databases = ScratchDatabases(server_url)
    try:
        yield databases
    finally:
        databases.drop_all()


def copy_into_postgres(database: Path, url: str) -> None:
    """Fill the new, empty PostgreSQL database at `url` with the rows of the SQLite
    `database`, migrating it first."""
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    conninfo = (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with sqlite3.connect(database) as source, psycopg.connect(conninfo) as target:
        target.execute("SET TIME ZONE 'UTC'")
        # Rows are copied as the source holds them, the rollup table included: no
        # triggers (they would count every event into the rollup a second time).
        target.execute("SET session_replication_role = replica")
        for table in models.metadata.sorted_tables:
            columns = [column.name for column in table.columns]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = source.execute(f'SELECT {quoted} FROM "{table.name}"')
            with target.cursor().copy(
                f'COPY "{table.name}" ({quoted}) FROM STDIN'
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            if "id" in columns and len(table.primary_key.columns) == 1:
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
        target.commit()
        target.execute("ANALYZE")
        summed, counted = target.execute(
            "SELECT (SELECT sum(events) FROM event_rollup), "
            "(SELECT count(*) FROM event)"
        ).fetchone()
    if summed != counted:
        raise RuntimeError(f"rollup sums {summed} events, the copy holds {counted}")
