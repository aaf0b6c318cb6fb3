"""The seed article's events, loaded and coded as the issue specifies.

Checked on both backends, SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from tracker.db import session_scope
from tracker.models import Actor, ActorAlias, Event, EventLink, Location, Source
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter
from tracker.seed import seed_database


def _records_by_type(engine) -> dict[str, list]:
    with session_scope(engine) as session:
        records = list(iter_event_records(session, EventFilter()))
    by_type: dict[str, list] = {}
    for record in records:
        by_type.setdefault(record.event_type, []).append(record)
    return by_type


def _row_counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (Event, Actor, ActorAlias, Location, Source, EventLink)
        }


def test_seed_loads_at_least_ten_events_citing_the_article(engine, seed_dir):
    with session_scope(engine) as session:
        summary = seed_database(session, seed_dir)
    assert summary.added >= 10
    by_type = _records_by_type(engine)
    records = [r for rs in by_type.values() for r in rs]
    assert len(records) == summary.added
    for record in records:
        assert record.sources, record.title
        assert record.sources[0]["published"].isoformat() == "2025-05-28"
        assert record.sources[0]["quote"]


def test_seed_weekend_missile_attack_has_fatalities_children_and_week_precision(
    engine, seed_dir
):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    [attack] = [r for r in _records_by_type(engine)["ASSAULT"] if r.children_killed]
    assert attack.mode == "heavy-weapons"
    assert attack.fatalities["best"] == 14
    assert attack.children_killed == 6
    assert attack.civilians_killed == 14
    assert (attack.date_start.isoformat(), attack.date_end.isoformat()) == (
        "2025-05-24",
        "2025-05-25",
    )
    assert attack.date_precision == "week"
    assert attack.score == -9.5 and attack.quad_class == 4


def test_seed_istanbul_talks_are_consult_with_turkey_hosting_in_may(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    [talks] = _records_by_type(engine)["CONSULT"]
    roles = {(a["name"], a["role"]) for a in talks.actors}
    assert ("Government of Turkey", "host") in roles
    assert {"Government of Russia", "Government of Ukraine"} <= {
        a["name"] for a in talks.actors
    }
    assert talks.date_precision == "month"
    assert talks.date_start.isoformat() == "2025-05-01"
    assert talks.location["name"] == "Istanbul" and talks.location["country"] == "TUR"


def test_seed_links_threat_walk_back_and_second_round_proposal(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    by_type = _records_by_type(engine)
    [threat] = by_type["THREATEN"]
    [walk_back] = by_type["CONCEDE"]
    assert threat.mode == "restrict"
    assert {"relation": "walks_back", "id": threat.id} in [
        {"relation": link["relation"], "id": link["id"]} for link in walk_back.links
    ]
    [talks] = by_type["CONSULT"]
    proposal = next(
        r
        for r in by_type["AGREE"]
        if r.location and r.links and r.title.startswith("Russia proposes")
    )
    assert proposal.location["name"] == "Istanbul"
    assert talks.id in [link["id"] for link in proposal.links]
    [release] = by_type["RETREAT"]
    assert release.mode == "release"
    accusations = {r.actors[0]["name"] for r in by_type["ACCUSE"] if r.actors}
    assert {"Donald Trump", "Government of Russia"} <= accusations


def test_seed_twice_changes_nothing(engine, seed_dir):
    with session_scope(engine) as session:
        first = seed_database(session, seed_dir)
    before = _row_counts(engine)
    with session_scope(engine) as session:
        versions = dict(session.execute(select(Event.id, Event.version)).all())
    with session_scope(engine) as session:
        second = seed_database(session, seed_dir)
    assert (second.added, second.updated, second.unchanged) == (0, 0, first.added)
    assert _row_counts(engine) == before
    with session_scope(engine) as session:
        assert dict(session.execute(select(Event.id, Event.version)).all()) == versions
