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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.engine import Connection

from tracker.db import snapshot_connections
from tracker.event_columns import event_cells
from tracker.export_batches import AFTER, UNTIL, without_jit
from tracker.formats.native.cells import CSV_COLUMNS, LIST_SEPARATOR
from tracker.formats.parquet import PARQUET_SCHEMA, column_array, without_empty
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
DATE_AT, ID_AT = EVENT_COLUMNS.index("date_start"), EVENT_COLUMNS.index("id")

Params = dict[str, object]


def iter_event_tables(
    session: Session, event_filter: EventFilter, *, batch_size: int = BATCH
) -> Iterator[pa.Table]:
    """Every matching event in date order, as tables of `PARQUET_SCHEMA` of at
    most `batch_size` rows, read from one snapshot of the database. No table when
    no event matches."""
    events = event_cells_query(event_filter, batch_size)
    event_ids = matching_events(select(Event.id), event_filter, AFTER, UNTIL)
    items = (actor_rows(event_ids), source_rows(event_ids), link_rows(event_ids))
    with snapshot_connections(session, 1) as readers:
        reader = readers[0]
        without_jit(reader)
        after: Params = BEFORE_ALL
        while True:
            rows = _tuples(reader, events, after)
            if not rows:
                return
            last = rows[-1]
            # The date as SQLite gives it (text) or PostgreSQL (a date).
            until = {
                "until_date": dt.date.fromisoformat(str(last[DATE_AT])),
                "until_id": last[ID_AT],
            }
            actors, sources, links = (
                _tuples(reader, statement, {**after, **until}) for statement in items
            )
            yield event_table(rows, actors, sources, links)
            if len(rows) < batch_size:
                return
            after = {"after_date": until["until_date"], "after_id": last[ID_AT]}


def _tuples(reader: Connection, statement: Select, params: Params) -> list[tuple]:
    """The rows of `statement` as the driver gives them: tuples of plain values
    (no column here has a type SQLAlchemy converts). Rows of SQLAlchemy would
    double the objects the garbage collector walks: 19% more CPU at 100,000
    events (SQLite, 2026-12-07)."""
    result = reader.execute(statement, params)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


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


def event_table(
    events: Sequence[Sequence],
    actors: Sequence[Sequence],
    sources: Sequence[Sequence],
    links: Sequence[Sequence],
) -> pa.Table:
    """The table of a batch: `events` (rows of `EVENT_COLUMNS`), and the rows of
    `actor_rows`, `source_rows` and `link_rows` of those events."""
    columns = _columns(events, len(EVENT_COLUMNS))
    by_name = dict(zip(EVENT_COLUMNS, columns, strict=True))
    ids = pa.array(by_name["id"], pa.int64())
    grouped: dict[str, pa.Array] = {}

    owners, roles, names, items = _columns(actors, 4)
    owners, roles = pa.array(owners, pa.int64()), pa.array(roles, pa.string())
    names, items = pa.array(names, pa.string()), pa.array(items, pa.string())
    for role in CSV_ROLES:
        playing = pc.equal(roles, role.value)
        grouped[f"{role.value}s"] = _joined_by_event(
            ids, owners.filter(playing), names.filter(playing), LIST_SEPARATOR
        )
    grouped["actors_json"] = _json_arrays(ids, owners, items)

    owners, _, urls, quotes, items = _columns(sources, 5)
    owners = pa.array(owners, pa.int64())
    grouped["source_urls"] = _joined_by_event(ids, owners, urls, LIST_SEPARATOR)
    grouped["quotes"] = _joined_by_event(ids, owners, quotes, LIST_SEPARATOR)
    grouped["sources_json"] = _json_arrays(ids, owners, items)

    owners, _, cells, items = _columns(links, 4)
    owners = pa.array(owners, pa.int64())
    grouped["links"] = _joined_by_event(ids, owners, cells, LIST_SEPARATOR)
    grouped["links_json"] = _json_arrays(ids, owners, items)

    arrays = [
        without_empty(grouped[field.name])
        if field.name in grouped
        else column_array(by_name[field.name], field.type)
        for field in PARQUET_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=PARQUET_SCHEMA)


def _columns(rows: Sequence[Sequence], count: int) -> list[Sequence]:
    return list(zip(*rows, strict=True)) if rows else [()] * count


def _joined_by_event(
    events: pa.Array, owners: pa.Array, texts: Sequence | pa.Array, separator: str
) -> pa.Array:
    """Per event of `events`, the texts of its rows joined by `separator` in the
    order given, as the SQL aggregate joins them: NULL texts left out, NULL when
    none. `owners` (the event of each text) come grouped, as the statements order
    them."""
    texts = pa.array(texts, pa.string())
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


def _json_arrays(events: pa.Array, owners: pa.Array, items: Sequence) -> pa.Array:
    """Per event, `[item,item]` of its JSON items; NULL when it has none."""
    joined = _joined_by_event(events, owners, items, ",")
    return pc.binary_join_element_wise("[", joined, "]", "")
