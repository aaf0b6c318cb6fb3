"""The native export's columns as typed values, read by the database in batches.

The same events, in the same order and the same `CSV_COLUMNS`, as the native CSV
export (`tracker.native_export`), but each cell a value of its own: dates as dates,
counts as whole numbers or None, timestamps as the database gives them (UTC text on
SQLite, aware datetimes on PostgreSQL), text as it is stored (no apostrophe before a
formula, which only a spreadsheet needs). The cells a record joins (each role's
actors, source URLs, quotes, links, the JSON columns, contexts and tags) come from
the very same SQL as the CSV's; only the quoting and joining into a line is left
out. So a DataFrame or a Parquet file of a filter holds what its CSV holds, and
reading it spends no time writing and parsing text.

Batches are keyset batches in date order on one snapshot (`tracker.export_batches`):
memory stays bounded by a batch whatever the number of events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy import null as sql_null

from tracker.export_batches import AFTER, UNTIL, BatchStatements, iter_batch_lines
from tracker.formats.native.cells import CSV_COLUMNS, LIST_SEPARATOR
from tracker.native_export import (
    BATCH,
    CSV_ROLES,
    actors_of_batch,
    batch_of_events,
    batch_starts_query,
    links_of_batch,
    sources_of_batch,
)
from tracker.query.filters import EventFilter
from tracker.query.sql_text import joined_text, json_array_items, json_array_length

if TYPE_CHECKING:  # an annotation only: sqlmodel (pydantic) is slow to import
    from sqlalchemy.sql.base import ReadOnlyColumnCollection
    from sqlmodel import Session

# The connections reading batches at once: as the CSV export (see WORKERS there).
WORKERS = 1


def iter_event_rows(
    session: Session,
    event_filter: EventFilter,
    *,
    batch_size: int = BATCH,
    workers: int = WORKERS,
) -> Iterator[tuple]:
    """Every matching event as a tuple of values in `CSV_COLUMNS` order, in date
    order, read from one snapshot of the database a batch at a time."""
    statements = BatchStatements(
        first=event_values_query(event_filter, None, batch_size),
        rest=event_values_query(event_filter, AFTER, batch_size),
        first_until=event_values_query(event_filter, None, batch_size, UNTIL),
        between=event_values_query(event_filter, AFTER, batch_size, UNTIL),
        first_starts=batch_starts_query(None, batch_size),
        next_starts=batch_starts_query(AFTER, batch_size),
    )
    return iter_batch_lines(
        session, statements, _values, batch_size=batch_size, workers=workers
    )


def _values(row) -> tuple:
    # The last two columns are the batch's keyset (the date as text, the id).
    return tuple(row[: len(CSV_COLUMNS)])


def event_values_query(
    event_filter: EventFilter,
    after: tuple | None,
    batch_size: int,
    until: tuple | None = None,
) -> Select:
    """The statement of one batch: up to `batch_size` events after `after` (up to
    `until`), one column per `CSV_COLUMNS`, then the date and id of the keyset."""
    batch = batch_of_events(event_filter, after, batch_size, until)
    e = batch.c
    actors, sources, links = (
        actors_of_batch(batch),
        sources_of_batch(batch),
        links_of_batch(batch),
    )
    a, s, k = actors.c, sources.c, links.c
    joined: dict[str, ColumnElement] = {
        **{f"{role.value}s": a[role.value] for role in CSV_ROLES},
        "source_urls": s.urls,
        "quotes": s.quotes,
        "links": k.cell,
        "actors_json": a.json,
        "sources_json": s.json,
        "links_json": k.json,
    }
    own = event_cells(e)
    cells = {name: own[name] if name in own else joined[name] for name in CSV_COLUMNS}
    return (
        select(
            *(cell.label(name) for name, cell in cells.items()),
            type_coerce(e.date_start, String()),
            e.id,
        )
        .select_from(batch)
        .outerjoin(actors, actors.c.event_id == e.id)
        .outerjoin(sources, sources.c.event_id == e.id)
        .outerjoin(links, links.c.event_id == e.id)
        .order_by(e.date_start, e.id)
    )


def event_cells(e: ReadOnlyColumnCollection[str, Any]) -> dict[str, ColumnElement]:
    """The cells of `CSV_COLUMNS` that an event's own row gives (all but its
    actors', sources' and links' cells), over the columns of `batch_of_events`."""
    return {
        "id": e.id,
        "title": e.title,
        "event_type": e.event_type,
        "mode": e.mode,
        "quad_class": e.quad_class,
        "score": e.score,
        "contexts": _list_text(e.contexts),
        "acled_event_type": e.acled_event_type,
        "acled_sub_event_type": e.acled_sub_event_type,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "date_precision": e.date_precision,
        "location": e.place_name,
        "admin1": e.admin1,
        "admin2": e.admin2,
        "country": e.country,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "geo_precision": e.geo_precision,
        "fatalities_low": e.fatalities_low,
        "fatalities_best": e.fatalities_best,
        "fatalities_high": e.fatalities_high,
        "civilians_killed": e.civilians_killed,
        "children_killed": e.children_killed,
        "injured": e.injured,
        "status": e.status,
        "confidence": e.confidence,
        "tags": _list_text(e.tags),
        "notes": e.notes,
        "dataset": e.dataset,
        "external_id": e.external_id,
        # As the database gives them (SQLite: UTC as text): parsing each in Python
        # took a fifth of the read; pandas parses a column at once.
        "created_at": type_coerce(e.created_at, String()),
        "updated_at": type_coerce(e.updated_at, String()),
        "version": e.version,
        "figures_flag": e.figures_flag,
    }


def _list_text(column: ColumnElement) -> ColumnElement[str]:
    """The texts of a JSON array column (contexts, tags) joined as the CSV cell
    joins them; NULL for none."""
    value, key = literal_column("value"), literal_column("key")
    joined = select(joined_text(value, LIST_SEPARATOR, key)).select_from(
        json_array_items(column)
    )
    # Nearly every event has none: the test spares a subquery a row.
    return case(
        (json_array_length(column) == 0, sql_null()),
        else_=joined.scalar_subquery(),
    )
