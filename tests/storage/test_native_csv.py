"""The native CSV read straight from SQL (the CLI's and the dashboard's CSV path) is
the very text the record-by-record writer makes, on both backends: every column,
escaped cells, actors by role, quotes, links, JSON columns, events without a place,
and keyset batches that split a day's events."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import update

from tracker.db import session_scope, snapshot_connections
from tracker.exporting import iter_export_chunks, write_events_csv
from tracker.formats import EXPORTS
from tracker.models import Event, EventCreate
from tracker.native_export import iter_native_lines
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event

AWKWARD = {
    "title": '=HYPERLINK("https://example.org") shelling, "quoted"',
    "event_type": "ASSAULT",
    "date_start": "2025-05-24",
    "notes": "two lines\nof notes; with a separator",
    "actors": [
        {"name": "+Unknown armed group", "role": "initiator"},
        {"name": "Civilians (Ukraine)", "role": "target"},
        {"name": "Civilians (Ukraine)", "role": "participant"},
    ],
    "sources": [{"title": "A report not online", "quote": "-3 killed"}],
    "tags": ["@night", "drone"],
}

# Written while an export runs; dated after every other event, so in its last batch.
LATE = {"title": "Written late", "event_type": "ASSAULT", "date_start": "2030-01-01"}


@pytest.fixture
def events(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        create_event(session, EventCreate.model_validate(AWKWARD))
    return engine


def by_records(session, event_filter: EventFilter) -> str:
    stream = io.StringIO()
    write_events_csv(iter_event_records(session, event_filter), stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    "event_filter",
    [
        EventFilter(),
        EventFilter(countries=("UKR",)),
        EventFilter(since=dt.date(2025, 5, 24), text="killed"),
    ],
    ids=lambda f: f.describe(),
)
def test_the_sql_path_writes_what_the_record_path_writes(events, event_filter):
    with session_scope(events) as session:
        expected = by_records(session, event_filter)
        native = EXPORTS["native"]
        chunks = list(
            iter_export_chunks(session, event_filter, native, rows_per_chunk=2)
        )
    assert "".join(chunks) == expected
    assert expected.count("\n") > 1  # the filter kept some events


def test_small_batches_split_days_without_losing_or_repeating_events(events):
    with session_scope(events) as session:
        whole = list(iter_native_lines(session, EventFilter()))
        batched = list(iter_native_lines(session, EventFilter(), batch_size=2))
    ids = {line.split(",", 1)[0] for line in whole}
    assert batched == whole and len(whole) == len(ids) == 13


def test_the_export_reads_batches_on_two_connections(events):
    with session_scope(events) as session, snapshot_connections(session, 2) as readers:
        assert len(readers) == 2
        assert session.connection() not in readers


@pytest.mark.parametrize("workers", [1, 2])
def test_a_write_during_the_export_leaves_the_export_as_it_was(events, workers):
    # Issue 19: batches read at once on several connections still read one snapshot.
    with session_scope(events) as session:
        expected = list(iter_native_lines(session, EventFilter(), batch_size=2))
    with session_scope(events) as session:
        lines = iter_native_lines(session, EventFilter(), batch_size=2, workers=workers)
        exported = [next(lines)]
        with session_scope(events) as writer:
            writer.execute(update(Event).values(title="changed during the export"))
            create_event(writer, EventCreate.model_validate(LATE))
        exported += lines
    assert exported == expected
    with session_scope(events) as session:
        after = list(iter_native_lines(session, EventFilter(), batch_size=2))
    assert len(after) == len(expected) + 1
    assert sum("changed during the export" in line for line in after) == len(expected)


@pytest.mark.parametrize("batch_size", [2, 3])
@pytest.mark.parametrize(
    "event_filter",
    [EventFilter(), EventFilter(countries=("UKR",))],
    ids=lambda f: f.describe(),
)
def test_batches_read_at_once_are_those_read_one_by_one(
    events, event_filter, batch_size
):
    with session_scope(events) as session:
        lines = iter_native_lines(
            session, event_filter, batch_size=batch_size, workers=2
        )
        at_once = list(lines)
        lines = iter_native_lines(
            session, event_filter, batch_size=batch_size, workers=1
        )
        one_by_one = list(lines)
    assert at_once == one_by_one and one_by_one
