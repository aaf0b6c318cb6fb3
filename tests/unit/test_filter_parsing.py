"""parse_filter: the one reader of filter values from outside (issue #18).

Each value is taken, or refused with its field and a reason a person can act on; the
filter holds only what was taken. No database: the SQL of long lists is checked as
compiled for each dialect (tests/dashboard/test_bad_filter_values.py runs it)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.errors import Problem
from tracker.models import Event
from tracker.query.filter_values import LARGEST_WHOLE_NUMBER, MAX_LIST_VALUES
from tracker.query.filters import (
    PLAIN_IN_LIST,
    EventFilter,
    one_of,
    parse_filter,
    parse_query_string,
)

NOT_DIGITS = "must be a whole number of 0 or more, in the digits 0-9"


def refused(query: str) -> list[str]:
    """The problems of a query string, as messages."""
    return [str(problem) for problem in parse_query_string(query)[1]]


@pytest.mark.parametrize(
    "number",
    [
        "²",  # issue #18: str.isdigit() accepts it, int() refuses it
        "٣",  # Arabic-Indic three: int() reads it as 3
        "１",  # full-width one
        "-5",
        "+5",
        "1.5",
        "1e3",
        " 1 2",
        "0x10",
    ],
)
def test_min_fatalities_not_in_ascii_digits_is_refused_and_left_out(number):
    event_filter, problems = parse_filter({"min_fatalities": number})
    assert event_filter == EventFilter()
    assert problems == [
        Problem(field="min_fatalities", reason=NOT_DIGITS, value=number.strip())
    ]


@pytest.mark.parametrize(
    "number", ["99999999999999999999999", str(LARGEST_WHOLE_NUMBER + 1), "9" * 5000]
)
def test_min_fatalities_above_the_integer_columns_is_refused(number):
    event_filter, [problem] = parse_filter({"min_fatalities": number})
    assert event_filter == EventFilter()
    assert problem.reason == "must be at most 2,147,483,647"
    assert len(str(problem)) < 200  # a 5,000-digit value is not echoed whole


@pytest.mark.parametrize(
    ("number", "read"), [("0", 0), ("007", 7), ("2147483647", 2**31 - 1)]
)
def test_min_fatalities_in_range_is_taken(number, read):
    assert parse_filter({"min_fatalities": number}) == (
        EventFilter(min_fatalities=read),
        [],
    )


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2022-02-30", "is not a calendar date (day is out of range for month)"),
        ("2023-02-29", "is not a calendar date (day is out of range for month)"),
        ("2025-13-01", "is not a calendar date (month must be in 1..12)"),
        ("2025-1-1", "must be a date written YYYY-MM-DD"),
        ("20250101", "must be a date written YYYY-MM-DD"),
        ("2025-W01-1", "must be a date written YYYY-MM-DD"),
        ("２０２５-０１-０１", "must be a date written YYYY-MM-DD"),
        ("yesterday", "must be a date written YYYY-MM-DD"),
        ("2025-01-01T00:00", "must be a date written YYYY-MM-DD"),
        ("0001-01-01", "must be from 1800-01-01 to 2199-12-31"),
        ("1799-12-31", "must be from 1800-01-01 to 2199-12-31"),
        ("9999-12-31", "must be from 1800-01-01 to 2199-12-31"),
    ],
)
@pytest.mark.parametrize("field", ["since", "until"])
def test_a_malformed_or_out_of_range_date_is_refused_not_dropped(field, date, reason):
    # Issue #18: a typo in `since` used to vanish, and the export sent every event.
    event_filter, problems = parse_filter({field: date})
    assert event_filter == EventFilter()
    assert problems == [Problem(field=field, reason=reason, value=date)]


def test_dates_at_the_ends_of_the_range_are_taken():
    event_filter, problems = parse_filter(
        {"since": "1800-01-01", "until": "2199-12-31"}
    )
    assert problems == []
    assert (event_filter.since, event_filter.until) == (
        dt.date(1800, 1, 1),
        dt.date(2199, 12, 31),
    )


def test_a_value_given_twice_for_a_one_value_field_is_refused():
    assert refused("since=2025-01-01&since=2025-02-01") == [
        "since: is given 2 times: give it once"
    ]


def test_vocabulary_values_are_read_in_any_case_and_unknown_ones_named():
    event_filter, problems = parse_filter(
        {
            "event_types": ["assault", "ASSAULT", "Bombing"],
            "modes": ["AERIAL", "laser"],
            "statuses": ["Proposed", "deleted"],
            "countries": ["ukr", "Ukraine", "XXX"],
        }
    )
    assert event_filter == EventFilter(
        event_types=("ASSAULT",),
        modes=("aerial",),
        statuses=("proposed",),
        countries=("UKR",),
    )
    assert [(p.field, p.value) for p in problems] == [
        ("event_types", "Bombing"),
        ("modes", "laser"),
        ("countries", "Ukraine"),
        ("countries", "XXX"),
        ("statuses", "deleted"),
    ]
    assert problems[0].reason == (
        "is not a PLOVER event type, such as ASSAULT or CONSULT"
    )
    assert (
        problems[-1].reason == "must be one of proposed, confirmed, disputed, retracted"
    )


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE event; --",
        "' OR '1'='1",
        "100%_",
        "<script>window.__pwned=1</script>",
        '<img src=x onerror="alert(1)">',
        "Київ",
        "\\",
    ],
)
def test_sql_and_html_metacharacters_are_taken_as_plain_text(text):
    event_filter, problems = parse_filter(
        {"text": text, "actors": [text], "places": [text]}
    )
    assert problems == []
    assert (event_filter.text, event_filter.actors, event_filter.places) == (
        text,
        (text,),
        (text,),
    )
    # The filter's own query string carries them back unchanged.
    assert EventFilter.from_query_string(event_filter.to_query_string()) == (
        event_filter
    )


def test_nul_characters_and_blank_values_mean_nothing():
    assert parse_filter(
        {"text": "\x00 \x00", "actors": ["", " ", "\x00"], "since": ""}
    ) == (EventFilter(), [])
    assert parse_filter({"text": "dr\x00one"}) == (EventFilter(text="drone"), [])


def test_overlong_texts_and_names_are_refused():
    event_filter, problems = parse_filter(
        {"text": "x" * 501, "places": ["Kyiv", "y" * 201]}
    )
    assert event_filter == EventFilter(places=("Kyiv",))
    assert [(p.field, p.reason) for p in problems] == [
        ("places", "is longer than 200 characters"),
        ("text", "is longer than 500 characters"),
    ]


def test_a_list_of_thousands_is_taken_and_one_over_the_limit_refused_whole():
    names = [f"Actor {n}" for n in range(MAX_LIST_VALUES)]
    assert parse_filter({"actors": names}) == (EventFilter(actors=tuple(names)), [])
    event_filter, problems = parse_filter({"actors": [*names, "one more"]})
    assert event_filter == EventFilter()
    assert [str(p) for p in problems] == [
        "actors: has 10,001 values: at most 10,000 are taken"
    ]


def test_many_refused_values_are_named_three_and_counted():
    event_filter, problems = parse_filter(
        {"event_types": ["ASSAULT"] + [f"BAD{n}" for n in range(5000)]}
    )
    assert event_filter == EventFilter(event_types=("ASSAULT",))
    assert [p.value for p in problems] == ["BAD0", "BAD1", "BAD2", None]
    assert problems[-1].reason == "4,997 more values refused"


def test_values_that_are_not_text_are_refused():
    event_filter, problems = parse_filter({"actors": ["Russia", 7, {"a": 1}]})
    assert event_filter == EventFilter(actors=("Russia",))
    assert [str(p) for p in problems] == ["actors: must be text (got '7')"]


def test_yes_no_words_and_anything_else():
    assert parse_query_string("flagged_figures=Yes") == (
        EventFilter(flagged_figures=True),
        [],
    )
    assert parse_query_string("flagged_figures=off") == (EventFilter(), [])
    assert refused("flagged_figures=maybe") == [
        "flagged_figures: must be 1 or 0 (yes or no) (got 'maybe')"
    ]


def test_keys_that_are_not_filter_fields_are_left_to_the_caller():
    assert parse_query_string("columns=acled&page=2&events=1") == (EventFilter(), [])


def test_the_lenient_readers_keep_what_was_taken():
    query = "min_fatalities=%C2%B2&since=2022-02-30&until=2025-05-31&countries=UKR"
    assert EventFilter.from_query_string(query) == EventFilter(
        until=dt.date(2025, 5, 31), countries=("UKR",)
    )


def compiled(condition, dialect) -> str:
    return str(select(Event.id).where(condition).compile(dialect=dialect))


def test_a_short_list_is_an_in_list_and_a_long_one_a_single_parameter():
    # Issue #18: PostgreSQL refuses a statement of more than 65,535 parameters.
    short = one_of(Event.event_type, ["ASSAULT"] * PLAIN_IN_LIST)
    assert "IN (__[POSTCOMPILE_event_type_1])" in compiled(short, sqlite.dialect())
    long = one_of(Event.event_type, [f"T{n}" for n in range(PLAIN_IN_LIST + 1)])
    assert compiled(long, sqlite.dialect()).endswith(
        "WHERE event.event_type IN (SELECT value \nFROM json_each(?))"
    )
    assert compiled(long, postgresql.psycopg.dialect()).endswith(
        "WHERE event.event_type IN (SELECT value \n"
        "FROM json_array_elements_text(%(param_1)s::JSON))"
    )


def test_a_filter_of_ten_thousand_names_binds_a_handful_of_parameters():
    # Issue #18: PostgreSQL takes at most 65,535 parameters a statement, and each
    # list is used more than once (actor names and aliases, place and province).
    names = tuple(f"Name {n}" for n in range(MAX_LIST_VALUES))
    event_filter = EventFilter(actors=names, places=names)
    statement = select(Event.id).where(*event_filter.conditions())
    for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
        driver_sql = statement.compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True}
        )
        assert len(driver_sql.params) < 10
