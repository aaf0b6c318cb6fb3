"""Casualty counts read from a sentence, and numbers written in words."""

from __future__ import annotations

import csv
import itertools

import pytest

from tests.conftest import require_shared
from tracker.extraction.casualties import Casualties, find_casualties
from tracker.extraction.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14", 14),
        ("1,200", 1200),
        ("fourteen", 14),
        ("twenty-one", 21),
        ("Twenty one", 21),
        ("a dozen", 12),
        ("two dozen", 24),
        ("half a dozen", 6),
        ("one hundred and five", 105),
        ("three thousand two hundred", 3200),
        ("a", 1),
        ("one", 1),
        ("several", None),
        ("dozens", None),
        ("many", None),
    ],
)
def test_parse_number_reads_digits_and_words(text, expected):
    assert parse_number(text) == expected


# Each row: sentence -> (killed, qualifier, injured, civilians, children).
@pytest.mark.parametrize(
    ("sentence", "killed", "qualifier", "injured", "civilians", "children"),
    [
        (
            "There have also been significant civilian casualties, including just this"
            " weekend when 14 Ukrainians, including 6 children, were killed in a"
            " ballistic missile attack.",
            14,
            "exact",
            None,
            None,
            6,
        ),
        (
            "A glide bomb hit the market, killing at least 12 people.",
            12,
            "at_least",
            None,
            None,
            None,
        ),
        (
            "At least 3 civilians were killed and 10 injured.",
            3,
            "at_least",
            10,
            3,
            None,
        ),
        ("The shelling left two dead and five wounded.", 2, "exact", 5, None, None),
        ("One person died in the fire.", 1, "exact", None, None, None),
        ("A woman was killed when the drone fell.", 1, "exact", None, None, None),
        (
            "Gunmen killed a man and his son at the checkpoint.",
            2,
            "exact",
            None,
            None,
            None,
        ),
        ("Up to 20 were killed in the raid.", 20, "up_to", None, None, None),
        ("About 30 were killed in the raid.", 30, "about", None, None, None),
        ("Some 30 fighters were killed.", 30, "about", None, None, None),
        ("Nearly 40 people were killed.", 40, "about", None, None, None),
        ("More than 40 people were killed.", 40, "at_least", None, None, None),
        (
            "Troops killed 2 soldiers and 3 civilians near the river.",
            5,
            "exact",
            None,
            3,
            None,
        ),
        (
            "A missile killed five people, including two children and a woman, and"
            " injured 12.",
            5,
            "exact",
            12,
            None,
            2,
        ),
        ("The blast killed 1 and injured 2.", 1, "exact", 2, None, None),
        ("Two soldiers were killed and five were wounded.", 2, "exact", 5, None, None),
        ("A drone attack killed a 7-year-old boy.", 1, "exact", None, None, 1),
        ("Three girls died in the strike.", 3, "exact", None, None, 3),
        ("Twenty-one people were killed overnight.", 21, "exact", None, None, None),
        ("2-3 fighters were shot dead.", 2, "at_least", None, None, None),
        (
            "The attack resulted in the death of two civilians.",
            2,
            "exact",
            None,
            2,
            None,
        ),
        ("He was killed in the attack.", 1, "exact", None, None, None),
        ("The village head was killed by gunmen.", 1, "exact", None, None, None),
        (
            "Five people were killed (two farmers and three traders) in the raid.",
            5,
            "exact",
            None,
            None,
            None,
        ),
        # Denials give zero.
        ("No casualties were reported.", 0, "exact", 0, None, None),
        ("There were no fatalities.", 0, "exact", 0, None, None),
        ("No one was killed in the attack.", 0, "exact", 0, None, None),
        ("The drone was shot down without casualties.", 0, "exact", 0, None, None),
        ("No injuries were reported.", 0, "exact", 0, None, None),
        # ACLED note style: the coded count.
        (
            "Forces shelled the village, killing 2 civilians. [size=no report]",
            2,
            "exact",
            None,
            2,
            None,
        ),
        (
            "A man was shot and killed on the main street. 1 fatality.",
            1,
            "exact",
            None,
            None,
            None,
        ),
        (
            "Two traffickers were killed and another was injured. 2 fatalities.",
            2,
            "exact",
            1,
            None,
            None,
        ),
        ("Clashes erupted near the town. Fatalities: 3", 3, "exact", None, None, None),
        (
            "Dozens of militants died in the fighting. Unclear fatalities coded as 10.",
            10,
            "exact",
            None,
            None,
            None,
        ),
        (
            "Twenty fighters died in two battles. Fatalities split, coded as 10 for"
            " this event.",
            10,
            "exact",
            None,
            None,
            None,
        ),
        (
            "Six rebels were killed [6 fatalities split among 3 events].",
            2,
            "exact",
            None,
            None,
            None,
        ),
        (
            "Two soldiers were killed (fatalities coded to the Pisky event).",
            0,
            "exact",
            None,
            None,
            None,
        ),
        (
            "Four people were killed. 3 fatalities coded to this event.",
            3,
            "exact",
            None,
            None,
            None,
        ),
    ],
)
def test_find_casualties_reads_the_counts(
    sentence, killed, qualifier, injured, civilians, children
):
    found = find_casualties(sentence)
    assert (
        found.killed,
        found.killed_qualifier,
        found.injured,
        found.civilians_killed,
        found.children_killed,
    ) == (killed, qualifier, injured, civilians, children)
    assert found.phrase is not None
    assert sentence[found.offset : found.offset + len(found.phrase)] == found.phrase


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia launched 14 drones and 3 missiles at the city.",
        "The war began in 2022 and the bloody 3-year-old conflict goes on.",
        "Su-34 jets dropped glide bombs on the front.",
        "On 3 June 2022, forces shelled the village. Casualties unknown.",
        "Residents protested against the killing of a man by police.",
        "Three people were hurt.",
    ],
)
def test_find_casualties_gives_no_death_count_for_other_numbers(sentence):
    found = find_casualties(sentence)
    assert (found.killed, found.killed_qualifier, found.phrase) == (None, None, None)


def test_find_casualties_counts_the_injured_without_the_dead():
    assert find_casualties("Three people were hurt.") == Casualties(injured=3)


def test_find_casualties_keeps_vague_deaths_without_a_number():
    # "dozens" says people died but not how many: no count, the words kept.
    sentence = "Dozens of people were killed in the strike."
    assert find_casualties(sentence) == Casualties(
        phrase="Dozens of people were killed", offset=0
    )


def test_find_casualties_prefers_a_reported_count_over_a_claim():
    sentence = "Six soldiers were killed. The group said it killed 7 soldiers."
    assert find_casualties(sentence).killed == 6


@pytest.mark.parametrize(
    ("name", "rows_read"),
    [
        ("acledR_acled_old_deletion_dummy.csv", 2000),
        ("peacerep_ukraine-map_ACLED-Ukraine.csv", 1000),
    ],
)
def test_find_casualties_agrees_with_acled_coding_on_most_notes(name, rows_read):
    """ACLED codes each note's fatalities; the reader finds the same number (None as
    0) on at least 95% of them. The rest are mostly protests over earlier deaths and
    figures the note does not give. (The first rows only, to keep the suite quick.)"""
    path = require_shared() / "real_data" / "acled" / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(itertools.islice(csv.DictReader(handle), rows_read))
    agree = sum(
        (find_casualties(row["notes"]).killed or 0) == int(row["fatalities"] or 0)
        for row in rows
    )
    assert agree / len(rows) >= 0.95
