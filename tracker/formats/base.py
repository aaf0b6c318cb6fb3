"""The contract every importable format meets: read rows, map each to an event record.

A format streams `RawRow`s from a file (`read`), turns one row into a record in the
shape `tracker.models.EventCreate` validates (`to_record`), and says which of its
columns stands behind a record field (`column_for`), so a report can name the column
a person must fix. `tracker.importing` does the rest: validation, the report, idempotent
set-based writes and all-or-nothing transactions.

A format may also tell what it assumed, so the report can say it in words: a method
`describe_file(path) -> list[str]` (what the file's header lacks or adds, read once per
import), and the record key `ASSUMED_KEY` (what was assumed for that row; the import
counts the rows behind each wording and drops the key).

`ExportFormat` is the export side: what one event becomes in a file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TextIO

from tracker.models import EventRecord

if TYPE_CHECKING:  # an annotation only: pyarrow takes a while to load
    import pyarrow as pa


@dataclass(frozen=True)
class RawRow:
    """One row as read from a file: the line it starts on, and column -> value.

    `spreadsheet_row` is the record's number as a spreadsheet shows it (header row
    1, first record row 2, a record over several lines counted once); None for
    files a spreadsheet does not open as rows (JSON)."""

    line: int
    values: Mapping[str, Any]
    spreadsheet_row: int | None = None


# A record key: the assumptions made for this row, each in words that follow a row
# count ("placed at a town of that name through the gazetteer").
ASSUMED_KEY = "#assumed"
# The start of ids derived from a row's content (`content_id`), never of a source's own.
DERIVED_ID_PREFIX = "ROW-"


def content_id(cells: Mapping[str, str]) -> str:
    """A stable id for a row the file gives none: "ROW-" and 16 hex digits of the
    SHA-256 of its cells as "name=value", sorted by name.

    The caller chooses and normalises the cells; blank ones are left out, so an absent
    column and an empty one give the same id. 64 bits: two rows of a million-row file
    collide with a chance near 3 in 100 million."""
    filled = sorted((name, value) for name, value in cells.items() if value)
    text = "\x1f".join(f"{name}={value}" for name, value in filled)
    return DERIVED_ID_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def column_behind(field: str, columns: Mapping[str, str]) -> str:
    """The file column mapped to `field` or to its nearest parent path ("location"
    for "location.latitude"), else the field itself."""
    path = field
    while path:
        if path in columns:
            return columns[path]
        path = path.rpartition(".")[0]
    return field


class RowProblem(Exception):
    """A value the format cannot map; the row is rejected with this reason."""

    def __init__(self, column: str, value: Any, reason: str):
        self.column, self.value, self.reason = column, value, reason
        super().__init__(f"{column}: {reason} (got {value!r})")


class ImportFormat(Protocol):
    """What `tracker.importing` needs from a format module's format object."""

    name: str  # as given to `tracker import --format`: "acled", "ucdp", ...
    dataset: str  # Event.dataset: with the external id, it identifies a row

    def sniff(self, sample: str, path: Path) -> bool:
        """Whether `sample`, the file's first 64 KiB decoded, is in this format."""
        ...

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the rows of `path` with bounded memory.

        Raise `tracker.errors.InvalidInput` for a problem with the whole file (a
        required column missing, undecodable text), naming the line and column."""
        ...

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """The row as an EventCreate-shaped dict, with `dataset` and `external_id`.

        Raise `RowProblem` for a value that cannot be mapped; leave checks that
        EventCreate makes (ranges, types, modes, dates in order) to it."""
        ...

    def column_for(self, field: str) -> str:
        """The file's column behind a record field path such as "location.latitude"
        (the field itself when there is no better answer)."""
        ...

    # Optional, for large files (ACLED): `read_chunks(path)` gives the rows of `read`
    # in chunks (`tracker.formats.csvtext.CsvChunk`), and `map_chunk(chunk)` maps a
    # chunk at once: the `NewEvent`s of the rows it can vouch for, and the positions
    # of the others, which `tracker.importing` reads one by one with `to_record`.


class Counted:
    """An iterable that counts the items taken from it (a writer's return value)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self._items:
            self.count += 1
            yield item


@dataclass(frozen=True)
class ExportFormat:
    """An export: its name, label and what one event becomes.

    A CSV export has `columns` and `row` (one record as cells by column); with
    `rows_from_sql` the database assembles the same cells (`tracker.native_export`),
    and the export takes that path.
    `source_columns` names the format of the source records whose other columns
    follow `columns`. A binary export (Parquet) has `write_tables`: Arrow tables of
    the native columns, typed (`tracker.event_arrow`), to a byte stream. Any other
    export has `write`: records to a stream. Each returns the count;
    `tracker.exporting` runs the queries and writes the file."""

    name: str  # `tracker export --format`, `/export.csv?columns=`
    label: str
    aliases: tuple[str, ...] = ()  # older names that still work
    columns: tuple[str, ...] = ()
    row: Callable[[EventRecord], dict[str, object]] | None = None
    rows_from_sql: bool = False
    source_columns: str | None = None
    write: Callable[[Iterable[EventRecord], TextIO], int] | None = None
    # The same text as `write`, piece by piece, for a streamed download.
    pieces: Callable[[Iterable[EventRecord]], Iterator[str]] | None = None
    write_tables: Callable[[Iterable[pa.Table], BinaryIO], int] | None = None

    @property
    def is_binary(self) -> bool:
        """Whether the export is a binary file (written to a byte stream)."""
        return self.write_tables is not None

    @property
    def is_csv(self) -> bool:
        """Whether the export is a CSV file (one row an event)."""
        return self.row is not None
