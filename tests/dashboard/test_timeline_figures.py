"""What the timeline page shows equals an independent count in SQL written here, for
filters of every kind, on SQLite and PostgreSQL (issue #12): the headline figures
(events, fatalities with their range, children killed, actors involved, date span)
and the totals behind the events-over-time and fatalities charts.

The database holds the seed, the seed article's machine proposals, and a disputed,
a retracted and a "since January" event written here, so that what is counted by
default (confirmed and disputed) and what the status filter adds both show."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest
from sqlalchemy import text

from dashboard.app import create_app
from dashboard.pages import timeline
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import request_as
from tests.dashboard.test_timeline import drawn, find
from tests.storage.test_timeline_truth import fill_with_what_misled
from tracker.db import make_engine

COUNTED = "e.status IN ('confirmed', 'disputed')"
OVERLAPS_MAY = (
    "COALESCE(e.date_end, e.date_start) >= '2025-05-01'"
    " AND e.date_start <= '2025-05-31'"
)

# A filter as the URL gives it, beside the same selection written as SQL over `e`.
FILTERS: list[tuple[dict[str, str | list[str]], str]] = [
    ({}, COUNTED),
    ({"since": "2025-05-01", "until": "2025-05-31"}, f"{COUNTED} AND {OVERLAPS_MAY}"),
    ({"statuses": "proposed"}, "e.status = 'proposed'"),
    (
        {"statuses": ["confirmed", "proposed"], "event_types": "ASSAULT"},
        "e.status IN ('confirmed', 'proposed') AND e.event_type = 'ASSAULT'",
    ),
    (
        {"countries": "UKR", "since": "2025-05-24"},
        f"{COUNTED} AND COALESCE(e.date_end, e.date_start) >= '2025-05-24'"
        " AND EXISTS (SELECT 1 FROM location l WHERE l.id = e.location_id"
        " AND l.country = 'UKR')",
    ),
    (
        {"actors": "Kremlin"},
        f"{COUNTED} AND EXISTS (SELECT 1 FROM event_actor ea JOIN actor a"
        " ON a.id = ea.actor_id WHERE ea.event_id = e.id AND (lower(a.name) ="
        " 'kremlin' OR a.id IN (SELECT actor_id FROM actor_alias"
        " WHERE alias_key = 'kremlin')))",
    ),
    (
        {"min_fatalities": "1", "until": "2025-05-24"},
        f"{COUNTED} AND e.fatalities_best >= 1 AND e.date_start <= '2025-05-24'",
    ),
    (
        {"text": "istanbul"},
        f"{COUNTED} AND (lower(e.title) LIKE '%istanbul%' OR lower(e.notes) LIKE"
        " '%istanbul%' OR EXISTS (SELECT 1 FROM event_source es"
        " WHERE es.event_id = e.id AND lower(es.quote) LIKE '%istanbul%'))",
    ),
]


@pytest.fixture
def app(database_url, seed_dir):
    engine = make_engine(database_url)
    fill_with_what_misled(engine, seed_dir)
    engine.dispose()
    return create_app(database_url)


def _expected(app, where: str) -> dict:
    """The figures of the events `where` selects, counted straight from the tables."""
    with app.server.config[ENGINE_KEY].connect() as connection:
        row = connection.execute(
            text(
                "SELECT count(*),"
                " SUM(COALESCE(fatalities_best, fatalities_low, fatalities_high)),"
                " SUM(COALESCE(fatalities_low, fatalities_best, fatalities_high)),"
                " SUM(COALESCE(fatalities_high, fatalities_best, fatalities_low)),"
                " SUM(children_killed), MIN(date_start),"
                " MAX(COALESCE(date_end, date_start))"
                f" FROM event e WHERE {where}"
            )
        ).one()
        actors = connection.execute(
            text(
                "SELECT count(DISTINCT ea.actor_id) FROM event_actor ea"
                f" WHERE ea.event_id IN (SELECT e.id FROM event e WHERE {where})"
            )
        ).scalar_one()
        with_actors = connection.execute(
            text(
                "SELECT DISTINCT ea.event_id FROM event_actor ea"
                f" WHERE ea.event_id IN (SELECT e.id FROM event e WHERE {where})"
            )
        ).scalars()
        with_actors = set(with_actors)
    count, best, low, high, children, first, last = row
    return {
        "events": count,
        "best": best or 0,
        "low": low or 0,
        "high": high or 0,
        "children": children or 0,
        "actors": actors,
        "with_actors": with_actors,
        "first": _day(first),
        "last": _day(last),
    }


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])


def _headlines(page) -> dict[str, str]:
    """The headline row as label -> value text."""
    row = find(page, "timeline-headlines")
    return {
        item.children[1].children: item.children[0].children for item in row.children
    }


def _killed(best: int, low: int, high: int) -> str:
    """The fatalities headline as an analyst reads it: best, and the range if any."""
    return (
        f"{best:,}" if (low, high) == (best, best) else f"{best:,} ({low:,}–{high:,})"
    )


@pytest.mark.parametrize(
    ("query", "where"),
    FILTERS,
    ids=[str(query) for query, _ in FILTERS],
)
def test_timeline_page_figures_equal_an_independent_count(app, query, where):
    expected = _expected(app, where)
    assert expected["events"] > 0, "each filter selects something to count"
    with request_as(app, "/", "viewer"):
        page = timeline.layout(**query)
        lanes_figure, _, actors, _ = timeline.update_swimlanes(
            50, find(page, "timeline-filter").data
        )
    shown = _headlines(page)
    statuses = query.get("statuses") or ["confirmed and disputed"]
    statuses = [statuses] if isinstance(statuses, str) else statuses
    # The headline says what it counts.
    assert shown[f"{' or '.join(statuses)} events".capitalize()] == (
        f"{expected['events']:,}"
    )
    killed_label = next(label for label in shown if label.startswith("Fatalities"))
    assert shown[killed_label] == _killed(
        expected["best"], expected["low"], expected["high"]
    )
    assert shown["Children killed"] == f"{expected['children']:,}"
    assert actors == f"{expected['actors']:,}"
    since = dt.date.fromisoformat(query.get("since", "0001-01-01"))
    until = dt.date.fromisoformat(query.get("until", "9999-12-31"))
    first, last = max(expected["first"], since), min(expected["last"], until)
    assert shown["Date span"] == f"{first:%-d %b %Y} – {last:%-d %b %Y}"
    over_time = drawn(find(page, "timeline-events-over-time").figure)
    assert (
        sum(v or 0 for trace in over_time.data for v in trace.y) == (expected["events"])
    )
    if expected["best"]:
        fatalities = drawn(find(page, "timeline-fatalities").figure)
        best = next(trace for trace in fatalities.data if "Best" in trace.name)
        assert sum(v or 0 for v in best.y) == expected["best"]
    # Every event with actors has a mark in the swimlanes (50 lanes hold them all),
    # and no other event has one.
    marked = {
        int(point[0])
        for trace in go.Figure(lanes_figure).data
        for point in (trace.customdata if trace.customdata is not None else [])
    }
    assert marked == expected["with_actors"]


def test_may_window_keeps_the_january_offensive_inside_may(app):
    """Issue #12: filtering May 2025 showed a January bar and a span from January."""
    with app.server.config[ENGINE_KEY].connect() as connection:
        began_earlier = connection.execute(
            text(
                f"SELECT count(*) FROM event e WHERE {COUNTED} AND {OVERLAPS_MAY}"
                " AND e.date_start < '2025-05-01'"
            )
        ).scalar_one()
    assert began_earlier == 1
    with request_as(app, "/", "viewer"):
        page = timeline.layout(since="2025-05-01", until="2025-05-31")
    assert _headlines(page)["Date span"].startswith("1 May 2025 – ")
    bars = drawn(find(page, "timeline-events-over-time").figure)
    starts = {x for trace in bars.data for x in trace.x}
    assert starts and all("2025-05-01" <= str(x)[:10] <= "2025-05-31" for x in starts)
    assert find(page, "timeline-window-note").children == (
        "1 event began before 1 May 2025 and ran into the chosen dates; "
        "each is counted on that first day."
    )
