"""The form's newer fields on SQLite and PostgreSQL: the ACLED pair, tags and links
round-trip through create and update with their history, the form's event search
finds link targets by title or id, and links that a write would refuse are found
before it (issue 14, point 5)."""

from __future__ import annotations

import pytest

from tracker.db import session_scope
from tracker.errors import InvalidInput
from tracker.models import EventCreate
from tracker.query.events import get_event_record
from tracker.query.facets import search_events
from tracker.store.events import (
    create_event,
    link_problems,
    update_event,
    validate_event_records,
)
from tracker.store.history import Author, event_history

ANNA = Author("anna", via="test")
THREAT = {
    "title": "Governor threatens to shell the bridge",
    "event_type": "THREATEN",
    "date_start": "2025-05-01",
    "sources": [{"url": "https://example.org/threat", "quote": "We will shell it."}],
}
SHELLING = {
    "title": "Shelling of the Avdiivka bridge",
    "event_type": "ASSAULT",
    "mode": "heavy-weapons",
    "acled_event_type": "Explosions/Remote violence",
    "acled_sub_event_type": "Shelling/artillery/missile attack",
    "date_start": "2025-05-03",
    "tags": ["bridge", "Istanbul talks"],
    "sources": [{"url": "https://example.org/shelling", "quote": "Shells hit it."}],
}


def _add(engine, record) -> int:
    with session_scope(engine) as session:
        return create_event(session, EventCreate.model_validate(record), author=ANNA).id


def _record(engine, event_id):
    with session_scope(engine) as session:
        return get_event_record(session, event_id)


def test_acled_pair_tags_and_links_round_trip_through_create(engine):
    threat = _add(engine, THREAT)
    shelling = _add(
        engine, SHELLING | {"links": [{"relation": "follows_up", "id": threat}]}
    )
    saved = _record(engine, shelling)
    assert (saved.acled_event_type, saved.acled_sub_event_type) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert saved.tags == ["Istanbul talks", "bridge"]
    assert [(x["relation"], x["id"]) for x in saved.links] == [("follows_up", threat)]


def test_update_replaces_acled_pair_tags_and_links_and_records_them(engine):
    threat, other = _add(engine, THREAT), _add(engine, THREAT | {"title": "Other"})
    shelling = _add(
        engine, SHELLING | {"links": [{"relation": "follows_up", "id": threat}]}
    )
    edited = SHELLING | {
        "acled_event_type": "Battles",
        "acled_sub_event_type": "Armed clash",
        "tags": ["bridge", "ceasefire"],
        "links": [
            {"relation": "responds_to", "id": threat},
            {"relation": "duplicate_of", "id": other},
        ],
    }
    with session_scope(engine) as session:
        update_event(
            session,
            shelling,
            EventCreate.model_validate(edited),
            expected_version=1,
            author=ANNA,
        )
    saved = _record(engine, shelling)
    assert (saved.acled_event_type, saved.acled_sub_event_type, saved.version) == (
        "Battles",
        "Armed clash",
        2,
    )
    assert saved.tags == ["bridge", "ceasefire"]
    assert {(x["relation"], x["id"]) for x in saved.links} == {
        ("responds_to", threat),
        ("duplicate_of", other),
    }
    with session_scope(engine) as session:
        latest = event_history(session, shelling)[0]
    assert latest.username == "anna"
    assert {"acled_event_type", "acled_sub_event_type", "tags", "links"} <= set(
        latest.changes
    )
    assert latest.changes["tags"] == [
        ["Istanbul talks", "bridge"],
        ["bridge", "ceasefire"],
    ]


def test_every_problem_of_a_record_is_reported_at_once(engine):
    bad = SHELLING | {
        "title": "",
        "date_end": "2025-05-01",  # before the start
        "acled_event_type": "Battles",  # a pair that is not ACLED's
        "fatalities": {"best": 2},
        "children_killed": 5,
        "mode": "release",
    }
    with pytest.raises(InvalidInput) as refused:
        validate_event_records([(1, bad)], require_source=True)
    fields = [problem.field for problem in refused.value.problems]
    assert fields == [
        "title",
        "mode",
        "acled_sub_event_type",
        "date_end",
        "children_killed",
    ]
    assert "unknown ACLED pair 'Battles' / 'Shelling/artillery/missile attack'" in (
        refused.value.problems[2].reason
    )


def test_link_problems_name_missing_targets_and_the_event_itself(engine):
    threat = _add(engine, THREAT)
    record = {
        "links": [
            {"relation": "follows_up", "id": threat},
            {"relation": "follows_up", "id": 9999},
            {"relation": "responds_to", "id": str(threat)},
            {"relation": "responds_to"},  # no target: validation says so
        ]
    }
    with session_scope(engine) as session:
        problems = link_problems(session, record, event_id=threat)
    assert [(p.field, p.reason) for p in problems] == [
        ("links.0", "an event cannot link to itself"),
        ("links.1", "no event with that id"),
        ("links.2", "an event cannot link to itself"),
    ]


def test_search_events_finds_by_title_or_id_and_never_the_edited_event(engine):
    threat, shelling = _add(engine, THREAT), _add(engine, SHELLING)
    with session_scope(engine) as session:
        by_title = search_events(session, "BRIDGE")
        by_id = search_events(session, f"#{threat}")
        edited = search_events(session, "bridge", exclude_id=shelling)
        chosen = search_events(session, "no such title", chosen=(shelling,))
        wild = search_events(session, "100%_")
    assert [c.value for c in by_title] == [str(shelling), str(threat)]  # latest first
    assert (
        by_title[0].label == f"#{shelling} Shelling of the Avdiivka bridge (2025-05-03)"
    )
    assert by_id[0].value == str(threat)
    assert [c.value for c in edited] == [str(threat)]
    assert [c.value for c in chosen] == [str(shelling)]
    assert wild == []
