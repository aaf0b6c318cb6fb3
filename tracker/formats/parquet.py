"""Parquet files of the native export's rows, with typed columns, through pyarrow.

The columns are the native CSV's (`CSV_COLUMNS`), typed for pandas, R (arrow) and
DuckDB: dates as date32, timestamps in UTC, counts as int64 with nulls, the
vocabularies (event type, mode, status, precisions, dataset) as dictionaries, the
rest as text. Each DataFrame chunk of `tracker.frames` becomes one row group, so a
big export is written in bounded memory. Imported only when a Parquet file is
written: pyarrow takes a while to load."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tracker.formats.native.cells import CSV_COLUMNS
from tracker.formats.native.kinds import (
    CATEGORY_COLUMNS,
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INTEGER_COLUMNS,
    TIMESTAMP_COLUMNS,
)


def parquet_type(column: str) -> pa.DataType:
    """The Arrow type of a native column in a Parquet export."""
    if column == "id" or column in INTEGER_COLUMNS:
        return pa.int64()
    if column in FLOAT_COLUMNS:
        return pa.float64()
    if column in DATE_COLUMNS:
        return pa.date32()
    if column in TIMESTAMP_COLUMNS:
        return pa.timestamp("us", tz="UTC")
    if column in CATEGORY_COLUMNS:
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


PARQUET_SCHEMA = pa.schema(
    [
        pa.field(column, parquet_type(column), nullable=column != "id")
        for column in CSV_COLUMNS
    ]
)


def write_parquet(frames: Iterable[pd.DataFrame], target: BinaryIO | str) -> int:
    """Write the events of `frames` (DataFrames of `tracker.frames`) to `target` as
    one Parquet file, a row group a frame; return the number of rows."""
    count = 0
    with pq.ParquetWriter(target, PARQUET_SCHEMA, compression="zstd") as writer:
        for frame in frames:
            table = pa.Table.from_pandas(
                frame, schema=PARQUET_SCHEMA, preserve_index=False
            )
            writer.write_table(table)
            count += len(frame)
    return count
