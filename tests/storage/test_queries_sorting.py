"""Sorted keyset listings of events, on SQLite and PostgreSQL.

Every sort and direction pages through the same events in one total order: no row
is skipped or repeated, ties are broken by date then id, unknown fatalities sort as -1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.db import session_scope
from tracker.models import EventCreate
from tracker.query.events import (
    EventRow,
    cursor_from_token,
    cursor_to_token,
    list_events,
    list_linked_events,
)
from tracker.query.filters import EventFilter
from tracker.store.events import create_event, save_events

# (title, type, day of May 2025, fatalities): ties on type, day and fatalities, and
# unknown fatalities, so every tie-breaker is exercised.
EVENTS = [
    ("A", "ASSAULT", 3, 5),
    ("B", "ACCUSE", 1, None),
    ("C", "ASSAULT", 1, 5),
    ("D", "CONSULT", 3, 0),
    ("E", "ASSAULT", 3, None),
    ("F", "ACCUSE", 2, 14),
    ("G", "CONSULT", 1, 5),
    ("H", "ASSAULT", 2, 0),
]
SORTS = ["date_start", "event_type", "fatalities_best"]


@pytest.fixture
def seeded(engine):
    with session_scope(engine) as session:
        for title, event_type, day, killed in EVENTS:
            create_event(
                session,
                EventCreate.model_validate(
                    {
                        "title": title,
                        "event_type": event_type,
                        "date_start": dt.date(2025, 5, day),
                        "fatalities": {"best": killed},
                    }
                ),
            )
    return engine


def expected_titles(sort: str, descending: bool, rows: list[EventRow]) -> list[str]:
    """The order worked out in Python from the rows, independently of the SQL."""

    def key(row: EventRow):
        killed = -1 if row.fatalities_best is None else row.fatalities_best
        first = {
            "date_start": (),
            "event_type": (row.event_type,),
            "fatalities_best": (killed,),
        }
        return (*first[sort], row.date_start, row.id)

    return [row.title for row in sorted(rows, key=key, reverse=descending)]


def page_through(session, sort: str, descending: bool, limit: int) -> list[str]:
    titles, after = [], None
    while page := list_events(
        session,
        EventFilter(),
        limit=limit,
        after=after,
        sort=sort,
        descending=descending,
    ):
        titles.extend(row.title for row in page)
        after = page[-1].cursor(sort)
    return titles


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 3, 100])
def test_list_events_sorted_by_keyset_visits_every_event_once_in_order(
    seeded, sort, descending, limit
):
    with session_scope(seeded) as session:
        everything = list_events(session, EventFilter(), limit=100)
        titles = page_through(session, sort, descending, limit)
    assert len(titles) == len(set(titles)) == len(EVENTS)
    assert titles == expected_titles(sort, descending, everything)


def test_list_events_by_fatalities_puts_unknown_last_descending_first_ascending(
    seeded,
):
    with session_scope(seeded) as session:
        down = list_events(
            session, EventFilter(), sort="fatalities_best", descending=True
        )
        up = list_events(session, EventFilter(), sort="fatalities_best")
    assert [row.fatalities_best for row in down] == [14, 5, 5, 5, 0, 0, None, None]
    assert [row.title for row in down[:4]] == ["F", "A", "G", "C"]  # ties: latest first
    assert [row.title for row in up[:2]] == ["B", "E"]  # unknown, by date


def test_list_events_by_type_orders_each_type_by_date(seeded):
    with session_scope(seeded) as session:
        rows = list_events(session, EventFilter(), sort="event_type")
    assert [(row.event_type, row.title) for row in rows] == [
        ("ACCUSE", "B"),
        ("ACCUSE", "F"),
        ("ASSAULT", "C"),
        ("ASSAULT", "H"),
        ("ASSAULT", "A"),
        ("ASSAULT", "E"),
        ("CONSULT", "G"),
        ("CONSULT", "D"),
    ]


def test_list_events_sorted_keeps_the_filter(seeded):
    with session_scope(seeded) as session:
        rows = list_events(
            session,
            EventFilter(event_types=("ASSAULT",)),
            sort="fatalities_best",
            descending=True,
            limit=2,
        )
        rest = list_events(
            session,
            EventFilter(event_types=("ASSAULT",)),
            sort="fatalities_best",
            descending=True,
            after=rows[-1].cursor("fatalities_best"),
        )
    assert [row.title for row in rows + rest] == ["A", "C", "H", "E"]


@pytest.mark.parametrize("sort", SORTS)
def test_list_events_offset_fallback_matches_the_keyset_page(seeded, sort):
    with session_scope(seeded) as session:
        first = list_events(session, EventFilter(), limit=3, sort=sort, descending=True)
        by_cursor = list_events(
            session,
            EventFilter(),
            limit=3,
            sort=sort,
            descending=True,
            after=first[-1].cursor(sort),
        )
        by_offset = list_events(
            session, EventFilter(), limit=3, sort=sort, descending=True, offset=3
        )
    assert by_cursor == by_offset


def test_list_events_default_order_accepts_the_old_date_and_id_cursor(seeded):
    with session_scope(seeded) as session:
        rows = list_events(session, EventFilter(), limit=3)
        rest = list_events(
            session, EventFilter(), after=(rows[-1].date_start, rows[-1].id)
        )
    assert "".join(row.title for row in rows + rest) == "BCGFHADE"


@pytest.mark.parametrize("sort", SORTS)
def test_cursor_token_survives_a_round_trip_through_json_values(seeded, sort):
    with session_scope(seeded) as session:
        row = list_events(session, EventFilter(), limit=1, sort=sort)[0]
    token = cursor_to_token(row.cursor(sort))
    assert all(isinstance(value, str | int) for value in token)
    assert cursor_from_token(sort, token) == row.cursor(sort)


def test_list_events_with_unknown_sort_raises_and_names_the_choices(seeded):
    with (
        session_scope(seeded) as session,
        pytest.raises(ValueError, match="cannot sort by 'title'.*date_start"),
    ):
        list_events(session, EventFilter(), sort="title")


@pytest.mark.parametrize(
    ("sort", "token", "message"),
    [
        ("date_start", ["2025-05-01"], "has 2 values"),
        ("date_start", ["May", 3], "Invalid isoformat"),
        ("fatalities_best", ["x", "2025-05-01", 3], "whole number"),
        ("event_type", ["ASSAULT", "2025-05-01", True], "whole number"),
    ],
)
def test_cursor_from_token_refuses_a_token_of_another_shape(sort, token, message):
    with pytest.raises(ValueError, match=message):
        cursor_from_token(sort, token)


def test_list_linked_events_gives_both_directions_with_titles(engine):
    with session_scope(engine) as session:
        base = {"event_type": "THREATEN", "date_start": "2025-05-26"}
        records = [
            {**base, "title": "Strike", "event_type": "ASSAULT", "external_id": "1"},
            {
                **base,
                "title": "Threat",
                "external_id": "2",
                "links": [{"relation": "responds_to", "external_id": "1"}],
            },
            {
                **base,
                "title": "Walk-back",
                "event_type": "CONCEDE",
                "external_id": "3",
                "links": [{"relation": "walks_back", "external_id": "2"}],
            },
        ]
        save_events(
            session,
            [
                EventCreate.model_validate({**record, "dataset": "t"})
                for record in records
            ],
        )
    with session_scope(engine) as session:
        threat = list_events(session, EventFilter(text="Threat"))[0]
        linked = list_linked_events(session, threat.id)
        alone = list_linked_events(session, 999)
    assert [(e.title, e.relation, e.incoming) for e in linked] == [
        ("Strike", "responds_to", False),
        ("Walk-back", "walks_back", True),
    ]
    assert alone == []
