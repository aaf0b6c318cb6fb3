"""Editing one event in place, and the form's look-ups, on SQLite and PostgreSQL.

An edit replaces the event's fields, actors, sources and links, keeps its dataset
identity, bumps its version, and is refused whole when someone saved meanwhile."""

from __future__ import annotations

import pytest

from tracker.db import session_scope
from tracker.errors import EditConflict, InvalidInput, NotFound
from tracker.models import EventCreate
from tracker.query.events import get_event_record
from tracker.query.registry import find_locations
from tracker.store.events import (
    create_event,
    save_events,
    update_event,
    validate_event_records,
)

STRIKE = {
    "title": "Missile strike on Sumy",
    "event_type": "ASSAULT",
    "mode": "heavy-weapons",
    "date_start": "2025-04-13",
    "location": {
        "name": "Sumy",
        "country": "UKR",
        "latitude": 50.9216,
        "longitude": 34.80029,
    },
    "actors": [
        {"name": "Russian forces", "role": "initiator", "kind": "military"},
        {"name": "Civilians (Ukraine)", "role": "target", "kind": "civilians"},
    ],
    "fatalities": {"best": 35},
    "sources": [{"url": "https://example.org/sumy", "quote": "Two missiles hit."}],
}

EDITED = {
    **STRIKE,
    "title": "Missile strike on Sumy city centre",
    "mode": "aerial",
    "actors": [{"name": "Russian armed forces", "role": "initiator"}],
    "fatalities": {"low": 34, "best": 35, "high": 36},
    "sources": [
        {"url": "https://example.org/sumy-update", "quote": "The toll rose."},
        {"title": "Regional administration statement", "quote": "35 dead."},
    ],
}


def _create(engine, record=STRIKE) -> int:
    with session_scope(engine) as session:
        return create_event(session, EventCreate.model_validate(record)).id


def _record(engine, event_id):
    with session_scope(engine) as session:
        return get_event_record(session, event_id)


def test_update_event_replaces_fields_actors_and_sources_and_bumps_version(engine):
    event_id = _create(engine)
    before = _record(engine, event_id)
    with session_scope(engine) as session:
        update_event(
            session, event_id, EventCreate.model_validate(EDITED), expected_version=1
        )
    after = _record(engine, event_id)
    assert after.title == "Missile strike on Sumy city centre"
    assert after.mode == "aerial"
    assert after.actors == [
        {
            "name": "Russian armed forces",
            "role": "initiator",
            "kind": "other",
            "country": None,
        }
    ]
    assert [(s["url"], s["title"], s["quote"]) for s in after.sources] == [
        ("https://example.org/sumy-update", None, "The toll rose."),
        (None, "Regional administration statement", "35 dead."),
    ]
    assert after.fatalities == {"low": 34, "best": 35, "high": 36}
    assert after.version == 2
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at


def test_update_event_keeps_dataset_and_external_id(engine):
    with session_scope(engine) as session:
        [event_id] = save_events(
            session,
            validate_event_records(
                [(1, {**STRIKE, "dataset": "desk", "external_id": "s-1"})]
            ),
        ).event_ids
    with session_scope(engine) as session:
        update_event(
            session, event_id, EventCreate.model_validate(EDITED), expected_version=1
        )
    after = _record(engine, event_id)
    assert (after.dataset, after.external_id) == ("desk", "s-1")
    assert after.title == EDITED["title"]


def test_update_event_replaces_links(engine):
    first = _create(engine)
    second = _create(engine, {**STRIKE, "title": "Second strike"})
    linked = {**STRIKE, "links": [{"relation": "follows_up", "id": first}]}
    with session_scope(engine) as session:
        update_event(
            session, second, EventCreate.model_validate(linked), expected_version=1
        )
    assert [link["id"] for link in _record(engine, second).links] == [first]
    with session_scope(engine) as session:
        update_event(
            session, second, EventCreate.model_validate(STRIKE), expected_version=2
        )
    after = _record(engine, second)
    assert after.links == [] and after.version == 3


def test_update_event_with_a_stale_version_is_refused_and_changes_nothing(engine):
    event_id = _create(engine)
    with session_scope(engine) as session:  # someone else saves first
        update_event(
            session,
            event_id,
            EventCreate.model_validate({**STRIKE, "title": "Their edit"}),
            expected_version=1,
        )
    before = _record(engine, event_id)
    with pytest.raises(InvalidInput) as caught:
        with session_scope(engine) as session:
            update_event(
                session,
                event_id,
                EventCreate.model_validate(EDITED),
                expected_version=1,
            )
    [problem] = caught.value.problems
    assert problem.field == "version"
    assert "now at version 2, you edited version 1" in problem.reason
    # The refusal shows what the other save changed meanwhile.
    assert "changed meanwhile: title" in problem.reason
    assert isinstance(caught.value, EditConflict)
    assert caught.value.changed == {"title": [STRIKE["title"], "Their edit"]}
    assert _record(engine, event_id) == before


def test_update_event_with_a_dangling_link_is_refused_and_changes_nothing(engine):
    event_id = _create(engine)
    before = _record(engine, event_id)
    dangling = {**EDITED, "links": [{"relation": "follows_up", "id": 999}]}
    with pytest.raises(InvalidInput, match="links.0: no event with that id"):
        with session_scope(engine) as session:
            update_event(
                session,
                event_id,
                EventCreate.model_validate(dangling),
                expected_version=1,
            )
    assert _record(engine, event_id) == before


def test_update_event_of_unknown_id_raises_not_found(engine):
    with (
        pytest.raises(NotFound, match="no event with id 42"),
        session_scope(engine) as session,
    ):
        update_event(
            session, 42, EventCreate.model_validate(STRIKE), expected_version=1
        )


def test_find_locations_matches_the_start_of_names_exact_names_first(engine):
    _create(engine)
    _create(
        engine,
        {**STRIKE, "location": {"name": "Sumy oblast", "geo_precision": "admin1"}},
    )
    _create(engine, {**STRIKE, "location": {"name": "Kharkiv"}})
    with session_scope(engine) as session:
        assert [p.name for p in find_locations(session, "sumy")] == [
            "Sumy",
            "Sumy oblast",
        ]
        assert [p.name for p in find_locations(session, "Sumy o")] == ["Sumy oblast"]
        assert find_locations(session, "umy") == []
        assert find_locations(session, "%") == []
        assert find_locations(session, "  ") == []
