"""Places of a sentence: gazetteer towns, regions without a point, countries."""

from __future__ import annotations

from tracker.extraction.actors import find_actors, load_vocabulary
from tracker.extraction.places import find_place
from tracker.extraction.sentences import tokenize


def place(text: str, countries: set[str] | None = None, near: int = 0):
    tokens = tokenize(text)
    mentions = find_actors(tokens, load_vocabulary())
    return find_place(tokens, mentions, countries or {"UKR", "RUS"}, near)


def test_find_place_town_in_the_gazetteer_has_coordinates():
    found = place("Delegates met in Istanbul for talks.")
    assert (found.name, found.country, found.geo_precision) == (
        "Istanbul",
        "TUR",
        "exact",
    )
    assert round(found.latitude, 1) == 41.0


def test_find_place_capital_that_is_also_an_actor_alias_is_a_town():
    assert place("Drones were shot down over Kyiv.").name == "Kyiv"


def test_find_place_prefers_the_town_after_the_trigger():
    text = "Russian forces shelled Kharkiv and troops shot down drones over Kyiv."
    assert place(text, near=0).name == "Kharkiv"
    assert place(text, near=8).name == "Kyiv"


def test_find_place_country_alternate_name_of_a_village_is_not_a_town():
    # GeoNames lists "Ukraine" among the alternate names of a Spanish village.
    found = place("The attacks reached deeper into Ukraine.")
    assert (found.name, found.country, found.geo_precision) == (
        "Ukraine",
        "UKR",
        "country",
    )


def test_find_place_front_has_its_country_and_no_point():
    found = place("They made gains in Ukraine's eastern front.")
    assert (found.name, found.country, found.latitude) == ("Eastern front", "UKR", None)
    assert found.geo_precision == "country"


def test_find_place_sentence_without_a_place_gives_none():
    assert place("He said that he was considering new sanctions on Russia.") is None
