"""The events table's settings in the URL (issue #14): read back as written, and
nonsense read as the defaults rather than failing the page."""

from __future__ import annotations

import pytest

from dashboard.components.table_state import (
    TableState,
    cursor_text,
    cursor_token,
    last_page,
    page_span,
    read_table_state,
    table_search,
)
from tracker.query.filters import EventFilter


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, TableState()),
        (
            {
                "sort": "fatalities_best",
                "desc": "1",
                "page": "3",
                "after": "5,2024-01-02,9",
            },
            TableState("fatalities_best", True, 3, "5,2024-01-02,9"),
        ),
        (
            {"before": "2024-01-02,9", "page": "2"},
            TableState(page=2, before="2024-01-02,9"),
        ),
        ({"after": "a", "before": "b"}, TableState(after="a")),
        ({"cols": "notes,bogus,admin1"}, TableState(columns=("admin1", "notes"))),
        ({"sort": "title", "desc": "yes", "page": "-2"}, TableState()),
        ({"page": "99999999999"}, TableState()),
        ({"sort": ["event_type", "date_start"]}, TableState(sort="event_type")),
    ],
)
def test_read_table_state_reads_the_url_or_falls_back(query, expected):
    assert read_table_state(query) == expected


def test_table_search_writes_what_read_table_state_reads():
    state = TableState(
        "event_type", True, 4, None, "ASSAULT,2024-01-02,9", ("dataset",)
    )
    search = table_search(EventFilter(countries=("UKR",)), state)
    assert search == (
        "?countries=UKR&sort=event_type&desc=1&page=4"
        "&before=ASSAULT%2C2024-01-02%2C9&cols=dataset"
    )
    assert table_search(EventFilter(), TableState()) == ""


def test_a_new_sort_starts_at_the_first_page():
    state = TableState(page=7, after="2024-01-02,9", columns=("notes",))
    assert state.sorted_by("fatalities_best", True) == TableState(
        "fatalities_best", True, 1, None, None, ("notes",)
    )


def test_cursor_text_round_trips_numbers_and_text():
    assert cursor_text(["ASSAULT", "2024-01-02", 9]) == "ASSAULT,2024-01-02,9"
    assert cursor_token("-1,2024-01-02,9") == [-1, "2024-01-02", 9]
    assert cursor_token("") is None


@pytest.mark.parametrize(
    ("page", "total", "described"),
    [
        (1, 12345, "rows 1–50 of 12,345"),
        (247, 12345, "rows 12,301–12,345 of 12,345"),
        (999, 120, "rows 101–120 of 120"),
        (1, 0, "no rows"),
    ],
)
def test_page_span_says_which_rows_a_page_holds(page, total, described):
    assert page_span(page, total).describe() == described


def test_last_page_of_an_empty_table_is_the_first():
    assert (last_page(0), last_page(50), last_page(51)) == (1, 1, 2)
