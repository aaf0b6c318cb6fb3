"""Timeline numbers and filter choices over the seed events, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from tracker.db import session_scope
from tracker.models import Event
from tracker.query.events import count_events
from tracker.query.facets import country_choices, search_actors, search_places
from tracker.query.filters import EventFilter
from tracker.query.stats import Period
from tracker.query.timeline import (
    actor_swimlanes,
    fatalities_by_period,
    headline_figures,
    score_by_period,
)
from tracker.seed import seed_database


@pytest.fixture
def seeded(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


def test_headline_figures_for_all_and_for_a_filter(seeded):
    with session_scope(seeded) as session:
        everything = headline_figures(session, EventFilter())
        words = headline_figures(session, EventFilter(event_types=("ACCUSE",)))
    assert (
        everything.events,
        everything.fatalities_best,
        everything.children_killed,
    ) == (
        12,
        14,
        6,
    )
    assert everything.actors == 8
    assert (everything.first_date, everything.last_date) == (
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 28),
    )
    assert (words.events, words.fatalities_best, words.actors) == (2, 0, 3)


def test_score_by_period_averages_scores_and_counts_cooperation_and_violence(seeded):
    with session_scope(seeded) as session:
        points = score_by_period(session, EventFilter(), Period.MONTH)
    [may] = points
    assert may.events == 12
    assert may.cooperation == 5  # talks, swap agreed, swap done, proposal, walk-back
    assert may.material_conflict == 3
    assert -10 <= may.mean_score <= 10


def test_fatalities_by_period_sums_best_with_low_high_band(seeded):
    with session_scope(seeded) as session:
        [weekend] = fatalities_by_period(session, EventFilter(), Period.DAY)
    assert weekend.period_start == dt.date(2025, 5, 24)
    assert (weekend.best, weekend.low, weekend.high, weekend.events_with_figures) == (
        14,
        14,
        14,
        1,
    )


def test_actor_swimlanes_pick_the_busiest_actors_and_cap_the_marks(seeded):
    with session_scope(seeded) as session:
        lanes = actor_swimlanes(session, EventFilter(), lanes=2, limit=5)
    assert lanes.actors == [("Government of Russia", 8), ("Donald Trump", 5)]
    assert len(lanes.marks) == 5 and lanes.total_marks == 13
    assert lanes.marks[0].date_start >= lanes.marks[-1].date_start


def test_retracted_events_are_hidden_unless_asked_for(seeded):
    with session_scope(seeded) as session:
        session.execute(update(Event).where(Event.id == 2).values(status="retracted"))
    with session_scope(seeded) as session:
        assert count_events(session, EventFilter()) == 11
        assert count_events(session, EventFilter(statuses=("retracted",))) == 1
        assert (
            count_events(session, EventFilter(statuses=("confirmed", "retracted")))
            == 12
        )


def test_filter_choices_search_actors_by_alias_places_and_countries(seeded):
    with session_scope(seeded) as session:
        kremlin = [c.value for c in search_actors(session, "kreml")]
        places = [c.value for c in search_places(session, "istan")]
        countries = {c.value: c.label for c in country_choices(session)}
        percent = search_actors(session, "100%")
    assert kremlin == ["Government of Russia"]
    assert places == ["Istanbul"]
    assert countries == {"TUR": "Türkiye (TUR)", "UKR": "Ukraine (UKR)"}
    assert percent == []
