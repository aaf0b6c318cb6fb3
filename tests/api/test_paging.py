"""Paging through 10,000 events by the API's cursor returns each exactly once, in
date order, on SQLite and PostgreSQL (issue 15). Same-day events are the case a
date-only cursor gets wrong: 2,500 of them share each day here."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tests.api.conftest import all_event_ids
from tests.dashboard.conftest import insert_plain_events
from tracker.db import make_engine

DAYS = [
    dt.date(2025, 5, 3),
    dt.date(2025, 5, 9),
    dt.date(2024, 1, 1),
    dt.date(2026, 2, 1),
]
COUNTED = "status IN ('confirmed', 'disputed')"


@pytest.fixture(scope="module")
def many_events(api_database: str) -> str:
    """10,000 bare events on four days beside the seed events."""
    engine = make_engine(api_database)
    for day in DAYS:
        insert_plain_events(engine, 2500, day)
    engine.dispose()
    return api_database


def ids_in_date_order(database_url: str, where: str) -> list[int]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT id FROM event WHERE {where} ORDER BY date_start, id")
        ).scalars()
        ids = list(found)
    engine.dispose()
    return ids


def test_paging_by_cursor_returns_every_event_once_in_date_order(
    many_events, api_server, api_tokens
):
    expected = ids_in_date_order(many_events, COUNTED)
    assert len(expected) > 10_000

    ids = all_event_ids(api_server, "", api_tokens["viewer"], limit=1000)

    assert ids == expected
    assert len(set(ids)) == len(ids)


def test_pages_of_an_uneven_size_join_up_as_well(many_events, api_server, api_tokens):
    # Events running into May 2025 from before it count too: the filter's overlap.
    expected = ids_in_date_order(
        many_events,
        f"{COUNTED} AND coalesce(date_end, date_start) >= '2025-05-01'",
    )
    ids = all_event_ids(api_server, "since=2025-05-01", api_tokens["viewer"], limit=337)
    assert ids == expected and len(ids) > 5000
