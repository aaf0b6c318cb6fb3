"""The map's aggregation in SQL: matching events per place and quad class, and the
events that cannot be mapped, over the seed events on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.db import session_scope
from tracker.query.filters import EventFilter
from tracker.query.stats import map_markers
from tracker.seed import seed_database


@pytest.fixture
def seeded_engine(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


def map_for(engine, event_filter, **options):
    with session_scope(engine) as session:
        return map_markers(session, event_filter, **options)


def markers_for(engine, event_filter, **options):
    return map_for(engine, event_filter, **options).markers


def unmapped_for(engine, event_filter):
    return map_for(engine, event_filter).unmapped


def test_map_markers_groups_the_seed_events_by_place(seeded_engine):
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


def test_map_markers_names_the_event_of_a_single_event_marker(
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


def test_map_markers_honours_the_filter(seeded_engine):
    (marker,) = markers_for(seeded_engine, EventFilter(event_types=("AGREE",)))
    assert (marker.name, marker.count, marker.event_type) == ("Istanbul", 2, "AGREE")
    assert markers_for(seeded_engine, EventFilter(places=("Ukraine",))) == [
        m for m in markers_for(seeded_engine, EventFilter()) if m.name == "Ukraine"
    ]


def test_map_markers_keeps_the_busiest_markers_up_to_the_limit(
    seeded_engine,
):
    capped = map_for(seeded_engine, EventFilter(), limit=1)
    assert [(m.name, m.count) for m in capped.markers] == [("Istanbul", 3)]
    assert capped.truncated
    # The totals are of every matching event, not of the markers kept.
    assert (capped.matching, capped.unmapped) == (12, 7)
    whole = map_for(seeded_engine, EventFilter(), limit=2)
    assert len(whole.markers) == 2 and not whole.truncated


def test_map_totals_agree_with_counts_made_independently(seeded_engine):
    filters = [
        EventFilter(),
        EventFilter(event_types=("ASSAULT",)),
        EventFilter(places=("Istanbul",)),
        EventFilter(min_fatalities=1),
        EventFilter(text="no event mentions this"),
    ]
    with seeded_engine.connect() as connection:
        statuses = "status IN ('confirmed', 'disputed')"
        every = connection.exec_driver_sql(
            f"SELECT count(*) FROM event WHERE {statuses}"
        ).scalar_one()
        off_the_map = connection.exec_driver_sql(
            "SELECT count(*) FROM event LEFT JOIN location "
            "ON location.id = event.location_id "
            f"WHERE {statuses} AND (location.latitude IS NULL "
            "OR location.longitude IS NULL)"
        ).scalar_one()
    unfiltered = map_for(seeded_engine, EventFilter())
    assert (unfiltered.matching, unfiltered.unmapped) == (every, off_the_map)
    for event_filter in filters:
        found = map_for(seeded_engine, event_filter)
        on_map = sum(m.count for m in found.markers)
        assert found.matching == on_map + found.unmapped, event_filter


def test_map_markers_count_the_events_left_off_the_map(
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
