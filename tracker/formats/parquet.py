"""Parquet files of the native export's rows, with typed columns, through pyarrow.

The columns are the native CSV's (`CSV_COLUMNS`), typed for pandas, R (arrow) and
DuckDB: dates as date32, timestamps in UTC, counts as int64 with nulls, the
vocabularies (event type, mode, status, precisions, dataset) as dictionaries, the
rest as text; an empty text is null, as it is an empty cell in the CSV. Each chunk
of rows becomes one row group, so a big export is written in bounded memory.

The file is written from Arrow tables that `tracker.event_arrow` reads a column
at a time; a DataFrame (`tracker.frames`) is made from rows of plain values
(`tracker.event_columns`) put into Arrow arrays column by column, without pandas.
Imported only when Arrow is needed: pyarrow takes a while to load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tracker.formats.native.cells import CSV_COLUMNS
from tracker.formats.native.kinds import (
    CATEGORY_COLUMNS,
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INTEGER_COLUMNS,
    TIMESTAMP_COLUMNS,
)

TIMESTAMP = pa.timestamp("us", tz="UTC")
NO_TEXT = pa.scalar(None, pa.string())


def parquet_type(column: str) -> pa.DataType:
    """The Arrow type of a native column in a Parquet export."""
    if column == "id" or column in INTEGER_COLUMNS:
        return pa.int64()
    if column in FLOAT_COLUMNS:
        return pa.float64()
    if column in DATE_COLUMNS:
        return pa.date32()
    if column in TIMESTAMP_COLUMNS:
        return TIMESTAMP
    if column in CATEGORY_COLUMNS:
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


PARQUET_SCHEMA = pa.schema(
    [
        pa.field(column, parquet_type(column), nullable=column != "id")
        for column in CSV_COLUMNS
    ]
)


def write_parquet(tables: Iterable[pa.Table], target: BinaryIO | str) -> int:
    """Write tables of `PARQUET_SCHEMA` (`tracker.event_arrow` reads them) to
    `target` as one Parquet file, a row group a table; return the number of rows.

    Each table is compressed and written in a thread of its own while the next is
    read (pyarrow lets go of the interpreter meanwhile): a quarter of an export's
    time at a million events (PostgreSQL, 2026-12-07). One table waits at most."""
    count = 0
    with (
        pq.ParquetWriter(target, PARQUET_SCHEMA, compression="zstd") as writer,
        ThreadPoolExecutor(max_workers=1) as writing,
    ):
        written: Future | None = None
        for table in tables:
            if written is not None:
                written.result()
            rows = max(table.num_rows, 1)
            written = writing.submit(writer.write_table, table, row_group_size=rows)
            count += table.num_rows
        if written is not None:
            written.result()
    return count


def arrow_table(rows: Sequence[tuple]) -> pa.Table:
    """An Arrow table of `PARQUET_SCHEMA` holding `rows` (also the way rows become
    a DataFrame, `tracker.frames`)."""
    columns = zip(*rows, strict=True) if rows else [()] * len(CSV_COLUMNS)
    arrays = [
        column_array(values, field.type)
        for field, values in zip(PARQUET_SCHEMA, columns, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=PARQUET_SCHEMA)


def column_array(values: Sequence, kind: pa.DataType) -> pa.Array:
    """The values of one column, as the database gives them, as an array of
    `kind` (a type of `PARQUET_SCHEMA`)."""
    return typed_column(pa.array(values), kind)


def typed_column(column: pa.Array | pa.ChunkedArray, kind: pa.DataType) -> pa.Array:
    """A column as a database driver gives it in Arrow, as an array of `kind` (a
    type of `PARQUET_SCHEMA`): dates and timestamps as SQLite's text, a column of
    nothing but NULL as int64 or null, numbers of any width."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.null_count == len(column):
        return pa.nulls(len(column), kind)
    if kind == TIMESTAMP and pa.types.is_string(column.type):
        return _moments(column)
    if kind == pa.string() or pa.types.is_dictionary(kind):
        texts = without_empty(column.cast(pa.string()))
        return texts.dictionary_encode() if kind != pa.string() else texts
    return column.cast(kind)


def without_empty(texts: pa.Array) -> pa.Array:
    """`texts` with each empty text null, as an empty cell of the CSV is."""
    return pc.if_else(pc.equal(texts, ""), NO_TEXT, texts)


def _moments(texts: pa.Array) -> pa.Array:
    """UTC timestamps from SQLite's text (without a zone, in UTC)."""
    try:
        return texts.cast(pa.timestamp("us")).cast(TIMESTAMP)
    except pa.ArrowInvalid:  # a shape Arrow does not parse: Python does
        moments = [
            None if v is None else dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC)
            for v in texts.to_pylist()
        ]
        return pa.array(moments, TIMESTAMP)
