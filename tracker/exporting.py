"""Streamed exports of a filter's events: the workflow that reads them, writes a file.

Any format of `tracker.formats.EXPORTS` (native CSV, ACLED CSV, JSON Lines, GeoJSON),
written to a stream (`write_export`) or, for CSV, yielded in chunks
(`iter_export_chunks`) so a server can send a million rows in bounded memory. The
formats say what one event becomes; this module runs the queries and writes.

The native CSV's rows are assembled by the database (`tracker.native_export`), cell
for cell what `tracker.formats.native.cells` makes of a record: exports of a million
events spend their time per row, and this path is the one the CLI (`tracker export
--format csv`) and the dashboard's CSV download take. Events come in keyset batches in
date order, so memory stays bounded by the batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO, TextIO

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlmodel import Session

from tracker.formats.base import ExportFormat
from tracker.formats.native.cells import CSV_COLUMNS, csv_row
from tracker.models import Event, EventRecord, SourceRecord
from tracker.native_export import iter_native_lines
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter
from tracker.vocab import taxonomy

# Excel reads a CSV as UTF-8 (not the local code page) only when it starts with this.
UTF8_BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def write_csv(
    records: Iterable[EventRecord],
    stream: TextIO,
    columns: Sequence[str],
    row: Callable[[EventRecord], dict[str, object]],
) -> int:
    """Write `columns` as a header, then `row(record)` per event; return the count."""
    return write_rows(_cells_of(records, columns, row), stream, columns)


def write_rows(
    rows: Iterable[Sequence[object]], stream: TextIO, columns: Sequence[str]
) -> int:
    """Write `columns` as a header, then each row's cells; return the row count."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for cells in rows:
        writer.writerow(cells)
        count += 1
    return count


def write_lines(lines: Iterable[str], stream: TextIO, columns: Sequence[str]) -> int:
    """Write `columns` as a header, then lines of CSV already made (each with its line
    end); return the line count."""
    csv.writer(stream, lineterminator="\n").writerow(columns)
    count = 0
    for line in lines:
        stream.write(line)
        count += 1
    return count


def write_events_csv(records: Iterable[EventRecord], stream: TextIO) -> int:
    """Write a header and one row per event to `stream`; return the number of events."""
    return write_csv(records, stream, CSV_COLUMNS, csv_row)


def iter_csv_chunks(
    records: Iterable[EventRecord],
    *,
    columns: tuple[str, ...] = CSV_COLUMNS,
    row: Callable[[EventRecord], dict[str, object]] = csv_row,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    byte_order_mark: bool = False,
) -> Iterator[str]:
    """Yield CSV text in chunks: the header with the first rows, then further rows
    (see `iter_row_chunks`)."""
    return iter_row_chunks(
        _cells_of(records, columns, row),
        columns,
        rows_per_chunk=rows_per_chunk,
        byte_order_mark=byte_order_mark,
    )


def iter_row_chunks(
    rows: Iterable[Sequence[object]],
    columns: Sequence[str],
    *,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    byte_order_mark: bool = False,
) -> Iterator[str]:
    """CSV text of `columns` and each row's cells, in chunks of `rows_per_chunk`.

    Only one chunk is held at a time. The first chunk is yielded after the first rows
    (or the end), so reading it runs the first query. An error raised by `rows`
    propagates: the caller must not end the file as if it were complete."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if byte_order_mark:
        buffer.write(UTF8_BOM)
    writer.writerow(columns)
    pending = 0
    for cells in rows:
        writer.writerow(cells)
        pending += 1
        if pending == rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue()


def iter_piece_chunks(
    pieces: Iterable[str], *, chunk_characters: int = 1 << 16
) -> Iterator[str]:
    """Pieces of text joined into chunks of about `chunk_characters`; the first
    chunk comes after the first records are read, as for `iter_row_chunks`."""
    pending: list[str] = []
    size = 0
    for piece in pieces:
        pending.append(piece)
        size += len(piece)
        if size >= chunk_characters:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def iter_line_chunks(
    lines: Iterable[str],
    columns: Sequence[str],
    *,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    byte_order_mark: bool = False,
) -> Iterator[str]:
    """CSV text of `columns` and lines already made, in chunks of `rows_per_chunk`
    lines, with the guarantees of `iter_row_chunks`."""
    header = io.StringIO()
    if byte_order_mark:
        header.write(UTF8_BOM)
    csv.writer(header, lineterminator="\n").writerow(columns)
    pending, count = [header.getvalue()], 0
    for line in lines:
        pending.append(line)
        count += 1
        if count == rows_per_chunk:
            yield "".join(pending)
            pending, count = [], 0
    if pending:
        yield "".join(pending)


def _cells_of(
    records: Iterable[EventRecord],
    columns: Sequence[str],
    row: Callable[[EventRecord], dict[str, object]],
) -> Iterator[list[object]]:
    """Each record's row as cells in `columns` order (a missing column is empty)."""
    for record in records:
        values = row(record)
        yield [values.get(column) for column in columns]


# --- any format of tracker.formats.EXPORTS ------------------------------------------


def export_columns(
    session: Session, event_filter: EventFilter, fmt: ExportFormat
) -> tuple[str, ...]:
    """The columns of a CSV export of the filter's events: the format's, then (for
    ACLED) any other column the matching events' source records came with (`id`,
    `actor_dyad` ...), in the order first met."""
    if fmt.source_columns is None:
        return fmt.columns
    query = (
        select(SourceRecord.columns)
        .distinct()
        .join(Event, Event.id == SourceRecord.event_id)
        .where(SourceRecord.format == fmt.source_columns, *event_filter.conditions())
    )
    extra: dict[str, None] = {}
    for (columns,) in session.execute(query):
        extra.update((c, None) for c in columns if c and c not in fmt.columns)
    return (*fmt.columns, *extra)


def export_rows(
    session: Session, event_filter: EventFilter, fmt: ExportFormat
) -> tuple[tuple[str, ...], Iterator[list[object]]]:
    """The columns and the rows of cells of a CSV export made from each event's
    record (any CSV export but those the database assembles, `rows_from_sql`)."""
    columns = export_columns(session, event_filter, fmt)
    assert fmt.row is not None, f"{fmt.name} is not a CSV export"
    records = iter_event_records(session, event_filter)
    return columns, _cells_of(records, columns, fmt.row)


def write_export(
    session: Session,
    event_filter: EventFilter,
    fmt: ExportFormat,
    stream: TextIO | BinaryIO,
) -> int:
    """Write the filter's events in `fmt` to `stream` (a byte stream for a binary
    format); return the number written."""
    if fmt.write_tables is not None:
        # Imported here: it loads pyarrow, which most exports never need.
        from tracker.event_arrow import iter_event_tables

        tables = iter_event_tables(session, event_filter)
        return fmt.write_tables(tables, stream)  # type: ignore[arg-type]
    if fmt.write is not None:
        return fmt.write(iter_event_records(session, event_filter), stream)
    if fmt.rows_from_sql:
        columns = export_columns(session, event_filter, fmt)
        return write_lines(iter_native_lines(session, event_filter), stream, columns)
    columns, rows = export_rows(session, event_filter, fmt)
    return write_rows(rows, stream, columns)


def iter_export_chunks(
    session: Session,
    event_filter: EventFilter,
    fmt: ExportFormat,
    *,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    byte_order_mark: bool = False,
) -> Iterator[str]:
    """An export of the filter's events as text chunks (a CSV's header with its
    first rows), one held at a time (see `iter_row_chunks`). A format written in
    pieces (JSON Lines, GeoJSON) gets no byte order mark: JSON has none. A binary
    format (Parquet) has no text: `write_export` writes it."""
    if fmt.is_binary:
        raise ValueError(f"{fmt.name} is a binary format: write it with write_export")
    if fmt.pieces is not None:
        return iter_piece_chunks(fmt.pieces(iter_event_records(session, event_filter)))
    if fmt.rows_from_sql:
        columns = export_columns(session, event_filter, fmt)
        return iter_line_chunks(
            iter_native_lines(session, event_filter),
            columns,
            rows_per_chunk=rows_per_chunk,
            byte_order_mark=byte_order_mark,
        )
    columns, rows = export_rows(session, event_filter, fmt)
    return iter_row_chunks(
        rows, columns, rows_per_chunk=rows_per_chunk, byte_order_mark=byte_order_mark
    )


# --- ACLED: what the export leaves out ------------------------------------------------


def acled_type_condition() -> ColumnElement[bool]:
    """SQL: the event has an ACLED pair of its own or through the crosswalk.

    It mirrors `acled_pair`, so the database can count what the export will show."""
    by_type = []
    for name in taxonomy.event_types():
        if taxonomy.plover_to_acled(name, None) is not None:
            by_type.append(Event.event_type == name)  # every mode falls back to it
            continue
        modes = [
            m for m in taxonomy.modes_for(name) if taxonomy.plover_to_acled(name, m)
        ]
        if modes:
            by_type.append(and_(Event.event_type == name, Event.mode.in_(modes)))
    own_pair = and_(
        Event.acled_event_type.is_not(None), Event.acled_sub_event_type.is_not(None)
    )
    return or_(own_pair, *by_type)


def count_events_without_acled_type(session: Session, event_filter: EventFilter) -> int:
    """How many matching events ACLED would not record (empty ACLED type columns)."""
    query = (
        select(func.count())
        .select_from(Event)
        .where(*event_filter.conditions(), not_(acled_type_condition()))
    )
    return session.execute(query).scalar_one()
