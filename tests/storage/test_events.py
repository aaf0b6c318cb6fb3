"""Saving, reading, linking and refusing events, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound
from tracker.models import Actor, Event, EventCreate, Location, Source
from tracker.query.events import count_events, get_event_record, list_events
from tracker.query.filters import EventFilter
from tracker.store.events import create_event, save_events, validate_event_records

STRIKE = {
    "title": "Missile strike on Sumy",
    "event_type": "assault",
    "mode": "heavy-weapons",
    "date_start": "2025-04-13",
    "date_precision": "day",
    "location": {
        "name": "Sumy",
        "country": "ukr",
        "admin1": "Sumy",
        "latitude": 50.9216,
        "longitude": 34.80029,
        "geo_precision": "exact",
    },
    "actors": [
        {
            "name": "Russian forces",
            "role": "initiator",
            "kind": "military",
            "country": "RUS",
        },
        {"name": "Civilians (Ukraine)", "role": "target", "kind": "civilians"},
    ],
    "fatalities": {"low": 34, "best": 35, "high": 35},
    "civilians_killed": 35,
    "children_killed": 2,
    "sources": [
        {"url": "https://example.org/sumy", "quote": "Two missiles hit the centre."}
    ],
}


def _count(engine, table) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_create_event_stores_every_part_and_derives_quad_and_score(engine):
    with session_scope(engine) as session:
        event = create_event(session, EventCreate.model_validate(STRIKE))
        event_id = event.id
    with session_scope(engine) as session:
        record = get_event_record(session, event_id)
    assert record.event_type == "ASSAULT" and record.mode == "heavy-weapons"
    assert (record.quad_class, record.score) == (4, -9.5)
    assert record.location["country"] == "UKR"
    assert record.fatalities == {"low": 34, "best": 35, "high": 35}
    assert {(a["name"], a["role"]) for a in record.actors} == {
        ("Russian forces", "initiator"),
        ("Civilians (Ukraine)", "target"),
    }
    assert record.sources[0]["quote"] == "Two missiles hit the centre."
    assert record.version == 1 and record.status == "confirmed"


def test_ids_are_never_reused_after_a_delete(engine):
    with session_scope(engine) as session:
        first = create_event(session, EventCreate.model_validate(STRIKE)).id
    with session_scope(engine) as session:
        session.delete(session.get(Event, first))
    with session_scope(engine) as session:
        second = create_event(session, EventCreate.model_validate(STRIKE)).id
    assert second > first


def test_actors_places_and_sources_are_reused_not_duplicated(engine):
    with session_scope(engine) as session:
        create_event(session, EventCreate.model_validate(STRIKE))
        create_event(
            session, EventCreate.model_validate({**STRIKE, "title": "Second strike"})
        )
    assert _count(engine, Actor) == 2
    assert _count(engine, Location) == 1
    assert _count(engine, Source) == 1


def test_a_batch_with_a_dangling_link_writes_nothing(engine):
    records = [
        (1, STRIKE),
        (
            2,
            {
                **STRIKE,
                "title": "Follow-up",
                "links": [{"relation": "follows_up", "id": 999}],
            },
        ),
    ]
    events = validate_event_records(records)
    with pytest.raises(InvalidInput) as caught:
        with session_scope(engine) as session:
            save_events(session, events, lines=[1, 2])
    assert "line 2, links.0: no event with that id" in str(caught.value)
    assert _count(engine, Event) == 0
    assert _count(engine, Actor) == 0


def test_records_in_one_batch_may_link_to_each_other_by_external_id(engine):
    threat = {**STRIKE, "dataset": "desk", "external_id": "t-1", "title": "Threat"}
    walk_back = {
        **STRIKE,
        "dataset": "desk",
        "external_id": "t-2",
        "title": "Walk-back",
        "links": [{"relation": "walks_back", "external_id": "t-1"}],
    }
    with session_scope(engine) as session:
        summary = save_events(
            session, validate_event_records([(1, walk_back), (2, threat)])
        )
    with session_scope(engine) as session:
        record = get_event_record(session, summary.event_ids[0])
    assert record.links[0]["relation"] == "walks_back"
    assert record.links[0]["id"] == summary.event_ids[1]


def test_saving_the_same_external_id_with_new_content_updates_and_bumps_version(engine):
    original = {**STRIKE, "dataset": "desk", "external_id": "s-1"}
    with session_scope(engine) as session:
        [event_id] = save_events(
            session, validate_event_records([(1, original)])
        ).event_ids
    changed = {**original, "fatalities": {"low": 34, "best": 36, "high": 40}}
    with session_scope(engine) as session:
        summary = save_events(session, validate_event_records([(1, changed)]))
    assert (summary.added, summary.updated) == (0, 1)
    with session_scope(engine) as session:
        record = get_event_record(session, event_id)
    assert record.version == 2 and record.fatalities["best"] == 36
    assert _count(engine, Event) == 1


def test_get_event_record_of_unknown_id_raises_not_found(engine):
    with (
        session_scope(engine) as session,
        pytest.raises(NotFound, match="no event with id 42"),
    ):
        get_event_record(session, 42)


def test_list_events_pages_by_keyset_without_skipping_same_day_events(engine):
    with session_scope(engine) as session:
        for n in range(7):
            day = dt.date(2025, 5, 1 + n // 3)
            create_event(
                session,
                EventCreate.model_validate(
                    {**STRIKE, "title": f"E{n}", "date_start": day}
                ),
            )
    seen, after = [], None
    with session_scope(engine) as session:
        assert count_events(session, EventFilter()) == 7
        while page := list_events(session, EventFilter(), limit=2, after=after):
            seen.extend(row.title for row in page)
            after = (page[-1].date_start, page[-1].id)
    assert seen == [f"E{n}" for n in range(7)]
