"""What an ACLED-shaped file lacks, and what reading it assumes (issue 17).

How it maps, and the decisions behind it: docs/formats.md,
"Files that lack ACLED columns"."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.formats.base import content_id
from tracker.formats.csvtext import country_iso3, text_of
from tracker.vocab.gazetteer import place_by_names as gazetteer_placement

# The header of a row-index column written without a name: pandas `to_csv` writes "",
# pandas reads that back as "Unnamed: 0"; R's write.csv writes "", read.csv names it
# "X" and readr "...1".
INDEX_COLUMNS = frozenset({"", "unnamed: 0", "x", "...1"})
# Columns ACLED files carry beside the 31 that the reader maps (pre-2023 files).
MAPPED_EXTRAS = frozenset({"iso3"})
# A derived id hashes every ACLED column the row fills, except the id itself, the
# upload time (it changes when nothing about the event does) and the year (the date
# has it). Index and extra columns are the file's, not the event's: left out too.
IDENTIFYING = tuple(
    column
    for column in ACLED_COLUMNS
    if column not in {"event_id_cnty", "timestamp", "year"}
)
PLACE_TAG = "place from gazetteer"
UNPLACED = "left without coordinates: no town, admin1 or country of theirs is known"
EMPTY_ID = "had an empty event_id_cnty: their id is derived from their content"


def index_column(header: Sequence[str]) -> str | None:
    """The header name of a leading unnamed index column, if the file has one."""
    return header[0] if header and header[0] in INDEX_COLUMNS else None


def describe_header(header: Sequence[str]) -> list[str]:
    """What an import report says about a file with this (normalised) header: the
    index column ignored, the ACLED columns absent and what is assumed for each, and
    the columns beyond ACLED's that are not mapped."""
    notes = []
    index = index_column(header)
    if index is not None:
        notes.append(f"first column {index!r} is a row index (pandas or R): ignored")
        header = header[1:]
    present = set(header)
    absent = [column for column in ACLED_COLUMNS if column not in present]
    if absent:
        notes.append(
            f"{len(absent)} of ACLED's {len(ACLED_COLUMNS)} columns absent: "
            + ", ".join(absent)
        )
    notes += _assumptions(present)
    extra = [c for c in header if c not in ACLED_COLUMNS and c not in MAPPED_EXTRAS]
    if extra:
        notes.append(
            "columns ACLED's export does not have, kept as written with each event "
            "(its source record) and given back by the ACLED export: "
            + ", ".join(extra)
        )
    return notes


def _assumptions(present: set[str]) -> list[str]:
    """What reading a file whose header has the columns `present` assumes."""

    def lacks(*columns: str) -> bool:
        return not present & set(columns)

    notes = []
    if lacks("event_id_cnty"):
        notes.append(
            "no event_id_cnty column: each row's id is derived from its content "
            "(ROW- and a hash of its cells), so importing the file again finds the "
            "same events"
        )
    if lacks("event_type"):
        notes.append(
            "no event_type column: each row's type is the one its sub_event_type "
            "belongs to"
        )
    if lacks("latitude") or lacks("longitude"):
        notes.append(
            "no latitude/longitude columns: rows are placed by their location, "
            "admin1 and country names through the gazetteer"
        )
    elif lacks("geo_precision"):
        notes.append("no geo_precision column: the coordinates are taken as exact")
    if lacks("actor1", "actor2"):
        notes.append("no actor1 or actor2 column: events have no actors")
    elif lacks("actor1"):
        notes.append("no actor1 column: events have no initiator")
    if lacks("country", "iso", "iso3"):
        notes.append(
            "no country or iso column: a row placed through the gazetteer takes "
            "the country of its place; the others have none"
        )
    if lacks("time_precision"):
        notes.append("no time_precision column: each date is a single day")
    if lacks("fatalities"):
        notes.append("no fatalities column: fatalities are unknown")
    if lacks("source"):
        notes.append("no source column: events have no sources")
    return notes


def derived_id(values: Mapping[str, Any], date: dt.date) -> str:
    """The id of a row without event_id_cnty, from its IDENTIFYING cells.

    Cells are compared as a person reads them: blanks collapsed and case folded,
    numbers by value ("3" and "3.0", "50.45" and "50.4500"), the date by its day
    (a spreadsheet that rewrote 2024-03-05 as 05/03/2024 changes nothing)."""
    cells = {column: _normalised(text_of(values, column)) for column in IDENTIFYING}
    cells["event_date"] = date.isoformat()
    return content_id(cells)


def _normalised(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return " ".join(text.split()).casefold()
    if not math.isfinite(number):
        return text.casefold()
    return f"{number:.6f}".rstrip("0").rstrip(".")


def place_by_names(location: dict[str, Any], values: Mapping[str, Any]) -> str:
    """Give a location without coordinates a point through the gazetteer, and say
    how (in words for the report); the names are kept either way.

    Sets latitude, longitude and geo_precision, and the country when the file
    names none."""
    placement = gazetteer_placement(
        text_of(values, "location"), text_of(values, "admin1"), location["country"]
    )
    if placement is None:
        return UNPLACED
    location["latitude"] = placement.latitude
    location["longitude"] = placement.longitude
    location["geo_precision"] = placement.geo_precision
    if location["country"] is None and placement.country_iso3:
        # GeoNames codes Kosovo XKX, which is not ISO 3166: leave such a country out.
        location["country"] = country_iso3(placement.country_iso3)
    return f"placed at {placement.by}"
