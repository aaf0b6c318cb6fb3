"""The contract every importable format meets: read rows, map each to an event record.

A format streams `RawRow`s from a file (`read`), turns one row into a record in the
shape `tracker.models.EventCreate` validates (`to_record`), and says which of its
columns stands behind a record field (`column_for`), so a report can name the column
a person must fix. `tracker.importing` does the rest: validation, the report, idempotent
set-based writes and all-or-nothing transactions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class RawRow:
    """One row as read from a file: the line it starts on, and column -> value."""

    line: int
    values: Mapping[str, Any]


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
