"""Date phrases resolved against the publication date, with range and precision."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from tests.conftest import require_shared
from tracker.extraction.dates import DateSpan, find_date, find_dates
from tracker.models import DatePrecision

D = dt.date
DAY, WEEK, MONTH, YEAR = (
    DatePrecision.DAY,
    DatePrecision.WEEK,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
)
SEED_PUBLISHED = D(2025, 5, 28)  # a Wednesday
FRIDAY = D(2025, 5, 23)


@pytest.mark.parametrize(
    ("sentence", "published", "phrase", "start", "end", "precision", "future"),
    [
        # The seed article's sentences (published Wednesday 28 May 2025).
        (
            "Earlier this month, delegates from Russia and Ukraine met in Istanbul.",
            SEED_PUBLISHED,
            "Earlier this month",
            D(2025, 5, 1),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        (
            "There have also been significant civilian casualties, including just this"
            " weekend when 14 Ukrainians, including 6 children, were killed.",
            SEED_PUBLISHED,
            "just this weekend",
            D(2025, 5, 24),
            D(2025, 5, 25),
            WEEK,
            False,
        ),
        (
            "In a recent TruthSocial post, he accused Putin of having gone CRAZY.",
            SEED_PUBLISHED,
            "recent",
            D(2025, 5, 21),
            D(2025, 5, 28),
            WEEK,
            False,
        ),
        (
            "They have now proposed a new round of peace talks to take place in"
            " Istanbul in June.",
            SEED_PUBLISHED,
            "in June",
            D(2025, 6, 1),
            D(2025, 6, 30),
            MONTH,
            True,
        ),
        (
            "Operations are at their most intense level since January.",
            SEED_PUBLISHED,
            "since January",
            D(2025, 1, 1),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        # Periods around the publication date.
        (
            "This month saw heavy fighting.",
            SEED_PUBLISHED,
            "This month",
            D(2025, 5, 1),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        (
            "Talks failed last month.",
            SEED_PUBLISHED,
            "last month",
            D(2025, 4, 1),
            D(2025, 4, 30),
            MONTH,
            False,
        ),
        (
            "Shelling went on over the weekend.",
            SEED_PUBLISHED,
            "over the weekend",
            D(2025, 5, 24),
            D(2025, 5, 25),
            WEEK,
            False,
        ),
        (
            "Shelling went on last weekend.",
            SEED_PUBLISHED,
            "last weekend",
            D(2025, 5, 24),
            D(2025, 5, 25),
            WEEK,
            False,
        ),
        (
            "Shelling went on this weekend.",
            D(2025, 5, 24),
            "this weekend",
            D(2025, 5, 24),
            D(2025, 5, 25),
            WEEK,
            False,
        ),
        (
            "Shelling went on last weekend.",
            D(2025, 5, 25),
            "last weekend",
            D(2025, 5, 17),
            D(2025, 5, 18),
            WEEK,
            False,
        ),
        (
            "Strikes hit Kyiv this week.",
            SEED_PUBLISHED,
            "this week",
            D(2025, 5, 26),
            D(2025, 5, 28),
            WEEK,
            False,
        ),
        (
            "Strikes hit Kyiv earlier this week.",
            SEED_PUBLISHED,
            "earlier this week",
            D(2025, 5, 26),
            D(2025, 5, 28),
            WEEK,
            False,
        ),
        (
            "Strikes hit Kyiv last week.",
            SEED_PUBLISHED,
            "last week",
            D(2025, 5, 19),
            D(2025, 5, 25),
            WEEK,
            False,
        ),
        (
            "Talks resume next week.",
            SEED_PUBLISHED,
            "next week",
            D(2025, 6, 2),
            D(2025, 6, 8),
            WEEK,
            True,
        ),
        (
            "Drones struck yesterday.",
            SEED_PUBLISHED,
            "yesterday",
            D(2025, 5, 27),
            D(2025, 5, 27),
            DAY,
            False,
        ),
        (
            "Drones struck today.",
            SEED_PUBLISHED,
            "today",
            D(2025, 5, 28),
            D(2025, 5, 28),
            DAY,
            False,
        ),
        (
            "Drones struck overnight.",
            SEED_PUBLISHED,
            "overnight",
            D(2025, 5, 27),
            D(2025, 5, 28),
            DAY,
            False,
        ),
        (
            "Envoys meet tomorrow.",
            SEED_PUBLISHED,
            "tomorrow",
            D(2025, 5, 29),
            D(2025, 5, 29),
            DAY,
            True,
        ),
        (
            "The attack came three days ago.",
            SEED_PUBLISHED,
            "three days ago",
            D(2025, 5, 25),
            D(2025, 5, 25),
            DAY,
            False,
        ),
        (
            "Prices rose recently.",
            SEED_PUBLISHED,
            "recently",
            D(2025, 5, 21),
            D(2025, 5, 28),
            WEEK,
            False,
        ),
        (
            "Fighting was fierce in 2023.",
            SEED_PUBLISHED,
            "in 2023",
            D(2023, 1, 1),
            D(2023, 12, 31),
            YEAR,
            False,
        ),
        (
            "The first talks since March 2022.",
            SEED_PUBLISHED,
            "since March 2022",
            D(2022, 3, 1),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        # Months: the latest one not after publication, unless the sentence looks ahead.
        (
            "Fighting resumed in June.",
            SEED_PUBLISHED,
            "in June",
            D(2024, 6, 1),
            D(2024, 6, 30),
            MONTH,
            False,
        ),
        (
            "Fighting resumed in June 2024.",
            SEED_PUBLISHED,
            "in June 2024",
            D(2024, 6, 1),
            D(2024, 6, 30),
            MONTH,
            False,
        ),
        (
            "June 2024 was quiet.",
            SEED_PUBLISHED,
            "June 2024",
            D(2024, 6, 1),
            D(2024, 6, 30),
            MONTH,
            False,
        ),
        (
            "Troops withdrew in May.",
            SEED_PUBLISHED,
            "in May",
            D(2025, 5, 1),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        (
            "Troops withdrew in early May.",
            SEED_PUBLISHED,
            "early May",
            D(2025, 5, 1),
            D(2025, 5, 10),
            MONTH,
            False,
        ),
        (
            "Troops withdrew in mid-May.",
            SEED_PUBLISHED,
            "mid-May",
            D(2025, 5, 11),
            D(2025, 5, 20),
            MONTH,
            False,
        ),
        (
            "Troops withdrew in late April.",
            SEED_PUBLISHED,
            "late April",
            D(2025, 4, 21),
            D(2025, 4, 30),
            MONTH,
            False,
        ),
        (
            "Troops withdrew in late May.",
            SEED_PUBLISHED,
            "late May",
            D(2025, 5, 21),
            D(2025, 5, 28),
            MONTH,
            False,
        ),
        # Weekdays: on or before the publication day; "last" strictly before.
        (
            "Drones struck last Friday.",
            SEED_PUBLISHED,
            "last Friday",
            FRIDAY,
            FRIDAY,
            DAY,
            False,
        ),
        (
            "Drones struck on Friday.",
            SEED_PUBLISHED,
            "on Friday",
            FRIDAY,
            FRIDAY,
            DAY,
            False,
        ),
        ("Drones struck Friday.", SEED_PUBLISHED, "Friday", FRIDAY, FRIDAY, DAY, False),
        ("Drones struck on Friday.", FRIDAY, "on Friday", FRIDAY, FRIDAY, DAY, False),
        (
            "Drones struck last Friday.",
            FRIDAY,
            "last Friday",
            D(2025, 5, 16),
            D(2025, 5, 16),
            DAY,
            False,
        ),
        (
            "Drones struck on Tuesday night.",
            SEED_PUBLISHED,
            "on Tuesday night",
            D(2025, 5, 27),
            D(2025, 5, 27),
            DAY,
            False,
        ),
        (
            "Envoys will meet on Friday.",
            SEED_PUBLISHED,
            "on Friday",
            D(2025, 5, 30),
            D(2025, 5, 30),
            DAY,
            True,
        ),
        # Explicit dates.
        (
            "The strike on 24 May killed two.",
            SEED_PUBLISHED,
            "on 24 May",
            D(2025, 5, 24),
            D(2025, 5, 24),
            DAY,
            False,
        ),
        (
            "The strike on May 24 killed two.",
            SEED_PUBLISHED,
            "on May 24",
            D(2025, 5, 24),
            D(2025, 5, 24),
            DAY,
            False,
        ),
        (
            "It happened on 24 May 2025.",
            SEED_PUBLISHED,
            "on 24 May 2025",
            D(2025, 5, 24),
            D(2025, 5, 24),
            DAY,
            False,
        ),
        (
            "Logged 2025-05-24 by the monitors.",
            SEED_PUBLISHED,
            "2025-05-24",
            D(2025, 5, 24),
            D(2025, 5, 24),
            DAY,
            False,
        ),
        (
            "Logged 24/05/2025 by the monitors.",
            SEED_PUBLISHED,
            "24/05/2025",
            D(2025, 5, 24),
            D(2025, 5, 24),
            DAY,
            False,
        ),
        (
            "On 16 February 2023, forces shelled a town.",
            SEED_PUBLISHED,
            "On 16 February 2023",
            D(2023, 2, 16),
            D(2023, 2, 16),
            DAY,
            False,
        ),
        (
            "On Friday, 23 May 2025, drones struck.",
            SEED_PUBLISHED,
            "On Friday, 23 May 2025",
            FRIDAY,
            FRIDAY,
            DAY,
            False,
        ),
        (
            "A strike on 30 June hit the port.",
            SEED_PUBLISHED,
            "on 30 June",
            D(2024, 6, 30),
            D(2024, 6, 30),
            DAY,
            False,
        ),
        (
            "Talks are scheduled for 3 June.",
            SEED_PUBLISHED,
            "3 June",
            D(2025, 6, 3),
            D(2025, 6, 3),
            DAY,
            True,
        ),
        (
            "Raids took place in Sept. 2024.",
            SEED_PUBLISHED,
            "in Sept. 2024",
            D(2024, 9, 1),
            D(2024, 9, 30),
            MONTH,
            False,
        ),
        # Day ranges: precision from their length.
        (
            "Clashes between 3 and 5 March.",
            SEED_PUBLISHED,
            "between 3 and 5 March",
            D(2025, 3, 3),
            D(2025, 3, 5),
            WEEK,
            False,
        ),
        (
            "Clashes between 4 and 5 March.",
            SEED_PUBLISHED,
            "between 4 and 5 March",
            D(2025, 3, 4),
            D(2025, 3, 5),
            DAY,
            False,
        ),
        (
            "Clashes from 1 to 20 March.",
            SEED_PUBLISHED,
            "from 1 to 20 March",
            D(2025, 3, 1),
            D(2025, 3, 20),
            MONTH,
            False,
        ),
        (
            "Around 10 January (between 8 - 11 January).",
            SEED_PUBLISHED,
            "between 8 - 11 January",
            D(2025, 1, 8),
            D(2025, 1, 11),
            WEEK,
            False,
        ),
        (
            "Between 28 February and 3 March 2023, shelling.",
            SEED_PUBLISHED,
            "Between 28 February and 3 March 2023",
            D(2023, 2, 28),
            D(2023, 3, 3),
            WEEK,
            False,
        ),
    ],
)
def test_find_dates_resolves_the_phrase_against_the_publication_date(
    sentence, published, phrase, start, end, precision, future
):
    spans = [s for s in find_dates(sentence, published) if s.phrase == phrase]
    assert len(spans) == 1, find_dates(sentence, published)
    span = spans[0]
    assert (span.start, span.end, span.precision, span.future) == (
        start,
        end,
        precision,
        future,
    )
    assert sentence[span.offset : span.offset + len(span.phrase)] == phrase


PREVIOUS = DateSpan(D(2025, 5, 20), D(2025, 5, 20), DAY, "on 20 May", 3, False)
PREVIOUS_WEEKEND = DateSpan(
    D(2025, 5, 24), D(2025, 5, 25), WEEK, "this weekend", 0, False
)


@pytest.mark.parametrize(
    ("sentence", "previous", "start", "end", "precision"),
    [
        (
            "Two days later, the town fell.",
            PREVIOUS,
            D(2025, 5, 22),
            D(2025, 5, 22),
            DAY,
        ),
        ("The next day, the town fell.", PREVIOUS, D(2025, 5, 21), D(2025, 5, 21), DAY),
        ("A day later, the town fell.", PREVIOUS, D(2025, 5, 21), D(2025, 5, 21), DAY),
        ("The town fell that day.", PREVIOUS, D(2025, 5, 20), D(2025, 5, 20), DAY),
        ("The town fell the same day.", PREVIOUS, D(2025, 5, 20), D(2025, 5, 20), DAY),
        (
            "The day before, the town fell.",
            PREVIOUS,
            D(2025, 5, 19),
            D(2025, 5, 19),
            DAY,
        ),
        (
            "A week later, the town fell.",
            PREVIOUS,
            D(2025, 5, 27),
            D(2025, 5, 27),
            WEEK,
        ),
        # A shift keeps the previous date's coarser precision.
        (
            "The next day, the town fell.",
            PREVIOUS_WEEKEND,
            D(2025, 5, 25),
            D(2025, 5, 26),
            WEEK,
        ),
    ],
)
def test_find_dates_reads_relative_phrases_against_the_previous_date(
    sentence, previous, start, end, precision
):
    [span] = find_dates(sentence, SEED_PUBLISHED, previous=previous)
    assert (span.start, span.end, span.precision) == (start, end, precision)


def test_find_dates_skips_phrases_relative_to_an_unknown_previous_date():
    assert find_dates("Two days later, the town fell.", SEED_PUBLISHED) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia may attack again.",
        "May God help them, she said.",
        "Thousands march through the capital.",
        "March on Kyiv, the banners read.",
        "The bloody 3-year-old conflict goes on.",
        "Su-34 jets dropped 14 glide bombs.",
        "Protesters joined the 'Monday Walks' against the measures.",
        "Since that round of talks concluded, attacks grew.",
        "Trump has since walked back on his intention.",
        "Residents gathered in Jan Kempdorp.",
    ],
)
def test_find_dates_finds_no_date_in_words_that_only_look_like_dates(sentence):
    assert find_dates(sentence, SEED_PUBLISHED) == []


def test_find_dates_lists_every_phrase_in_text_order():
    sentence = (
        "Earlier this month, delegates met in Istanbul for peace talks, the first"
        " since March 2022."
    )
    spans = find_dates(sentence, SEED_PUBLISHED)
    assert [(s.phrase, s.offset) for s in spans] == [
        ("Earlier this month", 0),
        ("since March 2022", sentence.index("since")),
    ]


def test_find_date_takes_the_first_phrase_not_in_the_future():
    sentence = "On Monday envoys said they will meet again in June."
    span = find_date(sentence, SEED_PUBLISHED)
    assert span is not None
    assert (span.phrase, span.start, span.future) == (
        "On Monday",
        D(2025, 5, 26),
        False,
    )


def test_find_date_is_none_when_the_only_date_is_in_the_future():
    sentence = "They proposed new talks to take place in Istanbul in June."
    assert find_date(sentence, SEED_PUBLISHED) is None


def test_find_date_is_none_without_a_date_phrase():
    sentence = "The two sides did agree on a large prisoner swap."
    assert find_date(sentence, SEED_PUBLISHED) is None


def _acled_date(value: str) -> dt.date:
    day = value.split()[0]
    if re.match(r"\d{4}-", day):
        return dt.date.fromisoformat(day)
    d, m, y = (int(part) for part in day.split("/"))
    return dt.date(y, m, d)


def test_find_date_of_each_acled_note_covers_its_coded_event_date():
    """ACLED notes open with the event's date ("On 16 February 2023, ..."); read a
    few days after it, the first date found is that day (or a range holding it)."""
    path = (
        require_shared()
        / "real_data"
        / "acled"
        / "peacerep_ukraine-map_ACLED-Ukraine.csv"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["notes"]]
    missed = []
    for row in rows:
        event_date = _acled_date(row["event_date"])
        span = find_date(row["notes"], event_date + dt.timedelta(days=3))
        if span is None or not span.start <= event_date <= span.end:
            missed.append((row["event_date"], span))
    assert len(rows) > 900
    assert missed == []
