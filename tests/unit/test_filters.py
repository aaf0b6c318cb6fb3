"""EventFilter: query strings, descriptions and SQL, without a database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.models import Event
from tracker.query.filters import EventFilter


def test_filter_round_trips_through_a_query_string():
    original = EventFilter(
        since=dt.date(2025, 5, 1),
        event_types=("ASSAULT", "CONSULT"),
        actors=("the Kremlin",),
        text="6 children",
        min_fatalities=1,
    )
    query = original.to_query_string()
    assert "event_types=ASSAULT&event_types=CONSULT" in query
    assert EventFilter.from_query_string("?" + query) == original


def test_filter_from_query_string_ignores_malformed_values():
    parsed = EventFilter.from_query_string(
        "since=yesterday&min_fatalities=lots&until=2025-05-31"
    )
    assert parsed == EventFilter(until=dt.date(2025, 5, 31))


def test_empty_filter_counts_confirmed_and_disputed_events_and_says_so():
    # Issue #12: proposals and retractions are counted only when asked for.
    assert EventFilter().describe() == "confirmed and disputed events"
    [condition] = EventFilter().conditions()
    written = {
        dialect.name: str(
            condition.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        )
        for dialect in (sqlite.dialect(), postgresql.dialect())
    }
    # SQLite is told the test holds for most rows: its sampled statistics take it
    # for a rare one and would read every event through the status index.
    assert written == {
        "sqlite": "likely(event.status IN ('confirmed', 'disputed'))",
        "postgresql": "event.status IN ('confirmed', 'disputed')",
    }
    assert EventFilter().is_empty()


def test_named_statuses_replace_the_default_and_are_said():
    asked = EventFilter(statuses=("proposed", "confirmed"))
    assert asked.counted_statuses() == ["proposed", "confirmed"]
    assert asked.describe() == "proposed or confirmed events"


def test_filter_describes_itself_in_words():
    words = EventFilter(
        since=dt.date(2025, 5, 1),
        until=dt.date(2025, 5, 31),
        countries=("UKR",),
        text="drone",
    ).describe()
    assert (
        words == "confirmed and disputed events from 2025-05-01 to 2025-05-31, "
        "country UKR, mentioning 'drone'"
    )


def test_text_filter_treats_like_wildcards_and_quotes_literally():
    statement = select(Event.id).where(
        *EventFilter(text="100%_'; DROP TABLE event;--").conditions()
    )
    compiled = statement.compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
    )
    sql = str(compiled)
    assert "100\\%\\_''; drop table event;--" in sql


def test_flagged_figures_filter_reads_figures_flag_and_round_trips():
    # Issue 17: events whose dataset published figures out of order.
    flagged = EventFilter(countries=("UKR",), flagged_figures=True)
    statement = select(Event.id).where(*flagged.conditions())
    sql = str(
        statement.compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    assert "event.figures_flag IS NOT NULL" in sql
    assert flagged.to_query_string() == "countries=UKR&flagged_figures=1"
    assert EventFilter.from_query_string("countries=UKR&flagged_figures=1") == flagged
    assert EventFilter.from_query_string("flagged_figures=true").flagged_figures
    assert EventFilter.from_query_string("flagged_figures=0") == EventFilter()
    assert EventFilter().to_query_string() == ""
    assert flagged.describe() == (
        "confirmed and disputed events country UKR, "
        "with figures flagged as published out of order"
    )
