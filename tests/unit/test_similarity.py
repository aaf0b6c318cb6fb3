"""The one similarity scorer: places, the rule and the words, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.matching.similarity import (
    Place,
    Side,
    alike,
    compare_places,
    score_pair,
)

KHARKIV = Place("Kharkiv", "UKR", 49.99, 36.23)
NORTH_3KM = Place("Tsyrkuny", "UKR", 49.99 + 3 / 111.195, 36.23)
UNLOCATED = Place("kharkiv", None, None, None)


def side(day: int = 24, precision: str = "day", event_type: str = "ASSAULT") -> Side:
    return Side(1, event_type, 4, dt.date(2025, 5, day), None, precision, None, None)


@pytest.mark.parametrize(
    ("first", "second", "closeness", "words", "near"),
    [
        (KHARKIV, KHARKIV, 1.0, "0.0 km apart", True),
        (KHARKIV, NORTH_3KM, 0.7, "3.0 km apart", True),
        (KHARKIV, Place("Lviv", "UKR", 49.84, 24.03), 0.0, "872.7 km apart", False),
        (KHARKIV, UNLOCATED, 1.0, "same place kharkiv", True),
        (KHARKIV, Place("Kharkiv", "RUS", None, None), 0.0, "different places", False),
        (KHARKIV, None, 0.0, "no place to compare", False),
    ],
)
def test_compare_places_by_distance_then_name(first, second, closeness, words, near):
    found = compare_places(first, second, max_km=10)
    assert (round(found.closeness, 2), found.words, found.near) == (
        closeness,
        words,
        near,
    )


@pytest.mark.parametrize(
    ("second", "shared", "any_place", "expected"),
    [
        (NORTH_3KM, 0, False, True),
        (None, 1, False, True),  # no place: a shared actor suffices
        (None, 0, False, False),
        (Place("Lviv", "UKR", 49.84, 24.03), 1, False, False),  # apart: never
        (Place("Lviv", "UKR", 49.84, 24.03), 1, True, True),  # the review's widening
    ],
)
def test_alike_needs_a_near_place_or_a_shared_actor(
    second, shared, any_place, expected
):
    nearness = compare_places(KHARKIV, second, max_km=10)
    assert alike(side(), side(), nearness, shared, any_place=any_place) is expected


def test_alike_needs_dates_that_overlap_at_their_precision():
    nearness = compare_places(KHARKIV, KHARKIV, max_km=10)
    assert alike(side(24), side(20, "week"), nearness, 0)  # the week of 19-25 May
    assert not alike(side(24), side(27), nearness, 0)


def test_score_pair_weighs_and_words_the_four_resemblances():
    nearness = compare_places(KHARKIV, NORTH_3KM, max_km=10)
    score, reasons = score_pair(side(), side(event_type="FIGHT"), nearness, [], 2)
    assert score == 0.57  # 0.15 (type family) + 0.25 (day) + 0.175 (3 km), rounded
    assert reasons == (
        "same type family (material conflict): ASSAULT and FIGHT; dates overlap "
        "(24 May 2025 (day) vs 24 May 2025 (day)); 3.0 km apart; no shared actor"
    )
