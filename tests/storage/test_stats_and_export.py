"""Aggregations in SQL and streamed exports over the seed events, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tracker.db import session_scope
from tracker.exporting import write_events_csv
from tracker.formats.native.cells import CSV_COLUMNS, write_events_jsonl
from tracker.query.events import count_events, iter_event_records
from tracker.query.filters import EventFilter
from tracker.query.stats import Period, count_events_by_period, date_bounds
from tracker.seed import seed_database
from tracker.store.events import save_events, validate_event_records


@pytest.fixture
def seeded_engine(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


@pytest.mark.parametrize(
    ("period", "expected_starts"),
    [
        (Period.DAY, {"2025-05-01", "2025-05-24"}),
        (Period.WEEK, {"2025-04-28", "2025-05-19"}),  # Mondays
        (Period.MONTH, {"2025-05-01"}),
        (Period.YEAR, {"2025-01-01"}),
    ],
)
def test_count_events_by_period_buckets_in_sql_on_each_backend(
    seeded_engine, period, expected_starts
):
    with session_scope(seeded_engine) as session:
        counts = count_events_by_period(session, EventFilter(), period)
    assert {c.period_start.isoformat() for c in counts} == expected_starts
    assert sum(c.count for c in counts) == 12
    assault = sum(c.count for c in counts if c.event_type == "ASSAULT")
    assert assault == 3


def test_count_events_by_period_honours_the_filter(seeded_engine):
    only_words = EventFilter(event_types=("ACCUSE", "THREATEN", "CONCEDE"))
    with session_scope(seeded_engine) as session:
        counts = count_events_by_period(session, only_words, Period.DAY)
        assert {c.event_type for c in counts} == {"ACCUSE", "THREATEN", "CONCEDE"}
        assert sum(c.count for c in counts) == 4
        quads = {c.event_type: c.quad_class for c in counts}
        assert quads == {"ACCUSE": 3, "THREATEN": 3, "CONCEDE": 1}


def test_date_bounds_cover_starts_and_ends_and_are_none_without_matches(seeded_engine):
    with session_scope(seeded_engine) as session:
        assert date_bounds(session, EventFilter()) == (
            dt.date(2025, 5, 1),
            dt.date(2025, 5, 28),
        )
        assert date_bounds(session, EventFilter(text="no such words")) is None


def test_date_filter_selects_events_whose_interval_overlaps(seeded_engine):
    weekend = EventFilter(since=dt.date(2025, 5, 25), until=dt.date(2025, 5, 25))
    with session_scope(seeded_engine) as session:
        # every month-precision event spans the 25th, as do the week ones: all 12.
        assert count_events(session, weekend) == 12
        assert count_events(session, EventFilter(since=dt.date(2025, 5, 29))) == 0
        assert count_events(session, EventFilter(until=dt.date(2025, 4, 30))) == 0


def test_export_jsonl_then_add_into_another_database_gives_the_same_records(
    seeded_engine, tmp_path
):
    from tracker.db import make_engine, upgrade_database

    buffer = io.StringIO()
    with session_scope(seeded_engine) as session:
        assert (
            write_events_jsonl(iter_event_records(session, EventFilter()), buffer) == 12
        )
    lines = buffer.getvalue().splitlines()
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade_database(other)
    with session_scope(other) as session:
        save_events(
            session, validate_event_records(enumerate(map(json.loads, lines), 1))
        )
    with session_scope(other) as session:
        copied = list(iter_event_records(session, EventFilter()))
    original = [json.loads(line) for line in lines]
    volatile = {"id", "created_at", "updated_at", "links"}
    for before, after in zip(original, copied, strict=True):
        after_json = json.loads(after.model_dump_json())
        assert {k: v for k, v in before.items() if k not in volatile} == {
            k: v for k, v in after_json.items() if k not in volatile
        }
        assert [link["relation"] for link in before["links"]] == [
            link["relation"] for link in after_json["links"]
        ]


def test_export_csv_has_the_documented_columns_and_children_killed(seeded_engine):
    buffer = io.StringIO()
    with session_scope(seeded_engine) as session:
        write_events_csv(
            iter_event_records(session, EventFilter(min_fatalities=1)), buffer
        )
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    [attack] = rows
    assert (attack["fatalities_best"], attack["children_killed"]) == ("14", "6")
    assert attack["initiators"] == "Military Forces of Russia"
    assert attack["targets"] == "Civilians (Ukraine)"
