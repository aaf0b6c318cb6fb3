"""Dates with precision: the interval an event covers and how it reads."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.vocab.dates import covered_interval, describe_date

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2025, 5, 24), None, "day", (D(2025, 5, 24), D(2025, 5, 24))),
        (D(2025, 5, 24), None, "week", (D(2025, 5, 19), D(2025, 5, 25))),
        (D(2025, 5, 16), None, "month", (D(2025, 5, 1), D(2025, 5, 31))),
        (D(2024, 2, 10), None, "month", (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2025, 5, 16), None, "year", (D(2025, 1, 1), D(2025, 12, 31))),
        (D(2025, 5, 1), D(2025, 5, 28), "month", (D(2025, 5, 1), D(2025, 5, 28))),
    ],
)
def test_covered_interval_spans_the_precision_unless_an_end_is_given(
    start, end, precision, expected
):
    assert covered_interval(start, end, precision) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2025, 5, 24), None, "day", "24 May 2025 (day)"),
        (D(2025, 5, 24), D(2025, 5, 25), "week", "24–25 May 2025 (week)"),
        (D(2025, 5, 1), D(2025, 5, 28), "month", "May 2025 (month)"),
        (D(2025, 1, 1), D(2025, 12, 31), "year", "2025 (year)"),
        (D(2025, 4, 28), D(2025, 5, 4), "week", "28 April – 4 May 2025 (week)"),
        (
            D(2024, 12, 30),
            D(2025, 1, 2),
            "day",
            "30 December 2024 – 2 January 2025 (day)",
        ),
    ],
)
def test_describe_date_says_the_span_and_its_precision(start, end, precision, expected):
    assert describe_date(start, end, precision) == expected
