"""Benchmark 7: the service-layer figures (2 and 3) on PostgreSQL.

The imported SQLite database is copied table by table (COPY) into a PostgreSQL
database migrated by tracker, so both backends answer over the same rows; a check
after the copy holds the rollup equal to the events it sums."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from tracker import models
from tracker.db import make_engine, upgrade_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def copy_into_postgres(database: Path, server_url: str, name: str) -> Engine:
    """A PostgreSQL database `name` holding the rows of the SQLite `database`."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server_url).set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    upgrade_database(engine)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
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
    return engine


def drop_database(server_url: str, name: str) -> None:
    """Remove the benchmark's PostgreSQL database."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
