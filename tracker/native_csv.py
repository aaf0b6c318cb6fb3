"""The native CSV export read straight from SQL: the cells `tracker.exporting` writes
for a record, built from plain rows without making a validated record per event.

Exports of a million events spend their time per row; this path is the one the CLI
(`tracker export --format csv`) and the dashboard's CSV download take. Events come
in keyset batches in date order, each batch in four queries (events with their
place, then actors, sources and links), so memory stays bounded by the batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlmodel import Session

from tracker.exporting import CSV_COLUMNS, iter_row_chunks, native_cells, write_rows
from tracker.models import Event, Location
from tracker.query.events import event_parts, keyset_after
from tracker.query.filters import EventFilter

BATCH = 2000  # events per query batch
_EVENT_COLUMNS = (
    Event.id,
    Event.title,
    Event.event_type,
    Event.mode,
    Event.quad_class,
    Event.score,
    Event.contexts,
    Event.acled_event_type,
    Event.acled_sub_event_type,
    Event.date_start,
    Event.date_end,
    Event.date_precision,
    Event.fatalities_low,
    Event.fatalities_best,
    Event.fatalities_high,
    Event.civilians_killed,
    Event.children_killed,
    Event.injured,
    Event.status,
    Event.confidence,
    Event.tags,
    Event.notes,
    Event.dataset,
    Event.external_id,
    Event.created_at,
    Event.updated_at,
    Event.version,
    Event.figures_flag,
    Location.name.label("place_name"),
    Location.admin1,
    Location.country,
    Location.latitude,
    Location.longitude,
    Location.geo_precision,
)


def iter_native_rows(
    session: Session, event_filter: EventFilter, *, batch_size: int = BATCH
) -> Iterator[list[object]]:
    """The cells of every matching event in date order, `CSV_COLUMNS` order."""
    connection = session.connection()  # plain rows: no ORM bookkeeping per row
    base = (
        select(*_EVENT_COLUMNS)
        .outerjoin(Location, Location.id == Event.location_id)
        .where(*event_filter.conditions())
        .order_by(Event.date_start, Event.id)
        .limit(batch_size)
    )
    after = None
    while True:
        query = base if after is None else base.where(keyset_after(after))
        rows = connection.execute(query).all()
        if not rows:
            return
        actors, sources, links = event_parts(session, [row.id for row in rows])
        for row in rows:
            place = None
            if row.place_name is not None:
                place = {
                    "name": row.place_name,
                    "admin1": row.admin1,
                    "country": row.country,
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                    "geo_precision": row.geo_precision,
                }
            yield native_cells(
                row,
                (row.fatalities_low, row.fatalities_best, row.fatalities_high),
                place,
                actors.get(row.id, []),
                sources.get(row.id, []),
                links.get(row.id, []),
            )
        after = (rows[-1].date_start, rows[-1].id)


def write_native_csv(
    session: Session, event_filter: EventFilter, stream: TextIO
) -> int:
    """Write the header and every matching event to `stream`; return the count."""
    return write_rows(iter_native_rows(session, event_filter), stream, CSV_COLUMNS)


def iter_native_csv_chunks(
    session: Session,
    event_filter: EventFilter,
    *,
    rows_per_chunk: int = 500,
    byte_order_mark: bool = False,
) -> Iterator[str]:
    """The same CSV as text chunks (header with the first rows), one held at a time."""
    return iter_row_chunks(
        iter_native_rows(session, event_filter),
        CSV_COLUMNS,
        rows_per_chunk=rows_per_chunk,
        byte_order_mark=byte_order_mark,
    )
