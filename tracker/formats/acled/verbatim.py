"""The ACLED export of imported ACLED rows: each cell as the file wrote it, unless the
event was edited since.

How it maps, and the decisions behind it: docs/formats.md,
"Giving imported rows back verbatim"."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from tracker.formats.acled.read import ACLED_FORMAT, CIVILIANS_TARGETED_TAG
from tracker.formats.acled.write import ACLED_COLUMNS, ACLED_DATASET, acled_row
from tracker.formats.base import ASSUMED_KEY, RawRow, RowProblem
from tracker.formats.native.cells import neutralise_formula
from tracker.models import EventCreate, EventRecord
from tracker.vocab.actor_names import name_key

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")

Holds = Callable[[EventCreate, EventRecord], bool]


def _same_dates(imported: EventCreate, record: EventRecord) -> bool:
    return (imported.date_start, imported.date_end) == (
        record.date_start,
        record.date_end,
    )


def _same_precision(imported: EventCreate, record: EventRecord) -> bool:
    return imported.date_precision == record.date_precision


def _same_pair(imported: EventCreate, record: EventRecord) -> bool:
    return (imported.acled_event_type, imported.acled_sub_event_type) == (
        record.acled_event_type,
        record.acled_sub_event_type,
    )


def _same_actors(imported: EventCreate, record: EventRecord) -> bool:
    given = sorted((name_key(a.name), a.role.value) for a in imported.actors)
    held = sorted(
        (name_key(a.get("name_as_given") or a["name"]), a["role"])
        for a in record.actors
    )
    return given == held


def _same_targeting(imported: EventCreate, record: EventRecord) -> bool:
    return (CIVILIANS_TARGETED_TAG in imported.tags) == (
        CIVILIANS_TARGETED_TAG in record.tags
    )


def _same_tags(imported: EventCreate, record: EventRecord) -> bool:
    return set(imported.tags) == set(record.tags)


def _place(imported: EventCreate) -> dict[str, Any]:
    return imported.location.model_dump(mode="json") if imported.location else {}


def _held_place(record: EventRecord) -> dict[str, Any]:
    return record.location or {}


def _same_place(*keys: str) -> Holds:
    """Holds while the place's `keys` are the ones imported."""

    def holds(imported: EventCreate, record: EventRecord) -> bool:
        given, held = _place(imported), _held_place(record)
        return all(_same_value(given.get(k), held.get(k)) for k in keys)

    return holds


def _same_value(given: Any, held: Any) -> bool:
    if isinstance(given, float) and isinstance(held, float):
        return math.isclose(given, held)
    return given == held


def _same_sources(imported: EventCreate, record: EventRecord) -> bool:
    given = sorted(s.publisher or "" for s in imported.sources)
    return given == sorted(s.get("publisher") or "" for s in record.sources)


def _same_notes(imported: EventCreate, record: EventRecord) -> bool:
    return imported.notes == record.notes


def _same_fatalities(imported: EventCreate, record: EventRecord) -> bool:
    return imported.fatalities.model_dump() == record.fatalities


def _same_id(imported: EventCreate, record: EventRecord) -> bool:
    return imported.external_id == record.external_id


def _always(imported: EventCreate, record: EventRecord) -> bool:
    return True


# Each of ACLED's columns, and when its cell as written still holds (module docstring).
HOLDS: dict[str, Holds] = {
    "event_id_cnty": _same_id,
    "event_date": _same_dates,
    "year": _same_dates,
    "time_precision": _same_precision,
    "disorder_type": _same_pair,
    "event_type": _same_pair,
    "sub_event_type": _same_pair,
    "actor1": _same_actors,
    "assoc_actor_1": _same_actors,
    "inter1": _same_actors,
    "actor2": _same_actors,
    "assoc_actor_2": _same_actors,
    "inter2": _same_actors,
    "interaction": _same_actors,
    "civilian_targeting": _same_targeting,
    "iso": _same_place("country"),
    "region": _same_place("name", "admin1", "country"),
    "country": _same_place("country"),
    "admin1": _same_place("admin1"),
    "admin2": _same_place("name", "admin1", "admin2", "country"),
    "admin3": _same_place("name", "admin1", "country"),
    "location": _same_place("name"),
    "latitude": _same_place("latitude", "longitude"),
    "longitude": _same_place("latitude", "longitude"),
    "geo_precision": _same_place("geo_precision"),
    "source": _same_sources,
    "source_scale": _same_sources,
    "notes": _same_notes,
    "fatalities": _same_fatalities,
    "tags": _same_tags,
    "timestamp": _always,
}
assert set(HOLDS) == set(ACLED_COLUMNS)


def verbatim_cells(record: EventRecord) -> dict[str, str]:
    """The cells of the event's ACLED source record that still hold, by column."""
    source = record.source_record
    if not source or source.get("format") != ACLED_DATASET:
        return {}
    cells: dict[str, str] = source["cells"]
    row = {column: cells.get(column, "") for column in source["columns"] if column}
    if source.get("event_version") == record.version:
        return row  # not written since: every cell holds, no need to read it again
    try:
        read = ACLED_FORMAT.to_record(RawRow(0, row))
        read.pop(ASSUMED_KEY, None)
        imported = EventCreate.model_validate(read)
    except (RowProblem, ValidationError):  # an older reader took what this refuses
        return {c: v for c, v in row.items() if c not in HOLDS}
    return {
        column: value
        for column, value in row.items()
        if HOLDS.get(column, _always)(imported, record)
    }


def acled_export_row(record: EventRecord) -> dict[str, object]:
    """One event as ACLED columns: the model's row with the cells that still hold
    from its source record (see the module docstring)."""
    row = acled_row(record)
    for column, value in verbatim_cells(record).items():
        row[column] = value if NUMBER.fullmatch(value) else neutralise_formula(value)
    return row
