"""Read what `tracker export` writes back: the native CSV and JSON Lines.

How it maps, and the decisions behind it: docs/formats.md,
"Reading them back"."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from itertools import zip_longest
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tracker.formats.base import RawRow, RowProblem
from tracker.formats.csvtext import check_width, read_csv_rows, text_of
from tracker.formats.jsontext import iter_json_values
from tracker.formats.native.cells import CSV_COLUMNS, LIST_SEPARATOR, unescape_cell
from tracker.models import (
    READ_ONLY_RECORD_KEYS,
    ActorRef,
    ActorRole,
    LinkIn,
    SourceIn,
)

NATIVE_DATASET = "native"
PROBLEM_KEY = "#problem"  # set on a row that could not be read as a record
CSV_HEADER_START = "id,title,event_type,mode,"
REQUIRED_COLUMNS = (("title",), ("event_type",), ("date_start",))
ROLE_COLUMNS = {
    "initiators": ActorRole.INITIATOR,
    "targets": ActorRole.TARGET,
    "participants": ActorRole.PARTICIPANT,
    "mediators": ActorRole.MEDIATOR,
    "hosts": ActorRole.HOST,
}
LOCATION_COLUMNS = {
    "location": "name",
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "geo_precision",
}
TEXT_COLUMNS = (
    "title",
    "notes",
    "event_type",
    "mode",
    "acled_event_type",
    "acled_sub_event_type",
    "date_start",
    "date_end",
    "civilians_killed",
    "children_killed",
    "injured",
    "confidence",
    "dataset",
    "external_id",
    "figures_flag",
)
DEFAULTED_COLUMNS = ("date_precision", "status")  # absent when empty: defaults apply


def split_cell(text: str) -> list[str]:
    """The items of a "; "-separated cell, stripped, empty ones dropped."""
    return [item.strip() for item in text.split(";") if item.strip()]


def exported_link(link: Any) -> Any:
    """An exported link as a LinkIn: by the target's dataset and external id, else as
    native/<id>. A link written by hand (no external_id key) is kept as it is."""
    if not isinstance(link, Mapping) or "external_id" not in link:
        return link
    relation = link.get("relation")
    if link.get("external_id"):
        target = {"dataset": link.get("dataset"), "external_id": link["external_id"]}
    else:
        target = {"dataset": NATIVE_DATASET, "external_id": str(link.get("id"))}
    return {"relation": relation, **target}


def set_identity(record: dict[str, Any], exported_id: Any) -> dict[str, Any]:
    """Give a record without an external id the identity native/<exported id>."""
    if not record.get("external_id") and exported_id not in (None, ""):
        record["dataset"], record["external_id"] = NATIVE_DATASET, str(exported_id)
    return record


def _checked(model: type[BaseModel], item: Any, column: str) -> Any:
    """`item` unchanged if `model` accepts it; else RowProblem naming `column`."""
    try:
        model.model_validate(item)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = first["msg"].removeprefix("Value error, ")
        value = first.get("input")
        value = None if isinstance(value, dict | list) else value
        raise RowProblem(
            column, value, f"{where}: {reason}" if where else reason
        ) from None
    return item


def _json_list(text: str, column: str) -> list[Any]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"is not valid JSON: {error.msg} (character {error.pos + 1})"
        raise RowProblem(column, text[:200], reason) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise RowProblem(column, text[:200], "must be a JSON list of objects")
    return items


def _agrees(column: str, flat: str, rendered: str, json_column: str) -> None:
    """RowProblem unless a flat cell says what its JSON column renders to."""
    if " ".join(flat.split()) != " ".join(rendered.split()):
        reason = (
            f"does not match {json_column} ({rendered or 'empty'}): edit both, or "
            f"empty {json_column} to read the flat columns alone"
        )
        raise RowProblem(column, flat, reason)


def _actors(cell: Callable[[str], str]) -> list[dict[str, Any]]:
    raw = cell("actors_json")
    if not raw:
        return [
            _checked(ActorRef, {"name": name, "role": role.value}, column)
            for column, role in ROLE_COLUMNS.items()
            for name in split_cell(cell(column))
        ]
    actors = _json_list(raw, "actors_json")
    for column, role in ROLE_COLUMNS.items():
        names = [str(a.get("name")) for a in actors if a.get("role") == role.value]
        _agrees(column, cell(column), LIST_SEPARATOR.join(names), "actors_json")
    return [_checked(ActorRef, actor, "actors_json") for actor in actors]


def _sources(cell: Callable[[str], str]) -> list[dict[str, Any]]:
    raw, urls, quotes = cell("sources_json"), cell("source_urls"), cell("quotes")
    if raw:
        sources = _json_list(raw, "sources_json")
        for column, key in (("source_urls", "url"), ("quotes", "quote")):
            rendered = LIST_SEPARATOR.join(str(s[key]) for s in sources if s.get(key))
            _agrees(column, cell(column), rendered, "sources_json")
        return [_checked(SourceIn, source, "sources_json") for source in sources]
    url_list = split_cell(urls)
    if not url_list:
        if quotes:
            reason = "a quote needs its source: give the URL in source_urls"
            raise RowProblem("quotes", quotes, reason)
        return []
    quote_list = [quotes] if len(url_list) == 1 else split_cell(quotes)
    if quote_list and len(quote_list) != len(url_list):
        reason = (
            f"has {len(quote_list)} quotes for {len(url_list)} source URLs: give one "
            "quote per URL, in the same order, or use sources_json"
        )
        raise RowProblem("quotes", quotes, reason)
    pairs = zip_longest(url_list, quote_list)
    return [
        _checked(SourceIn, {"url": url, "quote": quote or None}, "source_urls")
        for url, quote in pairs
    ]


def _flat_link(item: str) -> dict[str, Any]:
    relation, colon, target = item.partition(":")
    if not colon or not target.strip().isdigit():
        raise RowProblem("links", item, "must be relation:event id, e.g. follows_up:12")
    return _checked(LinkIn, {"relation": relation.strip(), "id": int(target)}, "links")


def _links(cell: Callable[[str], str]) -> list[dict[str, Any]]:
    raw = cell("links_json")
    if not raw:
        return [_flat_link(item) for item in split_cell(cell("links"))]
    links = _json_list(raw, "links_json")
    rendered = LIST_SEPARATOR.join(f"{k.get('relation')}:{k.get('id')}" for k in links)
    _agrees("links", cell("links"), rendered, "links_json")
    return [_checked(LinkIn, exported_link(link), "links_json") for link in links]


def _location(cell: Callable[[str], str]) -> dict[str, Any] | None:
    place = {key: cell(column) for column, key in LOCATION_COLUMNS.items()}
    if not any(place.values()):
        return None
    return {key: value for key, value in place.items() if value} | {
        "name": place["name"]
    }


def csv_record(values: Mapping[str, Any]) -> dict[str, Any]:
    """One native CSV row as an event record (see the module docstring)."""
    check_width(values)

    def cell(column: str) -> str:
        return unescape_cell(text_of(values, column))

    record: dict[str, Any] = {column: cell(column) or None for column in TEXT_COLUMNS}
    record.update(
        {column: cell(column) for column in DEFAULTED_COLUMNS if cell(column)}
    )
    record |= {
        "contexts": split_cell(cell("contexts")),
        "tags": split_cell(cell("tags")),
        "location": _location(cell),
        "fatalities": {
            level: cell(f"fatalities_{level}") or None
            for level in ("low", "best", "high")
        },
        "actors": _actors(cell),
        "sources": _sources(cell),
        "links": _links(cell),
    }
    return set_identity(record, cell("id"))


CSV_FIELD_COLUMNS = {
    "location.name": "location",
    "fatalities": "fatalities_best",
    "actors": "actors_json",
    "sources": "sources_json",
    "links": "links_json",
} | {f"location.{key}": column for column, key in LOCATION_COLUMNS.items()}


def _problem_row(line: int, reason: str) -> RawRow:
    return RawRow(line, {PROBLEM_KEY: ("record", None, reason)})


class NativeCsvFormat:
    """The native CSV of `tracker export --format csv`."""

    name = "native-csv"
    dataset = NATIVE_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """The header starts with the native columns "id,title,event_type,mode,"."""
        return sample.lstrip("\ufeff").lower().startswith(CSV_HEADER_START)

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the rows; a missing required column refuses the file."""
        return read_csv_rows(path, required=REQUIRED_COLUMNS)

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """Map one row onto an event record."""
        return csv_record(row.values)

    def column_for(self, field: str) -> str:
        """The CSV column behind a record field ("fatalities.low" -> fatalities_low)."""
        if field in CSV_FIELD_COLUMNS:
            return CSV_FIELD_COLUMNS[field]
        flat = field.replace(".", "_")
        if flat in CSV_COLUMNS:
            return flat
        head = field.split(".", 1)[0]
        return CSV_FIELD_COLUMNS.get(head, head)


class NativeJsonlFormat:
    """The JSON Lines of `tracker export --format jsonl`: one record per line."""

    name = "native-jsonl"
    dataset = NATIVE_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """JSON objects with our keys "event_type" and "date_start"."""
        text = sample.lstrip("\ufeff \t\r\n")
        return text[:1] == "{" and '"event_type"' in text and '"date_start"' in text

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the records, each numbered by the line it starts on."""
        for line, value, error in iter_json_values(path):
            if error is not None:
                yield _problem_row(line, error)
            elif not isinstance(value, dict):
                yield _problem_row(line, "must be a JSON object (one event record)")
            else:
                yield RawRow(line, value)

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """The record as written, minus read-only keys, with links and identity
        made to work in another database."""
        if PROBLEM_KEY in row.values:
            raise RowProblem(*row.values[PROBLEM_KEY])
        record = {k: v for k, v in row.values.items() if k not in READ_ONLY_RECORD_KEYS}
        if isinstance(record.get("links"), list):
            record["links"] = [exported_link(link) for link in record["links"]]
        return set_identity(record, row.values.get("id"))

    def column_for(self, field: str) -> str:
        """The record key path itself: JSON Lines has no other column names."""
        return field


NATIVE_CSV_FORMAT = NativeCsvFormat()
NATIVE_JSONL_FORMAT = NativeJsonlFormat()
