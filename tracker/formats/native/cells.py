"""The cells of tracker's own CSV: its columns, and one event as a row of them.

How it maps, and the decisions behind it: docs/formats.md,
"The native cells"."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tracker.formats.base import Counted
from tracker.models import ActorRole, EventRecord

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "event_type",
    "mode",
    "quad_class",
    "score",
    "contexts",
    "acled_event_type",
    "acled_sub_event_type",
    "date_start",
    "date_end",
    "date_precision",
    "location",
    "admin1",
    "admin2",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "initiators",
    "targets",
    "participants",
    "mediators",
    "hosts",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "status",
    "confidence",
    "tags",
    "source_urls",
    "quotes",
    "links",
    "notes",
    "dataset",
    "external_id",
    "created_at",
    "updated_at",
    "version",
    # Added for a lossless round trip (issue 4): the same lists as JSON.
    "actors_json",
    "sources_json",
    "links_json",
    # Why a dataset's figures are out of order (issue 17): re-imported, it lets
    # them through as published.
    "figures_flag",
)

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise_formula(text: str) -> str:
    """Prefix a text cell that a spreadsheet would evaluate with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def escape_cell(text: str) -> str:
    """Neutralise a formula, and prefix a leading apostrophe too, so that
    `unescape_cell` can tell the apostrophe we add from one the text starts with."""
    return "'" + text if text.startswith((*FORMULA_PREFIXES, "'")) else text


def unescape_cell(text: str) -> str:
    """Undo `escape_cell` (and `neutralise_formula`): drop the apostrophe they added."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_PREFIXES, "'")):
        return text[1:]
    return text


def json_cell(items: list[dict[str, object]]) -> str | None:
    """A list of dicts as compact JSON for one CSV cell (dates as ISO text)."""
    if not items:
        return None
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"), default=str)


def csv_row(record: EventRecord) -> dict[str, object]:
    """One event as a flat CSV row; lists are joined with '; '."""
    fatalities = record.fatalities
    cells = native_cells(
        record,
        (fatalities["low"], fatalities["best"], fatalities["high"]),
        record.location,
        record.actors,
        record.sources,
        record.links,
    )
    return dict(zip(CSV_COLUMNS, cells, strict=True))


ROLE_VALUES = tuple(role.value for role in ActorRole)


def _text_cell(value: str | None) -> str | None:
    return escape_cell(value) if value else None


def native_cells(
    event: Any,
    fatalities: tuple[int | None, int | None, int | None],
    location: dict[str, Any] | None,
    actors: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    links: list[dict[str, Any]],
) -> list[object]:
    """The cells of one event in `CSV_COLUMNS` order.

    `event` has the record's flat fields as attributes (an `EventRecord`, or a row
    read straight from SQL by `tracker.exporting`); text cells are escaped, empty
    ones left empty."""
    location = location or {}
    by_role: dict[str, list[str]] = {role: [] for role in ROLE_VALUES}
    for actor in actors:
        by_role[actor["role"]].append(actor["name"])
    low, best, high = fatalities
    text = _text_cell

    return [
        event.id,
        text(event.title),
        event.event_type,
        text(event.mode),
        event.quad_class,
        event.score,
        text(LIST_SEPARATOR.join(event.contexts)),
        text(event.acled_event_type),
        text(event.acled_sub_event_type),
        event.date_start.isoformat(),
        event.date_end.isoformat() if event.date_end else None,
        event.date_precision,
        text(location.get("name")),
        text(location.get("admin1")),
        text(location.get("admin2")),
        text(location.get("country")),
        location.get("latitude"),
        location.get("longitude"),
        location.get("geo_precision"),
        text(LIST_SEPARATOR.join(by_role["initiator"])),
        text(LIST_SEPARATOR.join(by_role["target"])),
        text(LIST_SEPARATOR.join(by_role["participant"])),
        text(LIST_SEPARATOR.join(by_role["mediator"])),
        text(LIST_SEPARATOR.join(by_role["host"])),
        low,
        best,
        high,
        event.civilians_killed,
        event.children_killed,
        event.injured,
        event.status,
        event.confidence,
        text(LIST_SEPARATOR.join(event.tags)),
        text(LIST_SEPARATOR.join(s["url"] for s in sources if s["url"])),
        text(LIST_SEPARATOR.join(s["quote"] for s in sources if s["quote"])),
        text(LIST_SEPARATOR.join(f"{k['relation']}:{k['id']}" for k in links)),
        text(event.notes),
        text(event.dataset),
        text(event.external_id),
        event.created_at.isoformat(),
        event.updated_at.isoformat(),
        event.version,
        text(json_cell(actors)),
        text(json_cell(sources)),
        text(json_cell(links)),
        text(event.figures_flag),
    ]


def record_json(record: EventRecord) -> str:
    """One event as a single line of JSON.

    It has the shape `tracker add --json` reads back."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)


def jsonl_pieces(records: Iterable[EventRecord]) -> Iterator[str]:
    """JSON Lines of the records: one line of text an event."""
    return (record_json(record) + "\n" for record in records)


def write_events_jsonl(records: Iterable[EventRecord], stream: TextIO) -> int:
    """Write one JSON object per line; return the number of events."""
    counted = Counted(records)
    stream.writelines(jsonl_pieces(counted))
    return counted.count
