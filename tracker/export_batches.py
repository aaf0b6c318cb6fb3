"""Keyset batches of an export read on several connections at once, in order.

An export of a million events is a few hundred batch statements, each mostly the
database's work: SQLite does it without Python's lock (the GIL is released while a
statement steps), PostgreSQL in its own process. So two connections reading batches
side by side nearly halve the wall time on two cores, while Python only turns rows
into lines and writes them.

The batches must still read one database: the connections share one snapshot
(`tracker.db.snapshot_connections`), so a write during the export changes nothing
in it. A batch is "the next `batch_size` events after a key (date, id)"; to start
a batch before the one before it has ended, the keys where batches start are read
ahead from the date index, `LOOKAHEAD` batches at a time."""

from __future__ import annotations

import datetime as dt
import queue
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Date, Integer, Row, Select, bindparam
from sqlalchemy.engine import Connection

from tracker.db import snapshot_connections

if TYPE_CHECKING:  # an annotation only: sqlmodel (pydantic) is slow to import
    from sqlmodel import Session

# The key a batch starts after, bound at each run: one statement is built (and
# compiled) for all the batches; building it again cost ~12 ms of Python a batch.
AFTER = (bindparam("after_date", type_=Date()), bindparam("after_id", type_=Integer()))
# The key a stretch of events read at once ends with (included).
UNTIL = (bindparam("until_date", type_=Date()), bindparam("until_id", type_=Integer()))
# Stretches whose keys one statement reads ahead.
LOOKAHEAD = 16

Params = dict[str, object]


@dataclass(frozen=True)
class BatchStatements:
    """The statements of a batched export, each row ending with its date and id.

    Read on one connection: `first`, then `rest` after the last row's key, until
    a batch has fewer than `batch_size` rows. Read at once: the rows between the
    keys read ahead, `LOOKAHEAD` at a time, by `first_starts` and then
    `next_starts` (after `AFTER`), each stretch by `first`, `first_until`,
    `between` or `rest` (`UNTIL` bounds a stretch's end, its key included)."""

    first: Select
    rest: Select
    first_until: Select
    between: Select
    first_starts: Select
    next_starts: Select


def iter_batch_lines(
    session: Session,
    statements: BatchStatements,
    line: Callable[[Row], str],
    *,
    batch_size: int,
    workers: int,
) -> Iterator[str]:
    """`line` of every row of every batch, in order, read from one snapshot with
    `workers` connections at once (one when they cannot share a snapshot)."""
    with snapshot_connections(session, workers) as readers:
        for reader in readers:
            without_jit(reader)
        if len(readers) == 1:
            yield from _serial_lines(readers[0], statements, line, batch_size)
        else:
            yield from _parallel_lines(readers, statements, line)


def _after(key: Row | tuple) -> Params:
    # SQLite gives the date as its text, PostgreSQL as a date.
    return {"after_date": dt.date.fromisoformat(str(key[0])), "after_id": key[1]}


def _until(after: Params) -> Params:
    return {"until_date": after["after_date"], "until_id": after["after_id"]}


def _batch_lines(
    connection: Connection,
    statement: Select,
    params: Params,
    line: Callable[[Row], str],
) -> tuple[list[str], Params | None]:
    """One batch's lines, and the key after its last row (None when empty)."""
    rows = connection.execute(statement, params).all()
    return [line(row) for row in rows], _after(rows[-1][-2:]) if rows else None


def _batch_starts(connection: Connection, statement: Select, params: Params):
    return [_after(key) for key in connection.execute(statement, params)]


def _stretch(
    statements: BatchStatements, start: Params | None, end: Params | None
) -> tuple[Select, Params]:
    """The statement and parameters of the rows after `start` up to `end`."""
    if end is None:
        return (statements.first, {}) if start is None else (statements.rest, start)
    if start is None:
        return statements.first_until, _until(end)
    return statements.between, {**start, **_until(end)}


def _serial_lines(
    connection: Connection,
    statements: BatchStatements,
    line: Callable[[Row], str],
    batch_size: int,
) -> Iterator[str]:
    lines, after = _batch_lines(connection, statements.first, {}, line)
    yield from lines
    while after is not None and len(lines) == batch_size:
        lines, after = _batch_lines(connection, statements.rest, after, line)
        yield from lines


def _parallel_lines(
    readers: list[Connection],
    statements: BatchStatements,
    line: Callable[[Row], str],
) -> Iterator[str]:
    """The lines of every batch, read on `readers` at once and yielded in order.

    At most one batch more than there are readers is held: memory stays bounded
    by a few batches whatever the size of the export."""
    free: queue.SimpleQueue[Connection] = queue.SimpleQueue()
    for reader in readers:
        free.put(reader)

    def on_a_reader(function, *arguments):
        connection = free.get()  # never waits: a thread per reader
        try:
            return function(connection, *arguments)
        finally:
            free.put(connection)

    pool = ThreadPoolExecutor(len(readers), thread_name_prefix="export")

    def batch(statement: Select, params: Params) -> Future:
        return pool.submit(on_a_reader, _batch_lines, statement, params, line)

    def starts(statement: Select, params: Params) -> Future:
        return pool.submit(on_a_reader, _batch_starts, statement, params)

    try:
        keys: Future | None = starts(statements.first_starts, {})
        waiting: deque[Future] = deque()
        known: deque[Params] = deque()
        start: Params | None = None
        while keys is not None or known or waiting:
            while (keys is not None or known) and len(waiting) <= len(readers):
                if not known:
                    assert keys is not None
                    found = keys.result()
                    known.extend(found)
                    more = len(found) == LOOKAHEAD
                    keys = starts(statements.next_starts, found[-1]) if more else None
                    if not more:
                        known.append(None)  # the last stretch: to the end
                end = known.popleft()
                waiting.append(batch(*_stretch(statements, start, end)))
                if end is None:
                    break
                start = end
            lines, _ = waiting.popleft().result()
            yield from lines
    finally:
        # An abandoned export (a client gone) stops here: the batches not started
        # are dropped, the running ones end before their connections go back.
        pool.shutdown(wait=True, cancel_futures=True)


def without_jit(connection: Connection) -> None:
    """Turn PostgreSQL's JIT compiling off for the rest of the transaction.

    The batch statement is wide (hundreds of text expressions) and its planner
    estimate is high (it cannot see how many rows the batch CTE's joins keep), so
    PostgreSQL JIT-compiles it, every batch again: about 3 s of compiling for a
    statement that runs in about 0.1 s without it (EXPLAIN ANALYZE, 2,000 events)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL jit = off")
