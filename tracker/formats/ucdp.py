"""Read UCDP GED CSV files (49 columns, formats.md 2.2): each row becomes an event.

How it maps, and the decisions behind it: docs/formats.md,
"Reading UCDP GED CSV"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tracker.formats.base import RawRow, RowProblem, column_behind
from tracker.formats.csvtext import (
    check_width,
    country_iso3,
    cut,
    header_names,
    parse_code,
    parse_count,
    parse_date,
    parse_float,
    read_csv_rows,
    text_of,
)
from tracker.models import ActorKind, ActorRole, DatePrecision, GeoPrecision

UCDP_DATASET = "ucdp"
REQUIRED_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("id",),
    ("type_of_violence",),
    ("date_start",),
    ("side_a", "dyad_name"),
)
VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}
ONE_SIDED = "3"
CLEAR_STATUS = "clear"
DATE_PRECISIONS = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.WEEK,
    "3": DatePrecision.WEEK,
    "4": DatePrecision.MONTH,
    "5": DatePrecision.YEAR,
}
WHERE_PRECISIONS = {
    "1": GeoPrecision.EXACT,
    "2": GeoPrecision.NEAR,
    "3": GeoPrecision.NEAR,
    "4": GeoPrecision.ADMIN1,
    "5": GeoPrecision.ADMIN1,
    "6": GeoPrecision.COUNTRY,
    "7": GeoPrecision.COUNTRY,
}
AT_SEA_OR_IN_THE_AIR = "7"
TRUE_WORDS, FALSE_WORDS = {"1", "true", "t", "yes"}, {"0", "false", "f", "no"}
ARTICLE = re.compile(r'"(.*?)"(?=;|\s*$)', re.S)
ARTICLE_PARTS = re.compile(r"(.*?),\s*(\d{4}-\d{2}-\d{2}),(.*)", re.S)
GOVERNMENT = re.compile(r"government of (.+)", re.I)
TITLE_LENGTH = 300

# Record field -> the GED column behind it, for problem reports.
COLUMNS = {
    "title": "dyad_name",
    "notes": "where_description",
    "event_type": "type_of_violence",
    "date_start": "date_start",
    "date_end": "date_end",
    "date_precision": "date_prec",
    "location": "where_coordinates",
    "location.name": "where_coordinates",
    "location.country": "country",
    "location.admin1": "adm_1",
    "location.admin2": "adm_2",
    "location.latitude": "latitude",
    "location.longitude": "longitude",
    "location.geo_precision": "where_prec",
    "actors": "side_a, side_b",
    "actors.0": "side_a",
    "actors.1": "side_b",
    "fatalities": "best, low, high",
    "fatalities.low": "low",
    "fatalities.best": "best",
    "fatalities.high": "high",
    "civilians_killed": "deaths_civilians",
    "sources": "source_article",
    "tags": "code_status",
    "external_id": "id",
    "dataset": "id",
}


def side_actor(name: str, role: ActorRole) -> dict[str, Any]:
    """A GED side as an actor: a government, civilians, or else an armed group."""
    government = GOVERNMENT.match(name)
    if government:
        kind, country = ActorKind.GOVERNMENT, country_iso3(government.group(1))
    elif name.casefold().startswith("civilians"):
        kind, country = ActorKind.CIVILIANS, None
    else:
        kind, country = ActorKind.ARMED_GROUP, None
    return {"name": cut(name, 200), "role": role, "kind": kind, "country": country}


def figures_flag(fatalities: Mapping[str, int | None], code_status: str) -> str | None:
    """Why a row's published figures are out of order, in an analyst's words (e.g.
    "As published by UCDP: best 5,294 above high 0 (code_status: Check deaths)");
    None when the figures given are in order (low <= best <= high)."""
    # Neighbours among the figures given, as Fatalities.out_of_order compares them.
    names = ("low", "best", "high")
    known = [(n, fatalities[n]) for n in names if fatalities.get(n) is not None]
    breaks = [
        f"{name_a} {a:,} above {name_b} {b:,}"
        for (name_a, a), (name_b, b) in zip(known, known[1:], strict=False)
        if a > b
    ]
    if not breaks:
        return None
    shown = code_status and code_status.casefold() != CLEAR_STATUS
    status = f" (code_status: {code_status})" if shown else ""
    return cut(f"As published by UCDP: {', '.join(breaks)}{status}", 300)


def parse_sources(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The reports a GED row cites, from source_article, else the separate lists."""
    items = [
        ARTICLE_PARTS.fullmatch(item.strip())
        for item in ARTICLE.findall(text_of(values, "source_article"))
    ]
    if items and all(items):
        cited = [match.groups() for match in items if match]
    else:
        offices = text_of(values, "source_office").split(";")
        dates = text_of(values, "source_date").split(";")
        headlines = text_of(values, "source_headline").split(";")
        if len(offices) == len(dates) == len(headlines):
            cited = list(zip(offices, dates, headlines, strict=True))
        else:
            cited = [(offices[0], "", text_of(values, "source_headline"))]
    sources: dict[tuple[str, str, str], dict[str, Any]] = {}
    for office, date, headline in cited:
        office, headline = " ".join(office.split()), " ".join(headline.split())
        title = headline or office
        if title:
            source = {
                "title": cut(title, 500),
                "publisher": cut(office, 200) or None,
                "published": _report_date(date),
            }
            sources.setdefault((title, office, date.strip()), source)
    return list(sources.values())


def _report_date(text: str) -> dt.date | None:
    """A report's date, if it is an unambiguous ISO date; else None (UCDP's
    source_date mixes ISO with day-first slashes, unlike date_start)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class UcdpFormat:
    """UCDP GED CSV files (see the module docstring)."""

    name = "ucdp"
    dataset = UCDP_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """True if the header names type_of_violence and side_a or dyad_name."""
        names = header_names(sample)
        return "type_of_violence" in names and bool({"side_a", "dyad_name"} & names)

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the rows; InvalidInput if a required column is missing."""
        return read_csv_rows(path, required=REQUIRED_COLUMNS)

    def column_for(self, field: str) -> str:
        """The GED column behind a record field path."""
        return column_behind(field, COLUMNS)

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """One GED row as an EventCreate-shaped dict; RowProblem if unmappable."""
        values = row.values
        check_width(values)
        external_id = text_of(values, "id").removesuffix(".0")
        if not external_id:
            raise RowProblem("id", "", "is empty: every GED row has an id")
        violence = text_of(values, "type_of_violence").removesuffix(".0")
        if violence not in VIOLENCE:
            reason = "expected 1 (state-based), 2 (non-state) or 3 (one-sided)"
            raise RowProblem("type_of_violence", violence, reason)
        date_start, date_end = self._dates(values)
        actors = self._actors(values)
        location = self._location(values)
        fatalities = {
            "low": parse_count(values, "low"),
            "best": parse_count(values, "best"),
            "high": parse_count(values, "high"),
        }
        return {
            "title": self._title(values, actors, location),
            "notes": self._notes(values, violence),
            "event_type": "ASSAULT",
            "date_start": date_start,
            "date_end": date_end if date_end != date_start else None,
            "date_precision": parse_code(values, "date_prec", DATE_PRECISIONS)
            or DatePrecision.DAY,
            "location": location,
            "actors": actors,
            "fatalities": fatalities,
            "figures_flag": figures_flag(fatalities, text_of(values, "code_status")),
            "civilians_killed": parse_count(values, "deaths_civilians"),
            "tags": self._tags(values, violence),
            "sources": parse_sources(values),
            "dataset": self.dataset,
            "external_id": external_id,
        }

    def _dates(self, values: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
        start = parse_date(values, "date_start", day_first=False)
        if not text_of(values, "date_end"):
            return start, start
        end = parse_date(values, "date_end", day_first=False)
        if end < start:
            reason = f"ends before date_start ({start}), read month-first"
            raise RowProblem("date_end", text_of(values, "date_end"), reason)
        return start, end

    def _actors(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        side_a, side_b = text_of(values, "side_a"), text_of(values, "side_b")
        if not side_a and "side_a" not in values:
            side_a, _, side_b = text_of(values, "dyad_name").partition(" - ")
        if not side_a.strip():
            raise RowProblem("side_a", side_a, "is empty: GED names side A")
        one_sided = text_of(values, "type_of_violence").removesuffix(".0") == ONE_SIDED
        doer, done_to = (
            (ActorRole.INITIATOR, ActorRole.TARGET)
            if one_sided
            else (ActorRole.PARTICIPANT, ActorRole.PARTICIPANT)
        )
        actors = [side_actor(side_a.strip(), doer)]
        if side_b.strip():
            actors.append(side_actor(side_b.strip(), done_to))
        if not one_sided:
            # Two participants have no order; a stored event lists them by name,
            # so the record does too and its export re-imports as unchanged.
            actors.sort(key=lambda actor: actor["name"])
        return actors

    def _location(self, values: Mapping[str, Any]) -> dict[str, Any] | None:
        names = ("where_coordinates", "adm_2", "adm_1", "country")
        name = next((text_of(values, n) for n in names if text_of(values, n)), "")
        latitude = parse_float(values, "latitude")
        longitude = parse_float(values, "longitude")
        if not name and latitude is None and longitude is None:
            return None
        return {
            "name": cut(name or "Unnamed place", 200),
            "country": country_iso3(text_of(values, "country")),
            "admin1": cut(text_of(values, "adm_1"), 200) or None,
            "admin2": cut(text_of(values, "adm_2"), 200) or None,
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": parse_code(values, "where_prec", WHERE_PRECISIONS)
            or GeoPrecision.EXACT,
        }

    def _title(
        self,
        values: Mapping[str, Any],
        actors: list[dict[str, Any]],
        location: dict[str, Any] | None,
    ) -> str:
        dyad = text_of(values, "dyad_name") or " - ".join(a["name"] for a in actors)
        title = dyad + (f" in {location['name']}" if location else "")
        return cut(" ".join(title.split()), TITLE_LENGTH)

    def _notes(self, values: Mapping[str, Any], violence: str) -> str:
        parts = [f"UCDP GED {VIOLENCE[violence]} violence"]
        if conflict := text_of(values, "conflict_name"):
            parts[0] += f" in the conflict {conflict}"
        parts[0] += f" (relid {text_of(values, 'relid') or '-'})."
        if place := text_of(values, "where_description"):
            parts.append(f"Place: {' '.join(place.split())}.")
        if text_of(values, "where_prec") == AT_SEA_OR_IN_THE_AIR:
            parts.append("At sea or in the air: the coordinates are approximate.")
        deaths = [
            f"{label} {text_of(values, column)}"
            for label, column in (
                ("side A", "deaths_a"),
                ("side B", "deaths_b"),
                ("civilians", "deaths_civilians"),
                ("unknown", "deaths_unknown"),
            )
            if text_of(values, column)
        ]
        if deaths:
            parts.append(f"Deaths by category (best estimates): {', '.join(deaths)}.")
        if original := text_of(values, "source_original"):
            parts.append(f"Original sources: {' '.join(original.split())}.")
        return cut(" ".join(parts), 20000)

    def _tags(self, values: Mapping[str, Any], violence: str) -> list[str]:
        tags = [f"ucdp:violence={VIOLENCE[violence]}"]
        if status := text_of(values, "code_status"):
            tags.append(f"ucdp:code_status={status}")
        active = text_of(values, "active_year").removesuffix(".0").casefold()
        if active in TRUE_WORDS | FALSE_WORDS:
            tags.append(f"ucdp:active_year={str(active in TRUE_WORDS).lower()}")
        elif active:
            reason = "expected 1/0, true/false or blank"
            raise RowProblem("active_year", text_of(values, "active_year"), reason)
        return tags


UCDP_FORMAT = UcdpFormat()
