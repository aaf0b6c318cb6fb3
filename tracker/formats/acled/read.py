"""Read ACLED CSV exports: each row becomes an event (dataset "acled").

How it maps, and the decisions behind it: docs/formats.md,
"Reading ACLED CSV"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from tracker.formats.acled import gaps as acled_gaps
from tracker.formats.acled.write import ACLED_DATASET
from tracker.formats.base import ASSUMED_KEY, RawRow, RowProblem, column_behind
from tracker.formats.csvtext import (
    CsvChunk,
    check_width,
    country_from_numeric,
    country_iso3,
    cut,
    header_names,
    parse_code,
    parse_count,
    parse_date,
    parse_float,
    read_csv_chunks,
    read_csv_rows,
    read_header,
    split_list,
    text_of,
)
from tracker.models import ActorKind, ActorRole, DatePrecision, GeoPrecision, NewEvent
from tracker.vocab import taxonomy

# Rows mapped at once by `map_chunk`: large enough that per-chunk costs vanish, small
# enough to keep an import's memory bounded.
CHUNK_ROWS = 10_000
REQUIRED_COLUMNS: tuple[tuple[str, ...], ...] = (("event_date",), ("sub_event_type",))
TIME_PRECISIONS = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.WEEK,
    "3": DatePrecision.MONTH,
}
GEO_PRECISIONS = {
    "1": GeoPrecision.EXACT,
    "2": GeoPrecision.NEAR,
    "3": GeoPrecision.ADMIN1,
}
# ACLED inter codes (formats.md 1.5) as numbers and as the API's text.
INTER_NAMES = (
    "",
    "state forces",
    "rebel group",
    "political militia",
    "identity militia",
    "rioters",
    "protesters",
    "civilians",
    "external/other forces",
)
INTER_KINDS: dict[int, ActorKind | None] = {
    0: None,
    1: ActorKind.MILITARY,
    2: ActorKind.ARMED_GROUP,
    3: ActorKind.ARMED_GROUP,
    4: ActorKind.ARMED_GROUP,
    5: ActorKind.OTHER,
    6: ActorKind.OTHER,
    7: ActorKind.CIVILIANS,
    8: ActorKind.OTHER,
}
NAME_KINDS = (
    (re.compile(r"government of ", re.I), ActorKind.GOVERNMENT),
    (re.compile(r"(military|police) forces of ", re.I), ActorKind.MILITARY),
    (re.compile(r"civilians\b", re.I), ActorKind.CIVILIANS),
)
ACTOR_COUNTRY = re.compile(
    r"\b(?:forces|government) of (?:the )?([^(]+?)(?:\s*\(|$)", re.I
)
TRAILING_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")
CONTEXTS = {
    "government regains territory": ["territory"],
    "non-state actor overtakes territory": ["territory"],
    "non-violent transfer of territory": ["territory"],
    "excessive force against protesters": ["repression"],
}
CIVILIANS_TARGETED_TAG = taxonomy.CIVILIANS_TARGETED_TAG
TITLE_LENGTH = 300

# Record field -> the ACLED column behind it, for problem reports.
COLUMNS = {
    "title": "sub_event_type",
    "event_type": "event_type",
    "mode": "sub_event_type",
    "contexts": "sub_event_type",
    "acled_event_type": "event_type",
    "acled_sub_event_type": "sub_event_type",
    "date_start": "event_date",
    "date_end": "event_date",
    "date_precision": "time_precision",
    "location": "location",
    "location.name": "location",
    "location.country": "country",
    "location.admin1": "admin1",
    "location.admin2": "admin2",
    "location.latitude": "latitude",
    "location.longitude": "longitude",
    "location.geo_precision": "geo_precision",
    "actors": "actor1, assoc_actor_1, actor2, assoc_actor_2",
    "actors.0": "actor1",
    "fatalities": "fatalities",
    "sources": "source",
    "tags": "tags",
    "external_id": "event_id_cnty",
    "dataset": "event_id_cnty",
}


@lru_cache(maxsize=8192)  # the same few thousand actors on every row
def actor_kind(name: str, inter: int | None) -> ActorKind | None:
    """An ACLED actor's kind: from its name's pattern first, else its inter code."""
    for pattern, kind in NAME_KINDS:
        if pattern.match(name):
            return kind
    return INTER_KINDS.get(inter) if inter is not None else None


@lru_cache(maxsize=4096)  # actor names repeat across rows
def actor_country(name: str) -> str | None:
    """The ISO3 country an actor's name states ("Forces of Russia", "(Ukraine)")."""
    for pattern in (ACTOR_COUNTRY, TRAILING_PARENTHESES):
        found = pattern.search(name)
        if found and (code := country_iso3(found.group(1))):
            return code
    return None


def parse_inter(values: Mapping[str, Any], column: str) -> int | None:
    """An inter code from its number (0-8) or text ("State forces"); None if blank."""
    return _inter_code(text_of(values, column), column)


@lru_cache(maxsize=256)
def _inter_code(text: str, column: str) -> int | None:
    if not text:
        return None
    if text.isdigit() and int(text) < len(INTER_NAMES):
        return int(text)
    folded = text.casefold()
    if folded in INTER_NAMES:
        return INTER_NAMES.index(folded)
    known = ", ".join(name.capitalize() for name in INTER_NAMES[1:])
    raise RowProblem(column, text, f"unknown ACLED inter code; expected 0-8 or {known}")


@cache
def canonical_pairs() -> dict[tuple[str, str], tuple[str, str]]:
    """Case-folded ACLED (event type, sub-event type) -> ACLED's own spelling."""
    return {
        (event_type.casefold(), sub.casefold()): (event_type, sub)
        for event_type, subs in taxonomy.acled_event_types().items()
        for sub in subs
    }


@cache
def pairs_by_sub_event_type() -> dict[str, tuple[str, str]]:
    """Case-folded ACLED sub-event type -> (event type, sub-event type): each of the
    25 belongs to one event type, so a file without event_type still maps."""
    return {sub: pair for (_, sub), pair in canonical_pairs().items()}


class AcledFormat:
    """ACLED CSV exports in any column order (see the module docstring)."""

    name = "acled"
    dataset = ACLED_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """True if the header names sub_event_type, and event_date or event_id_cnty.

        No other format's header has sub_event_type (native CSV, checked first,
        has event_type and date_start; UCDP GED has type_of_violence)."""
        names = header_names(sample)
        return "sub_event_type" in names and bool(
            {"event_date", "event_id_cnty"} & names
        )

    def describe_file(self, path: Path) -> list[str]:
        """What the header lacks or adds beside ACLED's columns, and what reading
        the file assumes for it (`acled_gaps.describe_header`)."""
        return acled_gaps.describe_header(read_header(path))

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the rows; InvalidInput if a required column is missing."""
        return read_csv_rows(path, required=REQUIRED_COLUMNS)

    def read_chunks(self, path: Path) -> Iterator[CsvChunk]:
        """The rows `read` streams, `CHUNK_ROWS` at a time, for `map_chunk`."""
        return read_csv_chunks(path, required=REQUIRED_COLUMNS, size=CHUNK_ROWS)

    def map_chunk(self, chunk: CsvChunk) -> tuple[list[NewEvent], list[int]]:
        """The chunk's events mapped column by column, and the positions of the rows
        to read one by one (`tracker.formats.acled.frames`)."""
        from tracker.formats.acled.frames import map_chunk  # builds on this module

        return map_chunk(chunk)

    def column_for(self, field: str) -> str:
        """The ACLED column behind a record field path."""
        return column_behind(field, COLUMNS)

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """One ACLED row as an EventCreate-shaped dict; RowProblem if unmappable."""
        values = row.values
        check_width(values)
        acled_type, acled_sub = self._pair(values)
        plover_type, mode = taxonomy.acled_to_plover(acled_type, acled_sub)
        date = self._date(values)
        assumed: list[str] = []  # in words, for the report (formats.base)
        external_id = text_of(values, "event_id_cnty")
        if not external_id:
            external_id = acled_gaps.derived_id(values, date)
            if "event_id_cnty" in values:  # else the report's notes say it once
                assumed.append(acled_gaps.EMPTY_ID)
        location = self._location(values)
        placed_tags = self._place(location, values, assumed)
        actors = self._actors(values)
        fatalities = parse_count(values, "fatalities")
        return {
            "title": self._title(acled_sub, actors, location),
            "notes": text_of(values, "notes") or None,
            "event_type": plover_type,
            "mode": mode,
            "contexts": CONTEXTS.get(acled_sub.casefold(), []),
            "acled_event_type": acled_type,
            "acled_sub_event_type": acled_sub,
            "date_start": date,
            "date_precision": parse_code(values, "time_precision", TIME_PRECISIONS)
            or DatePrecision.DAY,
            "location": location,
            "actors": actors,
            "fatalities": {"low": fatalities, "best": fatalities},
            "tags": [*self._tags(values, location), *placed_tags],
            "sources": [
                {"title": cut(f"ACLED: {name}", 500), "publisher": cut(name, 200)}
                for name in split_list(text_of(values, "source"))
            ],
            "dataset": self.dataset,
            "external_id": external_id,
            "source_record": source_record(values),
        } | ({ASSUMED_KEY: assumed} if assumed else {})

    def _pair(self, values: Mapping[str, Any]) -> tuple[str, str]:
        event_type = text_of(values, "event_type")
        sub_event_type = text_of(values, "sub_event_type")
        key = (event_type.casefold(), sub_event_type.casefold())
        if key in canonical_pairs():
            return canonical_pairs()[key]
        if not event_type and sub_event_type.casefold() in pairs_by_sub_event_type():
            return pairs_by_sub_event_type()[sub_event_type.casefold()]
        try:
            taxonomy.acled_to_plover(event_type, sub_event_type)
            reason = "is not an ACLED sub-event type"
        except KeyError as error:
            reason = error.args[0]
        raise RowProblem("sub_event_type", sub_event_type, reason)

    def _date(self, values: Mapping[str, Any]) -> dt.date:
        date = parse_date(values, "event_date", day_first=True)
        year = text_of(values, "year")
        if year and year != str(date.year):
            reason = f"is in {date.year} but the year column says {year}"
            raise RowProblem("event_date", text_of(values, "event_date"), reason)
        return date

    def _location(self, values: Mapping[str, Any]) -> dict[str, Any] | None:
        country_name = text_of(values, "country")
        names = ("location", "admin3", "admin2", "admin1")
        name = next((text_of(values, n) for n in names if text_of(values, n)), "")
        latitude = parse_float(values, "latitude")
        longitude = parse_float(values, "longitude")
        if not (name or country_name) and latitude is None and longitude is None:
            return None
        return {
            "name": cut(name or country_name or "Unnamed place", 200),
            "country": self._country(values),
            "admin1": text_of(values, "admin1") or None,
            # Cut, not refused: rows with a long admin2 imported before it was read.
            "admin2": cut(text_of(values, "admin2"), 200) or None,
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": parse_code(values, "geo_precision", GEO_PRECISIONS)
            or GeoPrecision.EXACT,
        }

    def _place(
        self,
        location: dict[str, Any] | None,
        values: Mapping[str, Any],
        assumed: list[str],
    ) -> list[str]:
        """Place a location the row gives no coordinates through the gazetteer,
        noting how in `assumed`; the tags that say so on the event."""
        if location is None or not (
            location["latitude"] is None and location["longitude"] is None
        ):
            return []
        assumed.append(acled_gaps.place_by_names(location, values))
        return [acled_gaps.PLACE_TAG] if location["latitude"] is not None else []

    def _country(self, values: Mapping[str, Any]) -> str | None:
        if code := country_from_numeric(text_of(values, "iso")):
            return code
        for column in ("iso3", "country"):
            if code := country_iso3(text_of(values, column)):
                return code
        return None

    def _actors(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        actors: dict[tuple[str, ActorRole], dict[str, Any]] = {}
        sides = (
            ("actor1", "inter1", ActorRole.INITIATOR, ActorRole.PARTICIPANT, "1"),
            ("actor2", "inter2", ActorRole.TARGET, ActorRole.TARGET, "2"),
        )
        for column, inter_column, role, associated_role, side in sides:
            inter = parse_inter(values, inter_column)
            named = [(text_of(values, column), role, inter)]
            named += [
                (name, associated_role, None)
                for name in split_list(text_of(values, f"assoc_actor_{side}"))
            ]
            for name, actor_role, code in named:
                if name and (name.casefold(), actor_role) not in actors:
                    actors[(name.casefold(), actor_role)] = {
                        "name": name,
                        "role": actor_role,
                        "kind": actor_kind(name, code),
                        "country": actor_country(name),
                    }
        return list(actors.values())

    def _title(
        self,
        sub_event_type: str,
        actors: list[dict[str, Any]],
        location: dict[str, Any] | None,
    ) -> str:
        title = sub_event_type
        if actors:
            targets = [a["name"] for a in actors if a["role"] == ActorRole.TARGET]
            title += f": {actors[0]['name']}"
            title += f" vs {targets[0]}" if targets else ""
        if location is not None:
            title += f" in {location['name']}"
        return cut(" ".join(title.split()), TITLE_LENGTH)

    def _tags(
        self, values: Mapping[str, Any], location: dict[str, Any] | None
    ) -> list[str]:
        tags = split_list(text_of(values, "tags"))
        if text_of(values, "civilian_targeting"):
            tags.append(CIVILIANS_TARGETED_TAG)
        return tags


def source_record(values: Mapping[str, Any]) -> dict[str, Any]:
    """The row as the file wrote it: its columns in order and each non-empty cell
    verbatim (`tracker.models.SourceRecord`), for the ACLED export to give back.

    A leading row-index column (pandas, R) is the file's, not the event's: left out."""
    columns = [name for name in values if not name.startswith("#")]
    if acled_gaps.index_column(columns) is not None:
        columns = columns[1:]
    cells = {
        name: value
        for name in columns
        if isinstance(value := values[name], str) and value != ""
    }
    return {"format": ACLED_DATASET, "columns": columns, "cells": cells}


ACLED_FORMAT = AcledFormat()
