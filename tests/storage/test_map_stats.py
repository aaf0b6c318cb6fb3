"""The map's aggregation in SQL: matching events per place and quad class, and the
events that cannot be mapped, over the seed events on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.db import session_scope
from tracker.query.filters import EventFilter
from tracker.query.stats import (
    count_events_by_location,
    count_events_without_coordinates,
)
from tracker.seed import seed_database


@pytest.fixture
def seeded_engine(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


def markers_for(engine, event_filter, **options):
    with session_scope(engine) as session:
        return count_events_by_location(session, event_filter, **options)


def unmapped_for(engine, event_filter):
    with session_scope(engine) as session:
        return count_events_without_coordinates(session, event_filter)


def test_count_events_by_location_groups_the_seed_events_by_place(seeded_engine):
    markers = markers_for(seeded_engine, EventFilter())
    assert [(m.name, m.count) for m in markers] == [("Istanbul", 3), ("Ukraine", 2)]
    istanbul, ukraine = markers
    assert (istanbul.country, istanbul.geo_precision) == ("TUR", "exact")
    assert istanbul.latitude == pytest.approx(41.01384)
    assert istanbul.longitude == pytest.approx(28.94966)
    assert istanbul.quad_class == 1 and istanbul.fatalities == 0
    assert istanbul.event_type is None  # talks (CONSULT) and agreements (AGREE)
    assert istanbul.event_id is None and istanbul.title is None
    assert (ukraine.quad_class, ukraine.event_type) == (4, "ASSAULT")
    assert (ukraine.fatalities, ukraine.geo_precision) == (14, "country")


def test_count_events_by_location_names_the_event_of_a_single_event_marker(
    seeded_engine,
):
    (marker,) = markers_for(seeded_engine, EventFilter(min_fatalities=1))
    assert marker.count == 1 and marker.event_id == 6
    assert marker.title.startswith("Ballistic-missile attack kills 14")
    assert (marker.first_date, marker.last_date) == (
        dt.date(2025, 5, 24),
        dt.date(2025, 5, 25),
    )
    assert (marker.date_precision, marker.fatalities) == ("week", 14)


def test_count_events_by_location_honours_the_filter(seeded_engine):
    (marker,) = markers_for(seeded_engine, EventFilter(event_types=("AGREE",)))
    assert (marker.name, marker.count, marker.event_type) == ("Istanbul", 2, "AGREE")
    assert markers_for(seeded_engine, EventFilter(places=("Ukraine",))) == [
        m for m in markers_for(seeded_engine, EventFilter()) if m.name == "Ukraine"
    ]


def test_count_events_by_location_keeps_the_busiest_markers_up_to_the_limit(
    seeded_engine,
):
    markers = markers_for(seeded_engine, EventFilter(), limit=1)
    assert [(m.name, m.count) for m in markers] == [("Istanbul", 3)]


def test_count_events_without_coordinates_counts_the_events_left_off_the_map(
    seeded_engine,
):
    # 6 events name no place; the eastern front is a place without coordinates.
    assert unmapped_for(seeded_engine, EventFilter()) == 7
    assert unmapped_for(seeded_engine, EventFilter(event_types=("ASSAULT",))) == 1
    assert unmapped_for(seeded_engine, EventFilter(places=("Istanbul",))) == 0


def test_map_aggregation_is_empty_when_nothing_matches(seeded_engine):
    nothing = EventFilter(text="no event mentions this")
    assert markers_for(seeded_engine, nothing) == []
    assert unmapped_for(seeded_engine, nothing) == 0
