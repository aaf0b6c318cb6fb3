"""The native export's columns as Arrow tables, read a column at a time.

The same events, order, columns and values as `tracker.event_columns` (the rows
a DataFrame is made of), for a Parquet file. There each batch is one statement
whose actors, sources and links are grouped per event in SQL subqueries joined
back to the events: most of an export's time at a million events (bench/GAPS.md,
section 5). Here a batch of thousands of events is four plain statements
over the same stretch of the date order: the events' own columns, and their
actors, sources and links a row each, in the order the cells join them (by
event, then role and name, source, link), each item's JSON written by the same
SQL as the CSV's. pyarrow then joins each event's items into its cells and
builds the table column by column; no Python runs per event but the database
driver's handing over of the rows.

All four statements read one snapshot (`tracker.db.snapshot_connections`), so
they agree on the events of a stretch whatever is written meanwhile. Memory is
bounded by a batch. Imported only when a Parquet file is written: pyarrow takes
a while to load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.engine import Connection

from tracker.arrow_reading import arrow_readers
from tracker.db import snapshot_connections
from tracker.event_columns import event_cells
from tracker.export_batches import AFTER, UNTIL, without_jit
from tracker.formats.native.cells import CSV_COLUMNS, LIST_SEPARATOR
from tracker.formats.parquet import PARQUET_SCHEMA, typed_column, without_empty
from tracker.models import Event
from tracker.native_export import (
    CSV_ROLES,
    actor_rows,
    events_of_batch,
    link_rows,
    matching_events,
    source_rows,
)
from tracker.query.filters import EventFilter

if TYPE_CHECKING:  # an annotation only: sqlmodel (pydantic) is slow to import
    from sqlmodel import Session

# Events per batch. At 100,000 events (SQLite, 2026-12-07) batches of 5,000,
# 10,000 and 20,000 cost the same CPU within the noise, and peaked at 234, 278
# and 358 MB: the rows are Python values until the batch's table is built.
BATCH = 5_000
# The key before every event, to start the first batch from with the statements
# of the others (no event is dated before year 1; ids start at 1).
BEFORE_ALL = {"after_date": dt.date.min, "after_id": 0}
# The columns made of an event's actors, sources and links, joined here.
GROUPED_COLUMNS = (
    *(f"{role.value}s" for role in CSV_ROLES),
    "source_urls",
    "quotes",
    "links",
    "actors_json",
    "sources_json",
    "links_json",
)
EVENT_COLUMNS = tuple(c for c in CSV_COLUMNS if c not in GROUPED_COLUMNS)

# Readers at once through ADBC: the events of the next batch on one, the actors,
# sources and links of this one on the others. At 1,000,000 events (2026-12-07)
# a batch's items cost PostgreSQL three times its events.
READERS = 3

Params = dict[str, object]
Read = Callable[[Select, Params], pa.Table]


def iter_event_tables(
    session: Session, event_filter: EventFilter, *, batch_size: int = BATCH
) -> Iterator[pa.Table]:
    """Every matching event in date order, as tables of `PARQUET_SCHEMA` of at
    most `batch_size` rows, read from one snapshot of the database. No table when
    no event matches.

    The statements' results come as Arrow columns through ADBC drivers
    (`tracker.arrow_reading`) where they can read the session's snapshot: one
    reader reads the next batch's events while the others read this batch's
    actors, sources and links, and this thread builds the tables. No reader holds
    the interpreter while the database works (PostgreSQL's driver lets go of it,
    SQLite's readers are processes), so they all share the cores.
    Otherwise as rows through the session, in turn, put into Arrow here. Same
    tables either way."""
    with arrow_readers(session, READERS) as readers:
        if readers:
            item_reads = [reader.table for reader in readers[1:]] or None
            yield from _event_tables(
                readers[0].table, item_reads, event_filter, batch_size
            )
            return
    with snapshot_connections(session, 1) as connections:
        without_jit(connections[0])
        read = partial(_row_table, connections[0])
        yield from _event_tables(read, None, event_filter, batch_size)


def _event_tables(
    read_events: Read,
    item_reads: Sequence[Read] | None,
    event_filter: EventFilter,
    batch_size: int,
) -> Iterator[pa.Table]:
    """The tables of the batches. Each batch's actors, sources and links are read
    by `item_reads`, each reader in a thread of its own, while `read_events` reads
    the next batch's events; by `read_events` in turn when there are none."""
    events = event_cells_query(event_filter, batch_size)
    event_ids = matching_events(select(Event.id), event_filter, AFTER, UNTIL)
    statements = (actor_rows(event_ids), source_rows(event_ids), link_rows(event_ids))
    reads = item_reads or [read_events]
    # Statement `at` is read by reader min(at, last): with two, the actors (the
    # longest) by one, the sources and links by the other.
    lanes: dict[int, list[int]] = {}
    for at in range(len(statements)):
        lanes.setdefault(min(at, len(reads) - 1), []).append(at)

    def batch_after(after: Params) -> _Batch | None:
        rows = typed_events(read_events(events, after))
        return _Batch(rows, after) if rows.num_rows else None

    with ThreadPoolExecutor(max_workers=len(reads)) as pool:
        # Waiting for the pool on the way out: no statement runs on a reader
        # once its connection is closed, nor on a session given back.

        def start_items(batch: _Batch) -> list[Future]:
            bounds = {**batch.after, **batch.until}

            def read_lane(lane: int) -> list[pa.Table]:
                return [reads[lane](statements[at], bounds) for at in lanes[lane]]

            if item_reads is None:  # one connection: now, in turn
                done: Future = Future()
                done.set_result(read_lane(0))
                return [done]
            return [pool.submit(read_lane, lane) for lane in lanes]

        batch = batch_after(BEFORE_ALL)
        items = [] if batch is None else start_items(batch)
        while batch is not None:
            following = None
            if batch.events.num_rows == batch_size:
                following = batch_after(batch.next_after())
            actors, sources, links = [t for lane in items for t in lane.result()]
            if following is not None:
                items = start_items(following)
            yield event_table(batch.events, actors, sources, links)
            batch = following


class _Batch:
    """The events of one batch and the keyset bounds of its stretch."""

    def __init__(self, events: pa.Table, after: Params) -> None:
        self.events = events
        self.after = after
        self.until: Params = {
            "until_date": events["date_start"][-1].as_py(),
            "until_id": events["id"][-1].as_py(),
        }

    def next_after(self) -> Params:
        return {
            "after_date": self.until["until_date"],
            "after_id": self.until["until_id"],
        }


def _row_table(reader: Connection, statement: Select, params: Params) -> pa.Table:
    """The rows of `statement` as the driver gives them (tuples of plain values:
    no column here has a type SQLAlchemy converts), put into Arrow a column at a
    time. Rows of SQLAlchemy would double the objects the garbage collector walks:
    19% more CPU at 100,000 events (SQLite, 2026-12-07)."""
    result = reader.execute(statement, params)
    try:
        rows = result.cursor.fetchall()
        names = [column[0] for column in result.cursor.description]
    finally:
        result.close()
    columns = zip(*rows, strict=True) if rows else [()] * len(names)
    return pa.table([pa.array(values) for values in columns], names=names)


def event_cells_query(event_filter: EventFilter, batch_size: int) -> Select:
    """The statement of one batch: up to `batch_size` events after `AFTER`, the
    columns of `EVENT_COLUMNS` (dates and timestamps as the database's text on
    SQLite, which pyarrow parses a column at a time)."""
    # The events' own statement, its columns replaced by the cells: no common
    # table expression, which SQLite wrote out and sorted again (twice the time).
    events = events_of_batch(event_filter, AFTER, batch_size)
    cells = event_cells(events.selected_columns)
    for column in ("date_start", "date_end"):
        cells[column] = type_coerce(cells[column], String())
    return events.with_only_columns(
        *(cells[column].label(column) for column in EVENT_COLUMNS)
    )


def typed_events(events: pa.Table) -> pa.Table:
    """The result of `event_cells_query` with each column of its type in
    `PARQUET_SCHEMA`."""
    return pa.table(
        [
            typed_column(events[column], PARQUET_SCHEMA.field(column).type)
            for column in EVENT_COLUMNS
        ],
        names=list(EVENT_COLUMNS),
    )


def event_table(
    events: pa.Table, actors: pa.Table, sources: pa.Table, links: pa.Table
) -> pa.Table:
    """The table of a batch: `events` (`typed_events`), and the results of
    `actor_rows`, `source_rows` and `link_rows` for those events."""
    ids = events["id"].combine_chunks()
    grouped: dict[str, pa.Array] = {}

    owners, roles, names, items = _columns(actors)
    for role in CSV_ROLES:
        playing = pc.equal(roles, role.value)
        grouped[f"{role.value}s"] = _joined_by_event(
            ids, owners.filter(playing), names.filter(playing), LIST_SEPARATOR
        )
    grouped["actors_json"] = _json_arrays(ids, owners, items)

    owners, _, urls, quotes, items = _columns(sources)
    grouped["source_urls"] = _joined_by_event(ids, owners, urls, LIST_SEPARATOR)
    grouped["quotes"] = _joined_by_event(ids, owners, quotes, LIST_SEPARATOR)
    grouped["sources_json"] = _json_arrays(ids, owners, items)

    owners, _, cells, items = _columns(links)
    grouped["links"] = _joined_by_event(ids, owners, cells, LIST_SEPARATOR)
    grouped["links_json"] = _json_arrays(ids, owners, items)

    arrays = [
        without_empty(grouped[field.name])
        if field.name in grouped
        else events[field.name].combine_chunks()
        for field in PARQUET_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=PARQUET_SCHEMA)


def _columns(items: pa.Table) -> list[pa.Array]:
    """The columns of a result of item rows: the owning event's id, then text."""
    columns = [column.combine_chunks() for column in items.columns]
    return [
        column.cast(pa.int64() if at == 0 else pa.string())
        for at, column in enumerate(columns)
    ]


def _joined_by_event(
    events: pa.Array, owners: pa.Array, texts: pa.Array, separator: str
) -> pa.Array:
    """Per event of `events`, the texts of its rows joined by `separator` in the
    order given, as the SQL aggregate joins them: NULL texts left out, NULL when
    none. `owners` (the event of each text) come grouped, as the statements order
    them."""
    known = texts.is_valid()
    owners, texts = owners.filter(known), texts.filter(known)
    count = len(owners)
    if count == 0:
        return pa.nulls(len(events), pa.string())
    changes = pc.not_equal(owners.slice(1), owners.slice(0, count - 1))
    starts = pa.concat_arrays(
        [
            pa.array([0], pa.int32()),
            pc.add(pc.indices_nonzero(changes), 1).cast(pa.int32()),
        ]
    )
    offsets = pa.concat_arrays([starts, pa.array([count], pa.int32())])
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, texts), separator)
    return joined.take(pc.index_in(events, value_set=owners.take(starts)))


def _json_arrays(events: pa.Array, owners: pa.Array, items: pa.Array) -> pa.Array:
    """Per event, `[item,item]` of its JSON items; NULL when it has none."""
    joined = _joined_by_event(events, owners, items, ",")
    return pc.binary_join_element_wise("[", joined, "]", "")
