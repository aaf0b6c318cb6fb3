"""tracker.open() on a server's URL with a token (issue 15, point 3): over real
HTTP, on SQLite and PostgreSQL, the remote reads give the very DataFrames, records
and timelines the local reads of the same database give (the local mode is itself
held to the CSV export in tests/storage/test_frames.py). The database holds the
seed events, the real ACLED sample and 3,000 bare events on two days, so every
read spans several of the API's pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

import tracker
from tests.api.conftest import call
from tests.browser.conftest import free_port, running_server
from tests.conftest import require_shared
from tests.dashboard.conftest import insert_plain_events
from tracker.db import make_engine, session_scope
from tracker.errors import InvalidFilter, PermissionDenied
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.importing import import_file
from tracker.remote import RateLimited, RemoteError, RemoteTracker
from tracker.store import tokens

ACLED_SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
BULK_DAYS = (dt.date(2024, 3, 4), dt.date(2025, 5, 20))

# Filters as keyword arguments, each met by some but not all of the events.
FILTERS = [
    {},
    {"event_types": ["ASSAULT", "COERCE"]},
    {"since": "2023-11-01", "until": "2024-01-15"},
    {"countries": "UKR", "min_fatalities": 1},
    {"acled_event_types": ["Battles"], "admin1": ["Donetsk", "Kharkiv"]},
    {"statuses": ["confirmed", "proposed", "disputed", "retracted"]},
    {"text": "drone"},
    {"since": dt.date(2025, 5, 20), "datasets": ["seed"]},
    {"event_types": "CONSULT"},  # mostly the bare events: several pages
]
# Texts the CSV export puts an apostrophe before (a spreadsheet would run them).
SPREADSHEET_TEXTS = [
    ('=HYPERLINK("http://x")', "-3 wounded"),
    ("'quoted' title", "+1 more"),
]


@pytest.fixture(scope="module")
def loaded(api_database: str) -> str:
    """The API's seeded database with the ACLED sample and the bare events."""
    engine = make_engine(api_database)
    with session_scope(engine) as session:
        sample = require_shared() / ACLED_SAMPLE
        import_file(session, sample, format_name=ACLED_FORMAT.name)
    for day in BULK_DAYS:
        insert_plain_events(engine, 1500, day)
    with engine.begin() as connection:
        for title, notes in SPREADSHEET_TEXTS:
            connection.execute(
                text(
                    "UPDATE event SET title = :title, notes = :notes WHERE id ="
                    " (SELECT min(id) FROM event WHERE title LIKE 'Bulk event %')"
                ),
                {"title": title, "notes": notes},
            )
    engine.dispose()
    return api_database


@pytest.fixture(scope="module")
def remote(loaded, api_server, api_tokens):
    with tracker.open(api_server, token=api_tokens["viewer"]) as server:
        yield server


@pytest.fixture(scope="module")
def local(loaded):
    with tracker.open(loaded) as database:
        yield database


def event_count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM event")).scalar_one()
    engine.dispose()
    return count


def test_opening_a_server_url_gives_a_remote_tracker(remote, loaded):
    assert isinstance(remote, RemoteTracker)
    assert event_count(loaded) > 3000  # more than three of the API's pages


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
def test_remote_frame_equals_the_local_frame(remote, local, filters):
    expected = local.events(**filters)
    got = remote.events(**filters)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)


def test_the_whole_database_pages_through_and_matches(remote, local):
    statuses = ["confirmed", "proposed", "disputed", "retracted"]
    got = remote.events(statuses=statuses)
    assert len(got) > 3000
    pd.testing.assert_frame_equal(got, local.events(statuses=statuses))
    assert remote.count(statuses=statuses) == len(got)


def test_text_comes_as_stored_without_the_csv_apostrophe(remote):
    frame = remote.events(since=BULK_DAYS[0], until=BULK_DAYS[0])
    stored = dict(zip(frame["title"], frame["notes"], strict=True))
    for title, notes in SPREADSHEET_TEXTS:
        assert stored[title] == notes


def test_remote_records_equal_the_local_records(remote, local):
    filters = {"countries": "UKR"}
    got = remote.events(as_records=True, **filters)
    assert got == local.events(as_records=True, **filters)
    assert got and isinstance(got[0]["date_start"], dt.date)


def test_chunks_join_into_the_whole_frame(remote):
    chunks = list(remote.events(chunksize=700, event_types="CONSULT"))
    whole = remote.events(event_types="CONSULT")
    assert len(chunks) == -(-len(whole) // 700) and len(chunks) > 2
    assert all(len(chunk) <= 700 for chunk in chunks)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


def test_no_match_is_the_same_empty_frame(remote, local):
    filters = {"since": "2099-01-01"}
    got = remote.events(**filters)
    assert got.empty
    pd.testing.assert_frame_equal(got, local.events(**filters))


@pytest.mark.parametrize("period", ["week", "month", "year", "auto"])
@pytest.mark.parametrize("filters", FILTERS[:4], ids=[str(f) for f in FILTERS[:4]])
def test_remote_timeline_equals_the_local_timeline(remote, local, period, filters):
    got = remote.timeline(period, **filters)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, local.timeline(period, **filters))


def test_a_refused_filter_names_the_field(remote):
    with pytest.raises(InvalidFilter) as refused:
        remote.events(since="the other day")
    assert [p.field for p in refused.value.problems] == ["since"]
    with pytest.raises(InvalidFilter) as unknown:
        remote.events(countrys="UKR")
    assert unknown.value.problems[0].field == "countrys"


def test_what_the_server_refuses_comes_back_as_invalid_filter(remote):
    # The API has no daily timeline: its JSON problem becomes the same error.
    with pytest.raises(InvalidFilter) as refused:
        remote.timeline("day")
    assert [p.field for p in refused.value.problems] == ["period"]
    assert "week, month, year" in str(refused.value)


def test_a_revoked_token_is_refused(loaded, api_server):
    engine = make_engine(loaded)
    with session_scope(engine) as session:
        made = tokens.create_token(session, "viewer")
    server = tracker.open(api_server, token=made.secret)
    with session_scope(engine) as session:
        tokens.revoke_token(session, made.id)
    engine.dispose()
    with pytest.raises(PermissionDenied, match="401.*unknown, revoked or expired"):
        server.events()
    server.close()
    with pytest.raises(PermissionDenied, match="401"):
        tracker.open(api_server, token=made.secret)
    with pytest.raises(PermissionDenied, match="401"):
        tracker.open(api_server, token=None)


def test_too_many_requests_raise_rate_limited(loaded, api_tokens, tmp_path):
    log_path = tmp_path / "server.log"
    limit = {"TRACKER_API_RATE_LIMIT": "3 per minute"}
    with running_server(loaded, log_path, env=limit) as base:
        # Opening checks the token with one request; the allowance is the token's
        # across every endpoint, so two timelines spend the rest of it.
        server = tracker.open(base, token=api_tokens["viewer"])
        for _ in range(2):
            server.timeline("year")
        with pytest.raises(RateLimited) as refused:
            server.timeline("year")
        server.close()
    assert refused.value.status == 429 and refused.value.retry_after
    assert "too many requests" in str(refused.value)


def test_a_server_that_does_not_answer_is_named():
    address = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteError, match=f"cannot reach {address}"):
        tracker.open(address, token="trk_any")


def test_the_datasets_endpoint_lists_the_datasets_of_the_events(
    loaded, api_server, api_tokens
):
    engine = make_engine(loaded)
    with engine.connect() as connection:
        expected = connection.execute(
            text(
                "SELECT DISTINCT dataset FROM event WHERE dataset IS NOT NULL"
                " ORDER BY dataset"
            )
        ).scalars()
        expected = list(expected)
    engine.dispose()
    answer = call(f"{api_server}/api/v1/datasets", token=api_tokens["viewer"])
    assert answer.status == 200
    assert answer.body["data"] == expected and len(expected) >= 2


def test_the_server_address_may_name_the_api(api_server, api_tokens, loaded):
    with tracker.open(f"{api_server}/api/v1/", token=api_tokens["viewer"]) as server:
        assert server.url == api_server
        assert server.count(since="2099-01-01") == 0
