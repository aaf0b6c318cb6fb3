"""The timeline's figures equal an independent count, written here in plain SQL, for
filters of every kind, on SQLite and PostgreSQL (issue #12).

The database holds what misled an analyst: the seed events, the seed article's
machine proposals (status `proposed`), a disputed and a retracted event, and an
event dated "since January" that overlaps May. By default the figures count
confirmed and disputed events only; a proposal counts only when the status filter
asks for it; a window's figures, span and bins stay inside the window."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tests.conftest import SEED_ARTICLE, require_shared
from tracker.db import session_scope
from tracker.extraction.pipeline import extract_events
from tracker.extraction.proposals import Article
from tracker.models import EventCreate
from tracker.query.filters import EventFilter
from tracker.query.stats import (
    Period,
    count_events_by_period,
    count_events_started_before_window,
    date_bounds,
)
from tracker.query.timeline import fatalities_by_period, headline_figures
from tracker.review import save_article_proposals
from tracker.seed import seed_database
from tracker.store.events import create_event
from tracker.store.history import Author

ANALYST = Author("analyst", via="test")
MAY_2025 = (dt.date(2025, 5, 1), dt.date(2025, 5, 31))


def _event(title: str, start: str, end: str | None, precision: str, **extra):
    return EventCreate.model_validate(
        {
            "dataset": "form",
            "title": title,
            "event_type": "ASSAULT",
            "date_start": start,
            "date_end": end,
            "date_precision": precision,
            "location": {"name": "Pokrovsk", "country": "UKR", "admin1": "Donetsk"},
            "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
            **extra,
        }
    )


def fill_with_what_misled(engine, seed_dir) -> None:
    """Seed, the seed article's proposals, and three events written by hand: an
    offensive "since January" (confirmed), a disputed and a retracted strike."""
    require_shared()
    article_text = SEED_ARTICLE.read_text(encoding="utf-8")
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    with session_scope(engine) as session:
        published = dt.date(2025, 5, 28)
        proposals = extract_events(article_text, published=published, session=session)
        assert proposals, "the seed article gives proposals"
        save_article_proposals(
            session, Article(text=article_text, published=published), proposals
        )
    by_hand = [
        _event(
            "Offensive on the eastern front since January",
            "2025-01-01",
            "2025-05-28",
            "month",
            fatalities={"low": 30, "best": 40, "high": 60},
        ),
        _event(
            "Shelling of Kostiantynivka, figures disputed",
            "2025-05-20",
            None,
            "day",
            status="disputed",
            fatalities={"best": 3},
        ),
        _event(
            "Strike reported twice, withdrawn",
            "2025-05-25",
            None,
            "day",
            status="retracted",
            fatalities={"best": 14},
            children_killed=6,
        ),
    ]
    with session_scope(engine) as session:
        for record in by_hand:
            create_event(session, record, author=ANALYST)


@pytest.fixture
def filled(engine, seed_dir):
    """The database that misled an analyst (`fill_with_what_misled`)."""
    fill_with_what_misled(engine, seed_dir)
    return engine


# Each filter beside the same selection written as SQL over `event` (aliased e).
FILTERS: list[tuple[EventFilter, str, dict]] = [
    (EventFilter(), "e.status IN ('confirmed', 'disputed')", {}),
    (
        EventFilter(since=MAY_2025[0], until=MAY_2025[1]),
        "e.status IN ('confirmed', 'disputed')"
        " AND COALESCE(e.date_end, e.date_start) >= :since"
        " AND e.date_start <= :until",
        {"since": MAY_2025[0], "until": MAY_2025[1]},
    ),
    (
        EventFilter(statuses=("proposed",)),
        "e.status = 'proposed'",
        {},
    ),
    (
        EventFilter(statuses=("confirmed", "proposed"), event_types=("ASSAULT",)),
        "e.status IN ('confirmed', 'proposed') AND e.event_type = 'ASSAULT'",
        {},
    ),
    (
        EventFilter(countries=("UKR",), since=dt.date(2025, 5, 24)),
        "e.status IN ('confirmed', 'disputed')"
        " AND COALESCE(e.date_end, e.date_start) >= :since"
        " AND EXISTS (SELECT 1 FROM location l"
        " WHERE l.id = e.location_id AND l.country = 'UKR')",
        {"since": dt.date(2025, 5, 24)},
    ),
    (
        EventFilter(actors=("The Kremlin",)),
        "e.status IN ('confirmed', 'disputed') AND EXISTS (SELECT 1 FROM event_actor ea"
        " JOIN actor a ON a.id = ea.actor_id WHERE ea.event_id = e.id AND"
        " (lower(a.name) = 'the kremlin' OR a.id IN (SELECT actor_id FROM actor_alias"
        " WHERE alias_key = 'the kremlin')))",
        {},
    ),
    (
        EventFilter(min_fatalities=1, until=dt.date(2025, 5, 24)),
        "e.status IN ('confirmed', 'disputed') AND e.fatalities_best >= 1"
        " AND e.date_start <= :until",
        {"until": dt.date(2025, 5, 24)},
    ),
    (
        EventFilter(statuses=("retracted",)),
        "e.status = 'retracted'",
        {},
    ),
]


def _expected(session, where: str, params: dict) -> dict:
    """Counts and sums of the events selected by `where`, straight from the table."""
    row = session.execute(
        text(
            "SELECT count(*),"
            " COALESCE(SUM(COALESCE(fatalities_best, fatalities_low,"
            " fatalities_high)), 0),"
            " COALESCE(SUM(COALESCE(fatalities_low, fatalities_best,"
            " fatalities_high)), 0),"
            " COALESCE(SUM(COALESCE(fatalities_high, fatalities_best,"
            " fatalities_low)), 0),"
            " COALESCE(SUM(children_killed), 0),"
            " MIN(date_start), MAX(COALESCE(date_end, date_start))"
            f" FROM event e WHERE {where}"
        ),
        params,
    ).one()
    return {
        "events": row[0],
        "best": row[1],
        "low": row[2],
        "high": row[3],
        "children": row[4],
        "first": _day(row[5]),
        "last": _day(row[6]),
    }


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])


@pytest.mark.parametrize(
    ("event_filter", "where", "params"),
    FILTERS,
    ids=[f.describe() for f, _, _ in FILTERS],
)
def test_timeline_figures_equal_an_independent_count(
    filled, event_filter, where, params
):
    with session_scope(filled) as session:
        expected = _expected(session, where, params)
        headlines = headline_figures(session, event_filter)
        by_month = count_events_by_period(session, event_filter, Period.MONTH)
        fatal = fatalities_by_period(session, event_filter, Period.MONTH)
    assert expected["events"] > 0, "each filter selects something to count"
    assert headlines.events == expected["events"]
    assert headlines.fatalities_best == expected["best"]
    assert headlines.fatalities_low == expected["low"]
    assert headlines.fatalities_high == expected["high"]
    assert headlines.children_killed == expected["children"]
    assert sum(c.count for c in by_month) == expected["events"]
    assert sum(p.best for p in fatal) == expected["best"]
    since = event_filter.since or dt.date.min
    until = event_filter.until or dt.date.max
    assert headlines.first_date == max(expected["first"], since)
    assert headlines.last_date == min(expected["last"], until)


def test_default_figures_leave_out_proposals_and_retractions(filled):
    with session_scope(filled) as session:
        query = text("SELECT status, count(*) FROM event GROUP BY status")
        statuses = dict(session.execute(query).all())
        figures = headline_figures(session, EventFilter())
        with_proposals = headline_figures(
            session, EventFilter(statuses=("confirmed", "disputed", "proposed"))
        )
    assert statuses["proposed"] >= 10 and statuses["retracted"] == 1
    assert figures.events == statuses["confirmed"] + statuses["disputed"]
    assert with_proposals.events == figures.events + statuses["proposed"]
    assert EventFilter().describe() == "confirmed and disputed events"


def test_may_2025_headline_counts_the_strike_once(engine, seed_dir):
    """The seed article's proposals saved beside the seed: May 2025 still says 12
    events, 14 killed, 6 children (the issue saw 23 events, 28 killed, 12)."""
    require_shared()
    article_text = SEED_ARTICLE.read_text(encoding="utf-8")
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        published = dt.date(2025, 5, 28)
        proposals = extract_events(article_text, published=published, session=session)
        save_article_proposals(
            session, Article(text=article_text, published=published), proposals
        )
    may = EventFilter(since=MAY_2025[0], until=MAY_2025[1])
    with session_scope(engine) as session:
        figures = headline_figures(session, may)
    assert (figures.events, figures.fatalities_best, figures.children_killed) == (
        12,
        14,
        6,
    )


def test_window_keeps_an_overlapping_event_inside_the_bins_and_the_span(filled):
    may = EventFilter(since=MAY_2025[0], until=MAY_2025[1])
    with session_scope(filled) as session:
        bounds = date_bounds(session, may)
        months = count_events_by_period(session, may, Period.MONTH)
        weeks = count_events_by_period(session, may, Period.WEEK)
        fatal = fatalities_by_period(session, may, Period.DAY)
        before = count_events_started_before_window(session, may)
        started_earlier = session.execute(
            text(
                "SELECT count(*) FROM event WHERE status IN ('confirmed', 'disputed')"
                " AND date_start < :since AND COALESCE(date_end, date_start) >= :since"
            ),
            {"since": MAY_2025[0]},
        ).scalar_one()
    assert started_earlier == 1 and before == started_earlier
    assert bounds is not None and bounds[0] == MAY_2025[0]
    assert bounds[1] <= MAY_2025[1]
    assert {c.period_start for c in months} == {MAY_2025[0]}
    # Weeks start on Monday: the week holding 1 May 2025 starts on 28 April, but
    # its bin starts with the window, on 1 May.
    assert min(c.period_start for c in weeks) == MAY_2025[0]
    assert sum(c.count for c in weeks) == sum(c.count for c in months)
    assert all(p.period_start >= MAY_2025[0] for p in fatal)
    # The January offensive's 40 dead are counted on the window's first day.
    assert next(p.best for p in fatal if p.period_start == MAY_2025[0]) >= 40
