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
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection

from tracker.arrow_reading import arrow_readers
from tracker.db import snapshot_connections
from tracker.event_columns import event_cells
from tracker.export_batches import AFTER, UNTIL, without_jit
from tracker.formats.native.cells import CSV_COLUMNS, LIST_SEPARATOR
from tracker.formats.parquet import PARQUET_SCHEMA, typed_column, without_empty
from tracker.models import Actor, Event, EventActor, EventSource, Source
from tracker.native_export import (
    ACTOR_GIVEN,
    ACTOR_HEAD,
    ACTOR_ROLE,
    ACTOR_TAIL,
    CSV_ROLES,
    SOURCE_HEAD,
    SOURCE_QUOTE,
    events_of_batch,
    link_rows,
    matching_events,
)
from tracker.query.filters import EventFilter
from tracker.query.sql_text import json_array_items, sql_string

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
# Reads one kind of item (actors, sources, links) of a batch's stretch.
ReadItems = Callable[[Read, Params], pa.Table]

# The ids of the registry rows to read (actors, sources), bound as the text of one
# JSON array: one statement, compiled once, for any number of them.
REGISTRY_IDS = bindparam("ids", type_=String())
# Registry rows whose parts are kept between batches; past this many, an export
# (of a million sources, one each) starts keeping afresh.
REGISTRY_KEPT = 100_000


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
    item_kinds: tuple[ReadItems, ...] = (
        partial(_actor_items, actor_role_rows(event_ids), RegistryParts(ACTOR_PARTS)),
        partial(
            _source_items, source_quote_rows(event_ids), RegistryParts(SOURCE_PARTS)
        ),
        partial(_link_items, link_rows(event_ids)),
    )
    reads = item_reads or [read_events]
    # Items `at` are read by reader min(at, last): with two, the actors (the
    # longest) by one, the sources and links by the other. A reader's items of
    # the next batch start once this batch's are in, so no two threads use one
    # item's registry parts at once.
    lanes: dict[int, list[int]] = {}
    for at in range(len(item_kinds)):
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
                return [item_kinds[at](reads[lane], bounds) for at in lanes[lane]]

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


def _registry_rows(column: ColumnElement[int]) -> ColumnElement[bool]:
    """`column` is one of `REGISTRY_IDS`."""
    listed = select(cast(literal_column("value"), Integer))
    return column.in_(listed.select_from(json_array_items(REGISTRY_IDS)))


# The registry's pieces of its rows' JSON objects, written by the same SQL as the
# CSV export's (`tracker.native_export`): SQL that writes them once per actor or
# source rather than once per role or citation costs PostgreSQL about a quarter
# less of a batch's item statements (2026-12-07, bench/EXPORT-NOTES.md).
ACTOR_PARTS = select(
    Actor.id.label("id"), ACTOR_HEAD.label("head"), ACTOR_TAIL.label("tail")
).where(_registry_rows(Actor.id))
SOURCE_PARTS = select(
    Source.id.label("id"),
    func.nullif(Source.url, sql_string("")).label("url"),
    SOURCE_HEAD.label("head"),
).where(_registry_rows(Source.id))


def actor_role_rows(event_ids: Select) -> Select:
    """Each actor of the events `event_ids` selects, one row per event and role:
    the event's id, the role, the actor's name and id, and the event's pieces of
    the actor's JSON object (its role, the name it gave); ordered by event, role
    and name (the order of the cells)."""
    return (
        select(
            EventActor.event_id,
            EventActor.role,
            Actor.name,
            EventActor.actor_id,
            ACTOR_ROLE,
            ACTOR_GIVEN,
        )
        .join(Actor, Actor.id == EventActor.actor_id)
        .where(EventActor.event_id.in_(event_ids))
        .order_by(EventActor.event_id, EventActor.role, Actor.name)
    )


def source_quote_rows(event_ids: Select) -> Select:
    """Each source of the events `event_ids` selects: the event's id, the source's
    id, the event's quote (NULL for none or empty) and its piece of the source's
    JSON object; ordered by event and source."""
    return (
        select(
            EventSource.event_id,
            EventSource.source_id,
            func.nullif(EventSource.quote, sql_string("")),
            SOURCE_QUOTE,
        )
        .where(EventSource.event_id.in_(event_ids))
        .order_by(EventSource.event_id, EventSource.source_id)
    )


class RegistryParts:
    """The rows of a registry (actors, sources) that an export has met, read once
    each by `statement` and kept as Arrow columns: an actor is in thousands of
    events, and so is a dataset's source."""

    def __init__(self, statement: Select, keep: int = REGISTRY_KEPT) -> None:
        self._statement = statement
        self._keep = keep
        self._kept: pa.Table | None = None

    def of(self, read: Read, ids: pa.Array) -> pa.Table:
        """The registry row of each of `ids`, in their order; those not kept yet
        read with `read`. Past `keep` rows kept, those of `ids` are read again and
        only they are kept."""
        kept = self._kept
        if kept is not None and kept.num_rows > self._keep:
            kept = None
        wanted = pc.unique(ids)
        if kept is not None:
            wanted = wanted.filter(pc.invert(pc.is_in(wanted, value_set=kept["id"])))
        if kept is None or len(wanted):
            listed = json.dumps(wanted.to_pylist())
            fresh = read(self._statement, {"ids": listed})
            fresh = pa.table(_columns(fresh), names=fresh.column_names)
            kept = fresh if kept is None else pa.concat_tables([kept, fresh])
            self._kept = kept = kept.combine_chunks()
        return kept.take(pc.index_in(ids, value_set=kept["id"]))


def _actor_items(
    statement: Select, parts: RegistryParts, read: Read, bounds: Params
) -> pa.Table:
    """The rows of `actor_rows` (tracker.native_export) for a batch's stretch:
    the event's id, role, actor's name and JSON object."""
    rows = _columns(read(statement, bounds), whole=(0, 3))
    owners, roles, names, actors, role, given = rows
    actor = parts.of(read, actors)
    items = pc.binary_join_element_wise(
        actor["head"], role, actor["tail"], given, "}", ""
    )
    return pa.table([owners, roles, names, items], names=["id", "role", "name", "json"])


def _source_items(
    statement: Select, parts: RegistryParts, read: Read, bounds: Params
) -> pa.Table:
    """The rows of `source_rows` (tracker.native_export) for a batch's stretch:
    the event's id, source's id, URL, quote and JSON object."""
    owners, sources, quotes, quote = _columns(read(statement, bounds), whole=(0, 1))
    source = parts.of(read, sources)
    items = pc.binary_join_element_wise(source["head"], quote, "}", "")
    return pa.table(
        [owners, sources, source["url"], quotes, items],
        names=["id", "source", "url", "quote", "json"],
    )


def _link_items(statement: Select, read: Read, bounds: Params) -> pa.Table:
    """The rows of `link_rows` (tracker.native_export) for a batch's stretch."""
    return read(statement, bounds)


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


def _columns(items: pa.Table, whole: tuple[int, ...] = (0,)) -> list[pa.Array]:
    """The columns of a result of item rows: ids (the owning event's first) at the
    positions `whole`, text at the others. SQLite's driver types a column by its
    values: one of nothing but NULL comes as whole numbers."""
    return [
        column.combine_chunks().cast(pa.int64() if at in whole else pa.string())
        for at, column in enumerate(items.columns)
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
