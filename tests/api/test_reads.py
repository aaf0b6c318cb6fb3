"""What the API's reads answer, checked against plain SQL, over real HTTP on SQLite
and PostgreSQL (issue 15): the timeline's figures by week, one event with its parts
and history, actors with their aliases, places, and the saved views a token's
account may open."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text

from tests.api.conftest import call
from tracker.db import make_engine, session_scope
from tracker.models import Role
from tracker.store import views
from tracker.store.accounts import Principal


@pytest.fixture(scope="module")
def engine(api_database):
    engine = make_engine(api_database)
    yield engine
    engine.dispose()


def rows(engine, sql: str, **values) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql), values).all()


def monday(day) -> str:
    day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def test_the_timeline_gives_the_weeks_counts_fatalities_and_scores(
    api_server, api_tokens, engine
):
    events = rows(
        engine,
        "SELECT date_start, event_type, fatalities_best, score FROM event"
        " WHERE status IN ('confirmed', 'disputed')",
    )
    counts = Counter((monday(d), t) for d, t, _, _ in events)
    killed: dict[str, int] = defaultdict(int)
    scores: dict[str, list[float]] = defaultdict(list)
    for day, _, best, score in events:
        if best is not None:
            killed[monday(day)] += best
        scores[monday(day)].append(score)

    answer = call(
        f"{api_server}/api/v1/timeline?period=week", token=api_tokens["viewer"]
    )

    assert answer.status == 200, answer.body
    assert answer.body["period"] == "week"
    got = {
        (c["period_start"], c["event_type"]): c["count"] for c in answer.body["counts"]
    }
    assert got == dict(counts)
    assert {f["period_start"]: f["best"] for f in answer.body["fatalities"]} == dict(
        killed
    )
    means = {s["period_start"]: s["mean_score"] for s in answer.body["scores"]}
    assert means == pytest.approx({k: sum(v) / len(v) for k, v in scores.items()})


def test_a_bad_period_is_400_naming_it(api_server, api_tokens):
    answer = call(
        f"{api_server}/api/v1/timeline?period=day", token=api_tokens["viewer"]
    )
    assert answer.status == 400
    assert answer.body["problems"] == [
        {
            "field": "period",
            "reason": "must be one of week, month, year",
            "value": "day",
        }
    ]


def test_one_event_comes_with_its_actors_place_sources_and_history(
    api_server, api_tokens, engine
):
    [(event_id,)] = rows(
        engine,
        "SELECT min(event_id) FROM event_actor WHERE event_id IN"
        " (SELECT event_id FROM event_source)",
    )
    actors = rows(
        engine,
        "SELECT a.name, ea.role FROM event_actor ea JOIN actor a ON a.id = ea.actor_id"
        " WHERE ea.event_id = :id",
        id=event_id,
    )
    quotes = rows(
        engine, "SELECT quote FROM event_source WHERE event_id = :id", id=event_id
    )
    changes = rows(
        engine,
        "SELECT version, action FROM event_change WHERE event_id = :id",
        id=event_id,
    )

    answer = call(f"{api_server}/api/v1/events/{event_id}", token=api_tokens["viewer"])

    assert answer.status == 200
    event = answer.body
    assert sorted((a["name"], a["role"]) for a in event["actors"]) == sorted(
        tuple(a) for a in actors
    )
    assert sorted(s["quote"] for s in event["sources"]) == sorted(q for (q,) in quotes)
    assert event["location"]["name"]
    assert [(h["version"], h["action"]) for h in event["history"]] == sorted(
        (tuple(c) for c in changes), reverse=True
    )
    assert "linked" in event and "links" in event


def test_actors_come_with_every_alias(api_server, api_tokens, engine):
    answer = call(f"{api_server}/api/v1/actors?q=kremlin", token=api_tokens["viewer"])
    assert answer.status == 200
    [actor] = answer.body["data"]
    aliases = rows(
        engine,
        "SELECT alias FROM actor_alias WHERE actor_id = :id ORDER BY alias",
        id=actor["id"],
    )
    assert actor["name"] == "Government of Russia"
    assert actor["aliases"] == [a for (a,) in aliases]
    assert "the Kremlin" in actor["aliases"]


def test_places_are_found_by_the_start_of_their_name(api_server, api_tokens, engine):
    [(name, country)] = rows(
        engine, "SELECT name, country FROM location ORDER BY id LIMIT 1"
    )
    answer = call(
        f"{api_server}/api/v1/places?q={name[:3]}", token=api_tokens["viewer"]
    )
    assert answer.status == 200
    assert (name, country) in [(p["name"], p["country"]) for p in answer.body["data"]]


def test_views_are_the_accounts_own_and_the_shared_ones(api_server, api_tokens, engine):
    with session_scope(engine) as session:
        for owner, name, shared in [
            ("viewer", "My oblasts", False),
            ("editor", "Team: May strikes", True),
            ("editor", "Editor's draft", False),
        ]:
            data = views.validated_view(
                {
                    "name": name,
                    "page": "/events",
                    "query": "since=2025-05-01",
                    "shared": shared,
                }
            )
            role = Role.VIEWER if owner == "viewer" else Role.EDITOR
            views.save_view(session, data, owner=Principal(owner, role))

    answer = call(f"{api_server}/api/v1/views", token=api_tokens["viewer"])

    assert answer.status == 200
    assert [(v["name"], v["owner"]) for v in answer.body["data"]] == [
        ("My oblasts", "viewer"),
        ("Team: May strikes", "editor"),
    ]
    view = answer.body["data"][0]
    assert view["url"] == f"{api_server}/events?since=2025-05-01"
    assert view["api_url"] == f"{api_server}/api/v1/events?since=2025-05-01"
