"""Import a file: read -> map -> validate every row -> write in set-based batches.

All or nothing by default: rows are validated while the file streams, and written in
batches inside the caller's transaction; at the first invalid row writing stops, the
rest is still validated so the report lists every problem, and `ImportFailed` makes
the caller roll back. `skip_invalid` writes the valid rows; `dry_run` writes nothing.
Re-importing updates events by (dataset, external id), leaves identical ones alone and
never duplicates; actors, places and sources are reused."""

from __future__ import annotations

import csv
import gc
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from tracker.errors import InvalidInput, Problem, problems_from_validation_error
from tracker.formats import AUTO, IMPORT_CHOICES, IMPORTS
from tracker.formats.base import (
    ASSUMED_KEY,
    DERIVED_ID_PREFIX,
    ImportFormat,
    RawRow,
    RowProblem,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.matching.likely_duplicates import RowsLikeExisting
from tracker.models import (
    READ_ONLY_RECORD_KEYS,
    EventCreate,
    NewEvent,
    new_event,
)
from tracker.store.bulk import BatchWriter
from tracker.store.bulk_rows import RowWriter, bulk_cache
from tracker.store.event_rows import content_hash
from tracker.store.events import UNKNOWN_AUTHOR
from tracker.store.history import Author

SNIFF_BYTES = 64 * 1024
BATCH_SIZE = 2000


class ImportWay(StrEnum):
    """How rows are mapped and written (`import_file`)."""

    AUTO = "auto"
    CHUNKS = "chunks"
    ROWS = "rows"


class ImportMode(StrEnum):
    """What to do with the valid rows when some are not."""

    ATOMIC = "atomic"  # one bad row and nothing is written
    SKIP_INVALID = "skip_invalid"  # write the valid rows, report the rest
    DRY_RUN = "dry_run"  # validate and report, write nothing


@dataclass
class ImportReport:
    """What an import read, wrote and refused, row by row."""

    path: str
    format: str
    mode: str
    detected: bool = False
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    written: bool = False
    failed: bool = False  # an all-or-nothing import that met invalid rows
    duplicate_candidates: int = 0
    # A dry run's rows that look like stored events of other datasets (issue 12).
    lookalikes: RowsLikeExisting | None = None
    problems: list[Problem] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)  # added and updated
    # What the file lacks or adds and what reading it assumes, in words (issue 17).
    notes: list[str] = field(default_factory=list)
    # An assumption made for some rows, in the format's words -> valid rows behind it.
    assumed: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        """Rows that passed validation."""
        return self.rows - self.rejected

    def explanations(self) -> list[str]:
        """The file's notes, then each assumption with the number of rows it made."""
        counted = [
            f"{rows:,} row{'s' if rows != 1 else ''} {what}"
            for what, rows in self.assumed.items()
        ]
        return [*self.notes, *counted]

    def summary(self) -> str:
        """One line: rows read and what became of them."""
        text = (
            f"{self.rows} rows: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )
        if self.mode == ImportMode.DRY_RUN:
            return text + " (dry run: nothing was written)"
        if self.failed:
            return text + " (nothing was written)"
        return text


class ImportFailed(InvalidInput):
    """An all-or-nothing import met invalid rows; the caller must roll back."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.problems)


def detect_format(path: Path, format_name: str = AUTO) -> tuple[ImportFormat, bool]:
    """The format of `path` (named, or detected from its first bytes) and whether
    it was detected; InvalidInput when it cannot be told.

    A name of `tracker.formats.IMPORTS` with more than one reader (native: CSV or
    JSON Lines) is told apart by the file's first bytes too."""
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    if format_name == AUTO:
        candidates = [reader for entry in IMPORTS.values() for reader in entry.readers]
    elif format_name in IMPORTS:
        candidates = list(IMPORTS[format_name].readers)
    else:
        readers = {r.name: r for entry in IMPORTS.values() for r in entry.readers}
        if format_name not in readers:
            choices = ", ".join(IMPORT_CHOICES)
            raise InvalidInput(
                [Problem("format", f"unknown format; use one of {choices}")]
            )
        candidates = [readers[format_name]]  # a reader's own name: "native-csv"
    if len(candidates) == 1 and format_name != AUTO:
        return candidates[0], False
    for fmt in candidates:
        if fmt.sniff(sample, path):
            return fmt, format_name == AUTO
    reason = "cannot tell the format from the first lines; name it with --format"
    raise InvalidInput([Problem("format", reason)])


def import_file(
    session: Session,
    path: Path | str,
    *,
    format_name: str = AUTO,
    mode: ImportMode | str = ImportMode.ATOMIC,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    duplicate_check: bool = True,
    author: Author | None = None,
    way: ImportWay | str = "auto",
) -> ImportReport:
    """Import `path` into the session's database (see the module docstring).

    The history records each added or updated event as imported by `author` from
    this file.

    `progress` is called with the number of rows read since its last call. Raises
    ImportFailed (with the report) when an atomic import meets invalid rows.

    `way`: "chunks" maps whole chunks of rows at once where the format can (ACLED),
    "rows" maps one row at a time; "auto" takes chunks where the format can, unless
    it is a dry run (which checks each row against stored events). Both ways give
    the same events and the same report."""
    path = Path(path)
    mode = ImportMode(mode)
    fmt, detected = detect_format(path, format_name)
    report = ImportReport(str(path), fmt.name, mode.value, detected=detected)
    describe_file = getattr(fmt, "describe_file", None)  # optional (formats.base)
    if describe_file is not None:
        report.notes = describe_file(path)
    author = Author(
        (author or UNKNOWN_AUTHOR).username, via=f"import {path.name} ({fmt.name})"
    )
    writing = mode is not ImportMode.DRY_RUN
    writer = BatchWriter(session, report, write=writing, author=author)
    batch: list[tuple[int, EventCreate]] = []
    if not writing and duplicate_check:  # said before the analyst confirms
        report.lookalikes = RowsLikeExisting()
    if _in_chunks(fmt, mode, way):
        with _collections_between_chunks(), bulk_cache(session):
            _import_in_chunks(fmt, path, report, writer, mode, progress)
    else:
        for line, event in _valid_events(fmt, fmt.read(path), report, progress):
            if report.lookalikes is not None:
                report.lookalikes.check(session, line, event)
            if mode is ImportMode.ATOMIC and report.problems:
                writer.write = False  # keep validating, stop writing: all rolls back
            batch.append((line, event))
            if len(batch) >= batch_size:
                writer.save(batch)
                batch = []
        writer.save(batch)
    report.problems.extend(writer.finish())  # links that point nowhere
    if mode is ImportMode.ATOMIC and report.problems:
        report.failed = True
        raise ImportFailed(report)
    report.written = (
        mode is not ImportMode.DRY_RUN and (report.added + report.updated) > 0
    )
    # Flagged for an analyst to merge or dismiss, never merged; when deferred,
    # `tracker duplicates scan` flags them.
    if duplicate_check and report.event_ids:
        report.duplicate_candidates = find_duplicate_candidates(
            session, report.event_ids
        )
    writer.refresh_statistics()
    return report


def _valid_events(
    fmt: ImportFormat,
    rows: Iterable[RawRow],
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, EventCreate]]:
    """Map and validate each row; record problems in the report; yield the valid."""
    seen = SeenIds()
    for count, row in enumerate(rows, start=1):
        report.rows = count
        if progress is not None and count % 1000 == 0:
            progress(1000)
        event = _checked(fmt, row, report, seen)
        if event is not None:
            yield row.line, event
    if progress is not None:
        progress(report.rows % 1000)


class SeenIds:
    """The (dataset, external id) of each valid row so far, and where it was."""

    def __init__(self) -> None:
        # Hash of (dataset, external id) -> where it first appeared, line and
        # spreadsheet row packed in one number: the ids themselves, or a tuple per
        # row, would take far more memory on a file of millions of rows.
        self.first: dict[int, int] = {}

    def earlier(
        self, line: int, spreadsheet_row: int | None, key: tuple[str, str]
    ) -> tuple[int, int | None] | None:
        """Where an earlier row had this (dataset, external id); None, and this row
        remembered, if it is the first."""
        hashed = hash(key)
        first = self.first.get(hashed)
        if first is None:
            self.first[hashed] = (line << 32) | (spreadsheet_row or 0)
            return None
        return first >> 32, (first & 0xFFFFFFFF) or None


def _checked(
    fmt: ImportFormat, row: RawRow, report: ImportReport, seen: SeenIds
) -> EventCreate | None:
    """The row mapped and validated, or None with its problems in the report."""
    try:
        record = fmt.to_record(row)
    except RowProblem as problem:
        report.problems.append(
            _at(row, Problem(problem.column, problem.reason, value=problem.value))
        )
        report.rejected += 1
        return None
    writable = {
        k: v
        for k, v in record.items()
        if k not in READ_ONLY_RECORD_KEYS and k != ASSUMED_KEY
    }
    try:
        event = EventCreate.model_validate(writable)
    except ValidationError as error:
        for problem in problems_from_validation_error(error, line=row.line):
            report.problems.append(_in_file_terms(problem, fmt, writable, row))
        report.rejected += 1
        return None
    if not (event.dataset and event.external_id):
        reason = "has no external id, so a re-import could not find it again"
        column = fmt.column_for("external_id")
        report.problems.append(
            _at(row, Problem(column, reason, value=_cells(row, column) or ""))
        )
        report.rejected += 1
        return None
    earlier = seen.earlier(
        row.line, row.spreadsheet_row, (event.dataset, event.external_id)
    )
    if earlier is not None:
        report.problems.append(_repeated(fmt, row, earlier, event.external_id))
        report.rejected += 1
        return None
    for what in record.get(ASSUMED_KEY, ()):
        report.assumed[what] = report.assumed.get(what, 0) + 1
    return event


def _import_in_chunks(
    fmt: Any,
    path: Path,
    report: ImportReport,
    writer: BatchWriter,
    mode: ImportMode,
    progress: Callable[[int], None] | None,
) -> None:
    """The chunked way (issue 19): each chunk of rows mapped at once by the format,
    the rows it leaves read one by one, all checked for repeated ids in file order;
    new events written as plain rows, stored ones whose content changed updated the
    row way (`BatchWriter`). Same events, counts and problems as `_valid_events`."""
    rows_writer = RowWriter(writer)
    seen = SeenIds()
    for chunk, mapped, rest in _mapped_ahead(fmt, path):
        report.rows += len(chunk.records)
        by_line: dict[int, EventCreate] = {}
        ordered: list[NewEvent] = []
        vouched = iter(mapped)
        by_row_way = set(rest)
        for position in range(len(chunk.records)):
            if position not in by_row_way:
                event = next(vouched)
                sheet_row = chunk.spreadsheet_rows[position]
                earlier = seen.earlier(event.line, sheet_row, event.key)
                if earlier is None:
                    ordered.append(event)
                    continue
                row = chunk.raw_row(position)
                report.problems.append(_repeated(fmt, row, earlier, event.key[1]))
                report.rejected += 1
                continue
            row = chunk.raw_row(position)
            checked = _checked(fmt, row, report, seen)
            if checked is None:
                continue
            if checked.links:  # written once every event is in: the row way
                if mode is ImportMode.ATOMIC and report.problems:
                    writer.write = False
                writer.save([(row.line, checked)])
                continue
            by_line[row.line] = checked
            ordered.append(new_event(checked, row.line, content_hash(checked)))
        if mode is ImportMode.ATOMIC and report.problems:
            writer.write = False  # keep validating, stop writing: all will roll back
        changed = rows_writer.save(ordered)
        if changed:
            positions = {line: i for i, line in enumerate(chunk.lines)}
            writer.save(
                [
                    (line, by_line.get(line) or _reread(fmt, chunk, positions[line]))
                    for line in changed
                ]
            )
        if progress is not None:
            progress(len(chunk.records))
        gc.collect(1)


def _mapped_ahead(fmt: Any, path: Path) -> Iterator[tuple[Any, list[NewEvent], list]]:
    """Each chunk of the file with what `map_chunk` made of it (the events it
    mapped, the positions of the rows left to the row way), in file order; the
    next chunk is read and mapped in a thread of its own while the caller writes
    this one.

    Mapping is plain Python and pandas, without the database; writing into
    PostgreSQL spends much of its time waiting for the server, which hands the
    interpreter to the mapping thread (100,000 rows: 28 -> 25 s; SQLite, whose
    writes hold the interpreter, gains nothing). One chunk ahead at most, so
    memory stays two chunks; a reading or mapping error is raised here, in the
    caller's thread, as it would have been without the thread."""
    chunks = iter(fmt.read_chunks(path))

    def read_and_map() -> tuple[Any, list[NewEvent], list] | None:
        chunk = next(chunks, None)
        return None if chunk is None else (chunk, *fmt.map_chunk(chunk))

    with ThreadPoolExecutor(1, thread_name_prefix="map-chunks") as mapping:
        ahead = mapping.submit(read_and_map)
        while (done := ahead.result()) is not None:
            ahead = mapping.submit(read_and_map)
            yield done


def _reread(fmt: ImportFormat, chunk: Any, position: int) -> EventCreate:
    """A vouched row, read the row way (to update its stored event)."""
    record = fmt.to_record(chunk.raw_row(position))
    return EventCreate.model_validate(
        {
            k: v
            for k, v in record.items()
            if k not in READ_ONLY_RECORD_KEYS and k != ASSUMED_KEY
        }
    )


@contextmanager
def _collections_between_chunks() -> Iterator[None]:
    """The cyclic garbage collector off while a chunk is mapped and written, run on
    the young objects between chunks. A chunk makes millions of small objects,
    freed by reference counting; collections in the middle of it walked them all
    again and again (a quarter of the import's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _in_chunks(fmt: Any, mode: ImportMode, way: ImportWay | str) -> bool:
    """Whether to import in chunks: the format can, and the way asks or allows it."""
    way = ImportWay(way)
    able = hasattr(fmt, "map_chunk") and hasattr(fmt, "read_chunks")
    if way is ImportWay.ROWS or not able:
        return False
    return way is ImportWay.CHUNKS or mode is not ImportMode.DRY_RUN


def _at(row: RawRow, problem: Problem) -> Problem:
    """The problem placed at the row: its line and its spreadsheet row."""
    return replace(problem, line=row.line, row=row.spreadsheet_row)


def _repeated(
    fmt: ImportFormat,
    row: RawRow,
    first: tuple[int, int | None],
    external_id: str,
) -> Problem:
    """The problem of a row whose id an earlier row, at `first` (line, spreadsheet
    row), has."""
    if external_id.startswith(DERIVED_ID_PREFIX):
        first_line, sheet_row = first
        earlier = f"line {first_line}"
        if sheet_row is not None:
            apart = sheet_row != first_line
            earlier = f"row {sheet_row}" + (f" ({earlier})" if apart else "")
        reason = (
            f"repeats {earlier} cell for cell (its id {external_id} is derived from "
            "its cells); each event must appear once"
        )
        return _at(row, Problem("row", reason, value=external_id))
    reason = "this id appears earlier in the file; each event must appear once"
    return _at(row, Problem(fmt.column_for("external_id"), reason, value=external_id))


def _in_file_terms(
    problem: Problem, fmt: ImportFormat, record: dict[str, Any], row: RawRow
) -> Problem:
    """Name the file's column, and show the value as the file (else the record)
    has it: a check over several fields ("best must not exceed high") shows each."""
    column = fmt.column_for(problem.field)
    value = problem.value
    if value is None and "," in column:  # a check over several cells: each
        value = _cells(row, column)
    if value is None:
        value = _value_at(record, problem.field)
    if value is None:
        value = _cells(row, column)
    return _at(row, Problem(column, problem.reason, value=value))


def _cells(row: RawRow, column: str) -> str | None:
    """The cells of `column` ("best, low, high" names three) as the file wrote them:
    one cell's text, or "best=9, low=2, high=0"; None when the row has none of them."""
    names = [name.strip() for name in column.split(",")]
    found = {
        name: row.values[name]
        for name in names
        if isinstance(row.values.get(name), str | int | float)
    }
    if not found:
        return None
    if len(names) == 1:
        return str(found[names[0]])
    return ", ".join(f"{name}={value}" for name, value in found.items())


def _value_at(record: dict[str, Any], path: str) -> Any:
    """The record's value at a field path; a group of values (the fatalities) as
    "best=9, high=0"."""
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    if isinstance(value, dict):
        leaves = value.items()
        shown = [f"{k}={v}" for k, v in leaves if isinstance(v, str | int | float)]
        return ", ".join(shown) or None
    return value if not isinstance(value, list) else None


PROBLEM_REPORT_COLUMNS = ("row", "line", "column", "value", "reason")


def problem_report_rows(report: ImportReport) -> Iterator[list[str]]:
    """Every problem as the problem report's cells: the row as a spreadsheet shows
    it, the line the record starts on (they differ once a quoted cell spans lines),
    the column, the value as written and the reason."""
    for problem in report.problems:
        yield [
            "" if problem.row is None else str(problem.row),
            "" if problem.line is None else str(problem.line),
            problem.field,
            "" if problem.value is None else str(problem.value),
            problem.reason,
        ]


def write_problem_report(report: ImportReport, path: Path) -> None:
    """Write every problem as CSV: row, line, column, value, reason."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PROBLEM_REPORT_COLUMNS)
        writer.writerows(problem_report_rows(report))
