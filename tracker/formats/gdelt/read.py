"""Read GDELT event files: each row becomes an event (dataset "gdelt").

How it maps, and the decisions behind it: docs/formats.md,
"Reading GDELT events"."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pycountry

from tracker.formats.base import RawRow, RowProblem, column_behind
from tracker.formats.csvtext import cut
from tracker.formats.gdelt.layout import (
    PROBLEM_KEY,
    header_layout,
    headerless_columns,
    read_gdelt_lines,
)
from tracker.formats.plover.coding import HOST_A_VISIT
from tracker.formats.plover.read import actor_kind
from tracker.models import ActorRole, EventStatus, GeoPrecision, validate_http_url
from tracker.vocab import taxonomy

GDELT_DATASET = "gdelt"
CAMEO_ROOTS = taxonomy.CAMEO_ROOT_NAMES
# Columns of whole numbers (codes, counts, dates written as digits).
WHOLE_NUMBER_COLUMNS = frozenset(
    (
        "GLOBALEVENTID SQLDATE MonthYear Year IsRootEvent EventCode EventBaseCode "
        "EventRootCode QuadClass NumMentions NumSources NumArticles DATEADDED "
        "Actor1Geo_Type Actor2Geo_Type ActionGeo_Type"
    ).split()
)
GEO_PRECISION = {
    "1": GeoPrecision.COUNTRY,
    "2": GeoPrecision.ADMIN1,
    "3": GeoPrecision.EXACT,
    "4": GeoPrecision.EXACT,
    "5": GeoPrecision.ADMIN1,
}
GENERAL = "(general)"  # GDELT's ADM1 name when only the country is known


@dataclass(frozen=True)
class FipsCountry:
    """A FIPS 10-4 country: its ISO3 code (None when it has none) and its name."""

    iso3: str | None
    name: str


@cache
def fips_countries() -> dict[str, FipsCountry]:
    """FIPS 10-4 code -> country, read once from tracker/data/fips_iso3.csv."""
    text = (files("tracker") / "data" / "fips_iso3.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {
        row["fips"]: FipsCountry(row["iso3"] or None, row["name"])
        for row in csv.DictReader(lines)
    }


def _text(values: Mapping[str, Any], column: str) -> str:
    """The field as stripped text; a whole-number column that pandas wrote as a
    float ("4.0", as it does when the column has a blank) loses its ".0"."""
    value = values.get(column)
    text = value.strip() if isinstance(value, str) else ""
    if column in WHOLE_NUMBER_COLUMNS and text.endswith(".0"):
        return text.removesuffix(".0")
    return text


def _event_code(values: Mapping[str, Any]) -> tuple[str, str | None]:
    """EventCode, with the leading zero a spreadsheet or pandas dropped ("841" with
    EventRootCode 8 is "0841") put back, and a note when it was."""
    code, root = _text(values, "EventCode"), _text(values, "EventRootCode")
    root = root.zfill(2) if root.isdigit() else root
    if root and code.isdigit() and not code.startswith(root):
        if len(code) < 4 and f"0{code}".startswith(root):
            note = f"EventCode {code} read as 0{code} (EventRootCode {root})"
            return f"0{code}", note
    return code, None


def _number(values: Mapping[str, Any], column: str) -> float | None:
    text = _text(values, column)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise RowProblem(column, text, "is not a number") from None


def _event_type(code: str) -> tuple[str, str | None, str | None]:
    try:
        return taxonomy.cameo_event(code)
    except (KeyError, ValueError) as error:
        raise RowProblem("EventCode", code, str(error.args[0])) from None


def _date(values: Mapping[str, Any]) -> dt.date:
    text = _text(values, "SQLDATE")
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise RowProblem("SQLDATE", text, "is not a date written YYYYMMDD") from None


def _actor(values: Mapping[str, Any], which: str, role: ActorRole) -> dict | None:
    name = _text(values, f"{which}Name")
    if not name:
        return None
    code, country_code = (
        _text(values, f"{which}Code"),
        _text(values, f"{which}CountryCode"),
    )
    country = (
        pycountry.countries.get(alpha_3=country_code.upper()) if country_code else None
    )
    sector = (
        "IGO" if code.upper().startswith("IGO") else _text(values, f"{which}Type1Code")
    )
    kind = actor_kind(sector, is_country=bool(code) and code == country_code)
    return {
        "name": cut(name, 200),
        "role": role.value,
        "kind": kind,
        "country": country.alpha_3 if country is not None else None,
    }


def _actors(values: Mapping[str, Any], code: str) -> list[dict[str, Any]]:
    refs = [
        _actor(values, "Actor1", ActorRole.INITIATOR),
        _actor(values, "Actor2", ActorRole.TARGET),
    ]
    if code.startswith(HOST_A_VISIT):  # Actor1 hosts: the visitor is the PLOVER actor
        refs = [
            _actor(values, "Actor2", ActorRole.INITIATOR),
            _actor(values, "Actor1", ActorRole.TARGET),
        ]
    return [ref for ref in refs if ref is not None]


def _place_names(full_name: str, geo_type: str) -> tuple[str, str | None]:
    """(place name, admin1) from a FullName "<city>, <ADM1>, <country>", whose ADM1
    part may itself hold a comma ("Kyiv, Kyyiv, Misto, Ukraine")."""
    parts = [part.strip() for part in full_name.split(",") if part.strip()]
    if not parts:
        return "", None
    if geo_type in ("3", "4"):
        name, admin1 = parts[0], ", ".join(parts[1:-1]) or None
    elif geo_type in ("2", "5"):
        name = admin1 = ", ".join(parts[:-1]) or parts[0]
    else:
        name, admin1 = ", ".join(parts), None
    if admin1 is not None and admin1.endswith(GENERAL):
        admin1 = None
    return name, admin1


def _location(values: Mapping[str, Any]) -> dict[str, Any] | None:
    geo_type = _text(values, "ActionGeo_Type")
    if geo_type in ("", "0"):
        return None
    precision = GEO_PRECISION.get(geo_type)
    if precision is None:
        reason = "must be 0 to 5 (none, country, US state, US city, city, ADM1)"
        raise RowProblem("ActionGeo_Type", geo_type, reason)
    fips = _text(values, "ActionGeo_CountryCode").upper()
    country = fips_countries().get(fips) if fips else None
    if fips and country is None:
        reason = "is not a FIPS 10-4 country code (see tracker/data/fips_iso3.csv)"
        raise RowProblem("ActionGeo_CountryCode", fips, reason)
    name, admin1 = _place_names(_text(values, "ActionGeo_FullName"), geo_type)
    name = name or (country.name if country else "")
    latitude = _number(values, "ActionGeo_Lat")
    longitude = _number(values, "ActionGeo_Long")
    if not name:
        return None
    return {
        "name": cut(name, 200),
        "country": country.iso3 if country else None,
        "admin1": cut(admin1, 200) if admin1 else None,
        # No admin2: ActionGeo_ADM2Code is a code, and admin2 holds names only.
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": precision.value,
    }


def _source(values: Mapping[str, Any], event_id: str) -> tuple[dict, str | None]:
    """The source, and a note when SOURCEURL was not a usable web address."""
    given = _text(values, "SOURCEURL")
    try:
        if given and len(given) <= 2000:
            return {"url": validate_http_url(given)}, None
    except ValueError:
        pass
    note = f"SOURCEURL is not a web address: {cut(given, 500)}" if given else None
    return {"title": f"GDELT {event_id}", "publisher": "GDELT"}, note


def _title(code: str, actors: list[dict[str, Any]], location: dict | None) -> str:
    verb = CAMEO_ROOTS.get(code[:2], f"CAMEO {code}").capitalize()
    doers = [a["name"] for a in actors if a["role"] == ActorRole.INITIATOR]
    targets = [a["name"] for a in actors if a["role"] == ActorRole.TARGET]
    who = " -> ".join([", ".join(doers) or "?", *targets]) if actors else ""
    title = f"{verb}: {who}" if who else verb
    if location is not None:
        title += f" in {location['name']}"
    return cut(title, 300)


def _tags(values: Mapping[str, Any], code: str) -> list[str]:
    tags = [f"gdelt:cameo={code}"]
    quad = _text(values, "QuadClass")
    if quad:
        if quad not in ("1", "2", "3", "4"):
            raise RowProblem("QuadClass", quad, "must be 1, 2, 3 or 4")
        tags.append(f"gdelt:quad={quad}")
    if _number(values, "GoldsteinScale") is not None:
        tags.append(f"gdelt:goldstein={_text(values, 'GoldsteinScale')}")
    return tags


def _notes(values: Mapping[str, Any], event_id: str, code: str) -> str:
    """The GDELT facts the event has no field for; columns a file left out are
    not mentioned (a BigQuery export may hold a handful of columns)."""
    parts = [f"GDELT event {event_id}, CAMEO {code}"]
    actor_codes = [_text(values, f"Actor{n}Code") for n in (1, 2)]
    if any(actor_codes):
        parts.append("actor codes " + " / ".join(c or "-" for c in actor_codes))
    counts = ", ".join(
        f"{column} {_text(values, column)}"
        for column in ("NumMentions", "NumSources", "NumArticles", "DATEADDED")
        if _text(values, column)
    )
    return "; ".join(parts + ([counts] if counts else []))


class GdeltFormat:
    """GDELT event files: 2.0 and 1.0 rows, with or without a header row, and the
    extra columns tools add (see tracker.formats.gdelt.layout)."""

    name = "gdelt"
    dataset = GDELT_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """The first line is a header of GDELT column names, or a headerless row of
        a GDELT width (57, 58, 61, 62 or 63 tabbed fields) starting with a number."""
        first = sample.lstrip("\ufeff\r\n").split("\n", 1)[0].rstrip("\r")
        if header_layout(first) is not None:
            return True
        fields = first.split("\t")
        return headerless_columns(fields) is not None and fields[0].strip().isdigit()

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the lines of `path` as rows of GDELT-named fields."""
        return read_gdelt_lines(path)

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """Map one GDELT row onto an event record (see the module docstring)."""
        values = row.values
        if PROBLEM_KEY in values:
            raise RowProblem(*values[PROBLEM_KEY])
        event_id = _text(values, "GLOBALEVENTID")
        if not event_id.isdigit():
            raise RowProblem("GLOBALEVENTID", event_id, "must be a whole number")
        code, code_note = _event_code(values)
        event_type, mode, context = _event_type(code)
        actors = _actors(values, code)
        location = _location(values)
        source, source_note = _source(values, event_id)
        notes = [_notes(values, event_id, code), code_note, source_note]
        return {
            "title": _title(code, actors, location),
            "notes": " ".join(f"{note}." for note in notes if note),
            "event_type": event_type,
            "mode": mode,
            "contexts": [context] if context else [],
            "date_start": _date(values),
            "date_precision": "day",
            "location": location,
            "actors": actors,
            "status": EventStatus.PROPOSED.value,
            "tags": _tags(values, code),
            "sources": [source],
            "dataset": GDELT_DATASET,
            "external_id": event_id,
        }

    def column_for(self, field: str) -> str:
        """The GDELT column behind a record field."""
        return column_behind(field, FIELD_COLUMNS)


FIELD_COLUMNS = {
    "external_id": "GLOBALEVENTID",
    "date_start": "SQLDATE",
    "event_type": "EventCode",
    "mode": "EventCode",
    "contexts": "EventCode",
    "title": "Actor1Name",
    "location": "ActionGeo_FullName",
    "location.name": "ActionGeo_FullName",
    "location.country": "ActionGeo_CountryCode",
    "location.latitude": "ActionGeo_Lat",
    "location.longitude": "ActionGeo_Long",
    "location.geo_precision": "ActionGeo_Type",
    "actors": "Actor1Name",
    "actors.1.name": "Actor2Name",
    "sources": "SOURCEURL",
    "tags": "QuadClass",
}

GDELT_FORMAT = GdeltFormat()
