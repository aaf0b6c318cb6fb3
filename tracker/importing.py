"""Import a file: read -> map -> validate every row -> write in set-based batches.

All or nothing by default: rows are validated while the file streams, and written in
batches inside the caller's transaction; at the first invalid row writing stops, the
rest is still validated so the report lists every problem, and `ImportFailed` makes
the caller roll back. `skip_invalid` writes the valid rows; `dry_run` writes nothing.
Re-importing updates events by (dataset, external id), leaves identical ones alone and
never duplicates; actors, places and sources are reused."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, or_, select, update
from sqlmodel import Session

from tracker.crud import content_hash, event_values, write_links
from tracker.duplicates import find_duplicate_candidates
from tracker.errors import InvalidInput, Problem, problems_from_validation_error
from tracker.formats.base import ImportFormat, RawRow, RowProblem
from tracker.models import (
    READ_ONLY_RECORD_KEYS,
    Actor,
    ActorAlias,
    ActorKind,
    Event,
    EventActor,
    EventCreate,
    EventSource,
    EventStatus,
    Location,
    Source,
    utc_now,
)

SNIFF_BYTES = 64 * 1024
BATCH_SIZE = 2000


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
    problems: list[Problem] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)  # added and updated

    @property
    def valid(self) -> int:
        """Rows that passed validation."""
        return self.rows - self.rejected

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


def formats() -> dict[str, ImportFormat]:
    """The importable formats by name, in the order auto-detection tries them."""
    from tracker.formats.acled_import import ACLED_FORMAT
    from tracker.formats.gdelt import GDELT_FORMAT
    from tracker.formats.native import NATIVE_CSV_FORMAT, NATIVE_JSONL_FORMAT
    from tracker.formats.plover import PLOVER_FORMAT
    from tracker.formats.ucdp import UCDP_FORMAT

    found = (
        NATIVE_CSV_FORMAT,
        NATIVE_JSONL_FORMAT,
        ACLED_FORMAT,
        UCDP_FORMAT,
        GDELT_FORMAT,
        PLOVER_FORMAT,
    )
    return {fmt.name: fmt for fmt in found}


FORMAT_CHOICES = ("auto", "native", "acled", "ucdp", "gdelt", "plover")


def detect_format(path: Path, format_name: str = "auto") -> tuple[ImportFormat, bool]:
    """The format of `path` (named, or detected from its first bytes) and whether
    it was detected; InvalidInput when it cannot be told."""
    known = formats()
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    if format_name not in ("auto", "native"):
        if format_name not in known:
            choices = ", ".join(FORMAT_CHOICES)
            raise InvalidInput(
                [Problem("format", f"unknown format; use one of {choices}")]
            )
        return known[format_name], False
    candidates = [
        f for f in known.values() if format_name == "auto" or "native" in f.name
    ]
    for fmt in candidates:
        if fmt.sniff(sample, path):
            return fmt, format_name == "auto"
    reason = "cannot tell the format from the first lines; name it with --format"
    raise InvalidInput([Problem("format", reason)])


def import_file(
    session: Session,
    path: Path | str,
    *,
    format_name: str = "auto",
    mode: ImportMode | str = ImportMode.ATOMIC,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `path` into the session's database (see the module docstring).

    `progress` is called with the number of rows read since its last call. Raises
    ImportFailed (with the report) when an atomic import meets invalid rows."""
    path = Path(path)
    mode = ImportMode(mode)
    fmt, detected = detect_format(path, format_name)
    report = ImportReport(str(path), fmt.name, mode.value, detected=detected)
    writer = BatchWriter(session, report, write=mode is not ImportMode.DRY_RUN)
    batch: list[tuple[int, EventCreate]] = []
    for line, event in _valid_events(fmt, fmt.read(path), report, progress):
        if mode is ImportMode.ATOMIC and report.problems:
            writer.write = False  # keep validating, stop writing: all will roll back
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
    if report.event_ids:  # flagged for an analyst to merge or dismiss, never merged
        report.duplicate_candidates = find_duplicate_candidates(
            session, report.event_ids
        )
    return report


def _valid_events(
    fmt: ImportFormat,
    rows: Iterable[RawRow],
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, EventCreate]]:
    """Map and validate each row; record problems in the report; yield the valid."""
    seen: set[int] = (
        set()
    )  # hashes of (dataset, external id): 8 bytes a row, not the ids
    for count, row in enumerate(rows, start=1):
        report.rows = count
        if progress is not None and count % 1000 == 0:
            progress(1000)
        try:
            record = fmt.to_record(row)
        except RowProblem as problem:
            report.problems.append(
                Problem(
                    problem.column, problem.reason, line=row.line, value=problem.value
                )
            )
            report.rejected += 1
            continue
        writable = {k: v for k, v in record.items() if k not in READ_ONLY_RECORD_KEYS}
        try:
            event = EventCreate.model_validate(writable)
        except ValidationError as error:
            for problem in problems_from_validation_error(error, line=row.line):
                report.problems.append(_in_file_terms(problem, fmt, writable))
            report.rejected += 1
            continue
        if not (event.dataset and event.external_id):
            reason = "has no external id, so a re-import could not find it again"
            report.problems.append(
                Problem(fmt.column_for("external_id"), reason, row.line)
            )
            report.rejected += 1
            continue
        key = hash((event.dataset, event.external_id))
        if key in seen:
            reason = "this id appears earlier in the file; each event must appear once"
            column = fmt.column_for("external_id")
            report.problems.append(Problem(column, reason, row.line, event.external_id))
            report.rejected += 1
            continue
        seen.add(key)
        yield row.line, event
    if progress is not None:
        progress(report.rows % 1000)


def _in_file_terms(
    problem: Problem, fmt: ImportFormat, record: dict[str, Any]
) -> Problem:
    """Name the file's column, and show the value as the record had it."""
    value = problem.value
    if value is None:
        value = _value_at(record, problem.field)
    return Problem(fmt.column_for(problem.field), problem.reason, problem.line, value)


def _value_at(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value if not isinstance(value, dict | list) else None


class BatchWriter:
    """Writes batches of validated events with set-based statements."""

    def __init__(self, session: Session, report: ImportReport, *, write: bool):
        self.session, self.report, self.write = session, report, write
        self.linked: list[tuple[int, int, EventCreate]] = []  # (event id, line, data)

    def save(self, batch: Sequence[tuple[int, EventCreate]]) -> None:
        """Classify each event as added / updated / unchanged and write the changes."""
        if not batch:
            return
        existing = self._existing(batch)
        new, changed = [], []
        for line, event in batch:
            found = existing.get((event.dataset, event.external_id))
            file_hash = content_hash(event)
            if found is None:
                new.append((line, event))
            elif found[1] == file_hash:
                self.report.unchanged += 1
            else:
                if found[3] == EventStatus.RETRACTED:
                    # An analyst retracted it (or merged it away): a newer export of
                    # the dataset updates its content but never brings it back.
                    event = event.model_copy(update={"status": EventStatus.RETRACTED})
                changed.append((line, event, found[0], found[2], file_hash))
        self.report.added += len(new)
        self.report.updated += len(changed)
        if not self.write:
            return
        events = [event for _, event in new] + [change[1] for change in changed]
        locations = self._location_ids(events)
        new_ids = self._insert(new, locations)
        changed_ids = self._update(changed, locations)
        ids = new_ids + changed_ids
        self._write_participants(ids, events)
        self.report.event_ids.extend(ids)
        lines = [line for line, _ in new] + [change[0] for change in changed]
        for event_id, line, event in zip(ids, lines, events, strict=True):
            if event.links:
                self.linked.append((event_id, line, event))

    def finish(self) -> list[Problem]:
        """Write links once every event exists; return the links that point nowhere."""
        problems: list[Problem] = []
        for event_id, line, event in self.linked:
            problems.extend(
                write_links(
                    self.session,
                    self.session.get(Event, event_id),
                    event.links,
                    line=line,
                )
            )
        return problems

    def _existing(
        self, batch
    ) -> dict[tuple[str, str], tuple[int, str | None, int, str]]:
        """(dataset, external id) -> (id, content hash, version, status) if stored."""
        ids = {event.external_id for _, event in batch}
        rows = self.session.execute(
            select(
                Event.dataset,
                Event.external_id,
                Event.id,
                Event.content_hash,
                Event.version,
                Event.status,
            ).where(Event.external_id.in_(ids))
        )
        return {(ds, ext): (i, h, v, st) for ds, ext, i, h, v, st in rows}

    def _insert(self, new, locations: dict[str, int]) -> list[int]:
        if not new:
            return []
        now = utc_now()
        rows = [
            {
                **event_values(
                    event,
                    locations.get(event.location.key()) if event.location else None,
                ),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for _, event in new
        ]
        statement = insert(Event).returning(Event.id, sort_by_parameter_order=True)
        return list(self.session.execute(statement, rows).scalars())

    def _update(self, changed, locations: dict[str, int]) -> list[int]:
        if not changed:
            return []
        now = utc_now()
        rows = [
            {
                "id": event_id,
                **event_values(
                    event,
                    locations.get(event.location.key()) if event.location else None,
                ),
                "updated_at": now,
                "version": version + 1,
                "content_hash": file_hash,  # the file's content, before any kept status
            }
            for _, event, event_id, version, file_hash in changed
        ]
        self.session.execute(update(Event), rows)
        ids = [row["id"] for row in rows]
        self.session.execute(delete(EventActor).where(EventActor.event_id.in_(ids)))
        self.session.execute(delete(EventSource).where(EventSource.event_id.in_(ids)))
        return ids

    def _write_participants(self, ids: list[int], events: list[EventCreate]) -> None:
        actors = self._actor_ids(events)
        sources = self._source_ids(events)
        roles: dict[tuple[int, int, str], None] = {}
        cited: dict[tuple[int, int], str | None] = {}
        for event_id, event in zip(ids, events, strict=True):
            for ref in event.actors:
                roles[(event_id, actors[_actor_key(ref.name)], ref.role.value)] = None
            for source in event.sources:
                pair = (event_id, sources[source.key()])
                earlier = cited.get(pair)
                cited[pair] = (
                    " […] ".join(q for q in (earlier, source.quote) if q) or None
                )
        if roles:
            self.session.execute(
                insert(EventActor),
                [{"event_id": e, "actor_id": a, "role": r} for e, a, r in roles],
            )
        if cited:
            self.session.execute(
                insert(EventSource),
                [
                    {"event_id": e, "source_id": s, "quote": q}
                    for (e, s), q in cited.items()
                ],
            )

    def _actor_ids(self, events: list[EventCreate]) -> dict[str, int]:
        """Registry ids for every actor named, by case-folded name or alias; new
        actors are inserted in one statement."""
        wanted = {_actor_key(ref.name): ref for event in events for ref in event.actors}
        if not wanted:
            return {}
        keys = list(wanted)
        names = [ref.name for ref in wanted.values()]
        found: dict[str, int] = {}
        for actor_id, name in self.session.execute(
            select(Actor.id, Actor.name).where(
                or_(func.lower(Actor.name).in_(keys), Actor.name.in_(names))
            )
        ):
            found[_actor_key(name)] = actor_id
        for actor_id, alias_key in self.session.execute(
            select(ActorAlias.actor_id, ActorAlias.alias_key).where(
                ActorAlias.alias_key.in_(keys)
            )
        ):
            found.setdefault(alias_key, actor_id)
        missing = [key for key in keys if key not in found]
        if missing:
            rows = [
                {
                    "name": wanted[key].name,
                    "kind": (wanted[key].kind or ActorKind.OTHER).value,
                    "country": wanted[key].country,
                }
                for key in missing
            ]
            statement = insert(Actor).returning(Actor.id, sort_by_parameter_order=True)
            inserted = self.session.execute(statement, rows).scalars()
            found.update(zip(missing, inserted, strict=True))
        return found

    def _location_ids(self, events: list[EventCreate]) -> dict[str, int]:
        wanted = {
            e.location.key(): e.location for e in events if e.location is not None
        }
        return self._registry_ids(
            Location,
            Location.location_key,
            wanted,
            lambda key, loc: {
                **loc.model_dump(exclude={"geo_precision"}),
                "geo_precision": loc.geo_precision.value,
                "location_key": key,
            },
        )

    def _source_ids(self, events: list[EventCreate]) -> dict[str, int]:
        wanted = {s.key(): s for e in events for s in e.sources}
        return self._registry_ids(
            Source,
            Source.source_key,
            wanted,
            lambda key, src: {**src.model_dump(exclude={"quote"}), "source_key": key},
        )

    def _registry_ids(
        self, table, key_column, wanted: dict, make_row
    ) -> dict[str, int]:
        """Ids of registry rows by key; the missing ones inserted in one statement."""
        if not wanted:
            return {}
        found = dict(
            self.session.execute(
                select(key_column, table.id).where(key_column.in_(list(wanted)))
            ).all()
        )
        missing = [key for key in wanted if key not in found]
        if missing:
            statement = insert(table).returning(table.id, sort_by_parameter_order=True)
            rows = [make_row(key, wanted[key]) for key in missing]
            found.update(
                zip(
                    missing,
                    self.session.execute(statement, rows).scalars(),
                    strict=True,
                )
            )
        return found


def _actor_key(name: str) -> str:
    return name.strip().lower()


def write_problem_report(report: ImportReport, path: Path) -> None:
    """Write every problem as CSV: line, column, value, reason."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "value", "reason"])
        for problem in report.problems:
            value = "" if problem.value is None else str(problem.value)
            writer.writerow([problem.line, problem.field, value, problem.reason])
