"""The map page and its figure builders, without a browser.

Layouts and callbacks run over a real seeded database; the figure builders take
markers built by hand."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import plotly.graph_objects as go
import pytest
from dash import dcc, no_update

from dashboard import ids
from dashboard.figures import map as map_figures
from dashboard.figures.map import (
    MIN_MARKER_PX,
    NO_MATCH,
    Basemap,
    map_extent,
    marker_hover_text,
    marker_href,
)
from dashboard.figures.palette import QUAD_COLOURS, type_colour
from dashboard.pages import map as map_page
from tests.dashboard.conftest import client_as
from tests.dashboard.test_timeline import drawn
from tracker.query.filters import EventFilter
from tracker.query.stats import LocationCount

MAY = dt.date(2025, 5, 1)


def find(component, component_id):
    """The component with `component_id` in a Dash layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def map_layout(app, **query):
    with app.server.test_request_context("/map"):
        return map_page.layout(**query)


def events_map_figure(*args, **kwargs) -> go.Figure:
    """The map's figure (plain data, issue 19) read through Plotly's objects."""
    return drawn(map_figures.events_map_figure(*args, **kwargs))


def points(figure):
    """(customdata, size) of every marker of a figure, over all traces."""
    return [
        (data[0], size)
        for trace in figure.data
        for data, size in zip(trace.customdata, trace.marker.size, strict=True)
    ]


def marker(**changes) -> LocationCount:
    """A marker at Istanbul holding one verbal-cooperation event, unless changed."""
    values = {
        "location_id": 1,
        "name": "Istanbul",
        "country": "TUR",
        "latitude": 41.0,
        "longitude": 29.0,
        "geo_precision": "exact",
        "quad_class": 1,
        "event_type": "AGREE",
        "count": 1,
        "fatalities": 0,
        "first_date": MAY,
        "last_date": MAY,
        "event_id": 3,
        "title": "Russia and Ukraine agree a large prisoner swap",
        "date_precision": "month",
    }
    return LocationCount(**{**values, **changes})


# --- the page over the seed ----------------------------------------------------------


def test_map_page_is_served_with_its_world_shapes(app):
    client = client_as(app, "viewer")
    assert client.get("/map").status_code == 200
    shapes_address = find(map_layout(app), ids.MAP_GRAPH).config["topojsonURL"]
    for name in ("world_110m", "world_50m"):
        response = client.get(f"{shapes_address}{name}.json")
        assert response.status_code == 200
        shapes = json.loads(response.data)
        assert shapes["type"] == "Topology"
        assert {"land", "countries", "coastlines"} <= set(shapes["objects"])


def test_map_layout_draws_the_seed_places_as_markers_on_the_offline_map(app):
    page = map_layout(app)
    graph = find(page, ids.MAP_GRAPH)
    assert {trace.type for trace in drawn(graph.figure).data} == {"scattergeo"}
    links = dict(points(drawn(graph.figure)))
    assert set(links) == {"/events?places=Istanbul", "/events?places=Ukraine"}
    assert links["/events?places=Ukraine"] == 14  # sized by fatalities
    assert re.fullmatch(r"/assets/topojson/[0-9a-f]{16}/", graph.config["topojsonURL"])
    summary = find(page, ids.MAP_SUMMARY).children
    assert (
        summary
        == "5 of 12 events on the map at 2 places · confirmed and disputed events"
    )
    notes = [note.children for note in find(page, ids.MAP_NOTES).children]
    assert "7 matching events have no coordinates and are not on the map." in notes
    assert find(page, ids.MAP_EXPORT).href == "/export.csv"


def test_map_layout_reads_the_filter_from_the_query_string(app):
    page = map_layout(app, min_fatalities="1")
    graph = find(page, ids.MAP_GRAPH)
    assert points(drawn(graph.figure)) == [
        ("/events/6", 14)
    ]  # the missile strike itself
    summary = find(page, ids.MAP_SUMMARY).children
    assert summary == (
        "1 of 1 event on the map at 1 place · "
        "confirmed and disputed events with at least 1 killed"
    )
    notes = [note.children for note in find(page, ids.MAP_NOTES).children]
    assert notes == [
        "Paler markers stand for events placed only at a province or country "
        "centre, not where they happened."
    ]
    assert find(page, ids.MAP_EXPORT).href == "/export.csv?min_fatalities=1"
    assert find(page, ids.MAP_FILTER).data == "min_fatalities=1"


def test_map_layout_with_no_match_says_what_to_change(app):
    page = map_layout(app, text="words no event uses")
    summary = find(page, ids.MAP_SUMMARY).children
    assert summary == "No events match these filters: widen or clear them."
    figure = drawn(find(page, ids.MAP_GRAPH).figure)
    assert figure.data == ()
    assert figure.layout.annotations[0].text == NO_MATCH
    assert find(page, ids.MAP_NOTES).children == []


def test_map_layout_counts_matches_that_have_no_coordinates(app):
    page = map_layout(app, event_types=["ACCUSE", "THREATEN"])
    assert drawn(find(page, ids.MAP_GRAPH).figure).data == ()
    summary = find(page, ids.MAP_SUMMARY).children
    assert summary.startswith("0 of 3 events on the map at 0 places")
    notes = [note.children for note in find(page, ids.MAP_NOTES).children]
    assert notes == ["3 matching events have no coordinates and are not on the map."]


def test_map_layout_works_without_arguments_for_the_validation_layout(app):
    page = map_layout(app)
    assert isinstance(find(page, ids.MAP_BASEMAP), dcc.RadioItems)
    assert isinstance(find(page, ids.MAP_NAVIGATE), dcc.Location)


# --- callbacks -----------------------------------------------------------------------


def test_on_marker_click_opens_the_address_of_the_clicked_marker():
    click = {"points": [{"customdata": ["/events?places=Istanbul"]}]}
    assert map_page.on_marker_click(click) == "/events?places=Istanbul"
    assert map_page.on_marker_click({"points": [{"customdata": ["/events/6"]}]}) == (
        "/events/6"
    )


@pytest.mark.parametrize(
    "click",
    [None, {"points": []}, {"points": [{}]}, {"points": [{"customdata": ["//x.org"]}]}],
)
def test_on_marker_click_without_one_of_our_addresses_stays(click):
    assert map_page.on_marker_click(click) is no_update


def test_update_map_redraws_the_markers_over_street_tiles(app):
    with app.server.test_request_context("/map"):
        figure = drawn(map_page.update_map("streets", "min_fatalities=1"))
        unknown = map_page.update_map("satellite", "")
    assert [trace.type for trace in figure.data] == ["scattermap"]
    assert figure.layout.map.style == "open-street-map"
    assert list(figure.data[0].customdata) == [["/events/6"]]
    assert unknown is no_update


# --- figure builders -----------------------------------------------------------------


def test_events_map_figure_sizes_by_area_and_keeps_deathless_markers_visible():
    figure = events_map_figure(
        [marker(), marker(location_id=2, fatalities=40, event_id=6)], EventFilter()
    )
    (trace,) = figure.data
    assert trace.marker.sizemode == "area"
    assert trace.marker.sizemin == MIN_MARKER_PX / 2  # a radius
    assert list(trace.marker.size)[0] == 40  # the deadliest is drawn first, beneath
    assert 0 < list(trace.marker.size)[1] < 1  # plotly hides size 0; sizemin shows it


def test_events_map_figure_colours_markers_like_the_rest_of_the_dashboard():
    mixed = marker(location_id=2, event_type=None, count=3, event_id=None, title=None)
    strike = marker(location_id=3, quad_class=4, event_type="ASSAULT", event_id=6)
    figure = events_map_figure([strike, mixed, marker()], EventFilter())
    colours = {trace.name: trace.marker.color for trace in figure.data}
    assert colours == {
        "AGREE": type_colour("AGREE"),
        "several types": QUAD_COLOURS[1][0],
        "ASSAULT": type_colour("ASSAULT"),
    }
    assert [trace.legendgroup for trace in figure.data] == [
        "Verbal cooperation",
        "Verbal cooperation",
        "Material conflict",
    ]
    assert list(figure.data[1].text) == ["3"]  # the count beside a shared marker


def test_events_map_figure_without_markers_says_so():
    figure = events_map_figure([], EventFilter())
    assert figure.data == ()
    assert figure.layout.annotations[0].text == NO_MATCH


def test_marker_href_opens_a_single_event_or_lists_the_place_with_the_filter():
    shared = marker(count=3, event_type=None, event_id=None, title=None)
    event_filter = EventFilter(event_types=("AGREE",), places=("Kyiv", "Istanbul"))
    assert marker_href(marker(), event_filter) == "/events/3"
    assert marker_href(shared, event_filter) == (
        "/events?event_types=AGREE&places=Istanbul"
    )
    assert marker_href(shared, EventFilter()) == "/events?places=Istanbul"


@pytest.mark.parametrize(
    "name", ["Istanbul", "Kyiv & Kharkiv", "a=b+c d", "Rafah/Gaza", "Дніпро", "%00"]
)
def test_marker_links_are_the_filter_narrowed_to_the_place(name):
    event_filter = EventFilter(
        since=dt.date(2024, 1, 1),
        event_types=("AGREE", "ASSAULT"),
        countries=("UKR",),
        places=("Kyiv",),
        text="talks & truce",
        min_fatalities=1,
        civilians_targeted=True,
    )
    shared = marker(name=name, count=3, event_type=None, event_id=None, title=None)
    at_place = replace(event_filter, places=(name,))
    assert marker_href(shared, event_filter) == "/events?" + at_place.to_query_string()
    assert (
        EventFilter.from_query_string(
            marker_href(shared, event_filter).split("?", 1)[1]
        )
        == at_place
    )


def test_marker_hover_text_gives_title_date_place_and_fatalities():
    strike = marker(
        name="Ukraine",
        country="UKR",
        geo_precision="country",
        title="Missile attack <b>kills</b> 14",
        fatalities=14,
        first_date=dt.date(2025, 5, 24),
        last_date=dt.date(2025, 5, 25),
        date_precision="week",
    )
    text = marker_hover_text(strike)
    assert "Missile attack &lt;b&gt;kills&lt;/b&gt; 14" in text
    assert "24–25 May 2025 (week)" in text
    assert "Ukraine, UKR (country centre)" in text
    assert "14 killed" in text
    shared = marker_hover_text(
        marker(count=3, event_type=None, event_id=None, last_date=dt.date(2025, 5, 28))
    )
    assert "3 events" in shared and "Istanbul, TUR" in shared
    assert "1 May – 28 May 2025" in shared and "no deaths reported" in shared


def test_map_extent_frames_every_marker_with_a_margin():
    kyiv = marker(latitude=50.45, longitude=30.52)
    lisbon = marker(latitude=38.72, longitude=-9.14)
    (west, east), (south, north) = map_extent([kyiv, lisbon])
    assert west < -9.14 and east > 30.52 and south < 38.72 and north > 50.45
    (west, east), (south, north) = map_extent([kyiv], min_span=10)
    assert north - south == pytest.approx(10)
    assert east - west > north - south  # wider than high, like the map on screen


def test_events_map_figure_uses_finer_shapes_for_a_region_than_for_the_world():
    regional = events_map_figure([marker()], EventFilter()).layout.geo
    lima = marker(location_id=2, latitude=-12.0, longitude=-77.0)
    world = events_map_figure([marker(), lima], EventFilter()).layout.geo
    assert (regional.resolution, world.resolution) == (50, 110)
    assert regional.showcountries and regional.showland


def test_the_sea_is_the_same_colour_on_a_regional_map_and_on_the_world():
    regional = events_map_figure([marker()], EventFilter()).layout.geo
    lima = marker(location_id=2, latitude=-12.0, longitude=-77.0)
    world = events_map_figure([marker(), lima], EventFilter()).layout.geo
    # A region's box is all map, so its background is the sea; the world's
    # curved outline is drawn with its ocean, and blank beyond it.
    assert not regional.showocean and regional.bgcolor == world.oceancolor
    assert world.showocean and world.bgcolor == "rgba(0,0,0,0)"
    assert regional.lakecolor == world.lakecolor == world.oceancolor


def test_events_map_figure_over_street_tiles_uses_no_geo_subplot():
    figure = events_map_figure([marker()], EventFilter(), Basemap.STREETS)
    assert [trace.type for trace in figure.data] == ["scattermap"]
    assert figure.layout.map.center.lat == pytest.approx(41.0)
    assert figure.layout.geo.resolution is None
