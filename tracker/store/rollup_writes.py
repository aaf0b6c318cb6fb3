"""The timeline rollup of events inserted in bulk, added with one upsert per chunk
of events instead of a trigger run per row (issue 19).

`event_rollup` is kept exact by triggers (migration 0006); for a row-by-row write
that is right. A bulk import inserts thousands of rows a second, and the per-row
trigger was a third of its cost. Around its inserts, `rollup_by_statement` turns the
insert trigger off for this transaction only (SQLite: the trigger is dropped and
created again inside the transaction; PostgreSQL: a transaction-local setting the
trigger function reads, migration 0009); `rollup_sums` sums the inserted events per
rollup row as the trigger would, from the values the writer has in hand, and
`add_sums_to_rollup` adds them in the same transaction. Updates and deletes keep
their triggers. `roles_by_statement` does the same for the actor rollup's trigger on
`event_actor` (migration 0011), whose writer counts the roles in with
`tracker.store.actor_rollup.count_roles_in`. tests/storage/test_import_paths.py
compares both rollups both ways."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, UniqueConstraint, text
from sqlmodel import Session

from tracker.models import EventRollup

ROLLUP = EventRollup.__table__
# The rollup's key is its unique constraint; every other column but the id is a sum.
_UNIQUE = next(c for c in ROLLUP.constraints if isinstance(c, UniqueConstraint))
KEY = tuple(_UNIQUE.columns.keys())
SUMS = tuple(c.name for c in ROLLUP.columns if c.name not in {"id", *KEY})
INSERT_TRIGGER = "event_rollup_insert"  # SQLite's (0006)
ACTOR_ROLES_INSERT_TRIGGER = "actor_rollup_role_insert"  # SQLite's (0010)


RollupKey = tuple[Any, Any, str, str, int, str, str]
# An event's rollup key, score, fatalities low, best and high, and children killed.
RollupRow = tuple[RollupKey, float, int | None, int | None, int | None, int | None]


def rollup_sums(rows: Iterable[RollupRow]) -> dict[RollupKey, list[Any]]:
    """The rollup rows (key -> sums, in `SUMS` order) of events given as their key,
    score, fatalities low, best and high, and children killed: what the trigger
    adds for each (migration 0006), summed per key."""
    sums: dict[RollupKey, list[Any]] = {}
    for key, score, low, best, high, children in rows:
        best_ = best if best is not None else low if low is not None else high
        low_ = low if low is not None else best if best is not None else high
        high_ = high if high is not None else best if best is not None else low
        row = sums.get(key)
        if row is None:
            row = sums[key] = [0, 0.0, 0, 0, 0, 0, 0]
        row[0] += 1
        row[1] += score
        row[2] += best_ is not None
        row[3] += best_ or 0
        row[4] += low_ or 0
        row[5] += high_ or 0
        row[6] += children or 0
    return sums


def add_sums_to_rollup(session: Session, sums: dict[RollupKey, list[Any]]) -> None:
    """Add rollup rows made by `rollup_sums` (events inserted while
    `rollup_by_statement` held) to the rollup, one upsert for them all."""
    add_sums(session, ROLLUP, KEY, [(*key, *row) for key, row in sums.items()])


def add_sums(
    session: Session, table: Table, key: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Upsert `rows` (the key's columns, then every other column but an id) into
    the rollup `table`: a new key is inserted, a stored one gets the row's values
    added to its own.

    PostgreSQL: the rows are copied into a temporary table (COPY) and upserted
    from it with one statement: an executemany sent a statement per row, as many
    as the rows of a chunk since the rollups' keys hold a day or an actor, and
    arrays for `unnest` cost the client six times what COPY does to send. SQLite:
    one executemany of tuples."""
    if not rows:
        return
    sums = [c.name for c in table.columns if c.name not in {"id", *key}]
    columns = ", ".join([*key, *sums])
    adds = ", ".join(f"{s} = {table.name}.{s} + excluded.{s}" for s in sums)
    upsert = (
        f"INSERT INTO {table.name} ({columns}) {{}} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {adds}"
    )
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        staging = f"{table.name}_adding"
        # Dropped with the transaction; emptied after each use (a table created in
        # the same transaction is truncated in place, without dead rows).
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table.name} WITH NO DATA"
        )
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        connection.exec_driver_sql(upsert.format(f"SELECT {columns} FROM {staging}"))
        connection.exec_driver_sql(f"TRUNCATE {staging}")
        return
    marks = ", ".join("?" for _ in rows[0])
    connection.exec_driver_sql(upsert.format(f"VALUES ({marks})"), rows)


@contextmanager
def rollup_by_statement(session: Session) -> Iterator[None]:
    """Inserts into `event` in this block leave the rollup to `add_sums_to_rollup`.

    For this transaction only; the trigger is back when the block ends. If the
    block raises, the transaction must roll back (the import's does), and nothing
    of this remains."""
    with _by_statement(session, INSERT_TRIGGER):
        yield


@contextmanager
def roles_by_statement(session: Session) -> Iterator[None]:
    """Inserts into `event_actor` in this block leave the actor rollup to the
    writer (`tracker.store.actor_rollup.count_roles_in`), as `rollup_by_statement`
    does for events (PostgreSQL: migration 0011)."""
    with _by_statement(session, ACTOR_ROLES_INSERT_TRIGGER):
        yield


@contextmanager
def _by_statement(session: Session, sqlite_trigger: str) -> Iterator[None]:
    # One setting for both rollups: it means "this writer counts what it inserts",
    # and each block turns it on only around its own inserts.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL tracker.rollup_by_statement = 'on'"))
        yield
        session.execute(text("SET LOCAL tracker.rollup_by_statement = 'off'"))
        return
    with without_sqlite_trigger(session, sqlite_trigger):
        yield


@contextmanager
def without_sqlite_trigger(session: Session, name: str) -> Iterator[None]:
    """SQLite: the trigger `name` dropped for the block and created again after it,
    inside the transaction (SQLite's schema is transactional: a rollback brings it
    back too, and other connections never see it gone)."""
    definition = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": name},
    ).scalar_one()
    session.execute(text(f"DROP TRIGGER {name}"))
    yield
    session.execute(text(definition))
