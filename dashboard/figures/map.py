"""Pure figure builders for the map page: map markers in, Plotly figures out.

A marker is one place and one PLOVER quad class (`tracker.query.stats.LocationCount`),
so a million events become at most a few thousand points. Markers are coloured like the
rest of the dashboard (a type's shade, or its quad class's hue when the marker mixes
types) and sized by fatalities by area; a marker with no deaths keeps a minimum size.

The default map is an outline map (`scattergeo`) whose world shapes the app serves
from `assets/topojson/`, so it draws without internet; the street map needs tiles from
OpenStreetMap."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum
from typing import Any
from urllib.parse import quote_plus

from dashboard.figures.map_regions import region_for
from dashboard.figures.palette import (
    QUAD_COLOURS,
    default_template,
    empty_figure,
    plotly_text,
    type_colour,
)
from tracker.query.filters import EventFilter
from tracker.query.stats import LocationCount
from tracker.vocab import taxonomy
from tracker.vocab.dates import describe_date


class Basemap(StrEnum):
    """What the points are drawn over."""

    OUTLINE = "outline"  # land and borders served by the app: works offline
    STREETS = "streets"  # OpenStreetMap tiles: needs internet


MIN_MARKER_PX = 12  # the diameter of a marker with no deaths
MAX_MARKER_PX = 46  # the diameter of the deadliest marker
# Plotly hides markers of size 0, so a marker without deaths gets a tiny positive
# size, which `sizemin` then raises to MIN_MARKER_PX (sizemin acts on the radius
# of area-sized markers: checked in Chromium with plotly.js 4.1).
NO_DEATHS_SIZE = 1e-6
# How much paler a marker is when its place is only a province or country centre.
OPACITY = {"exact": 0.9, "near": 0.8, "admin1": 0.6, "country": 0.6}
HEIGHT = 600
OCEAN = "#dce9f5"
ASPECT = 1.7  # width / height of the map area on a common screen
NO_MATCH = "No events with coordinates match these filters."


def map_graph_config(topojson_url: str) -> dict:
    """The dcc.Graph config of the map: world shapes from the app, not from a CDN."""
    return {"topojsonURL": topojson_url, "displaylogo": False}


def events_map_figure(
    markers: Sequence[LocationCount],
    event_filter: EventFilter,
    basemap: Basemap = Basemap.OUTLINE,
) -> dict[str, Any]:
    """Markers per place and quad class, coloured by type, sized by fatalities by area.

    Each point's customdata holds the address a click opens (see `marker_href`).
    Built as plain data (the dict `go.Figure(...).to_plotly_json()` gives), not
    through Plotly's objects: validating a thousand markers' values took as long as
    the map's query (issue 19). `tests/dashboard/test_map_figure_plain.py` holds it
    equal to the figure Plotly's own builder made."""
    if not markers:
        return empty_figure(NO_MATCH).to_plotly_json()
    sizeref = 2.0 * max(1, *(m.fatalities for m in markers)) / MAX_MARKER_PX**2
    links = MarkerLinks(event_filter)
    streets = basemap is Basemap.STREETS
    traces = []
    for (quad, event_type), group in _legend_groups(markers):
        quad_label = taxonomy.quad_class_label(quad)
        # The deadliest first, so smaller markers are drawn over them.
        group = sorted(group, key=lambda m: (-m.fatalities, -m.count, m.location_id))
        trace: dict[str, Any] = {
            "customdata": [[links.href(m)] for m in group],
            "hoverinfo": "text",
            "hovertext": [marker_hover_text(m) for m in group],
            "lat": [m.latitude for m in group],
            "legendgroup": quad_label,
            "legendgrouptitle": {"text": quad_label},
            "lon": [m.longitude for m in group],
            "marker": {
                "color": marker_colour(group[0]),
                "opacity": [OPACITY.get(m.geo_precision, 0.6) for m in group],
                "size": [m.fatalities or NO_DEATHS_SIZE for m in group],
                "sizemin": MIN_MARKER_PX / 2,
                "sizemode": "area",
                "sizeref": sizeref,
            },
            "name": event_type or "several types",
        }
        if streets:
            traces.append({**trace, "mode": "markers", "type": "scattermap"})
            continue
        trace["marker"]["line"] = {"color": "#ffffff", "width": 1}
        traces.append(
            {
                **trace,
                "mode": "markers+text",
                # The event count beside each marker that holds several events.
                "text": [f"{m.count}" if m.count > 1 else "" for m in group],
                "textfont": {"color": "#1d2330", "size": 11},
                "textposition": "top right",
                "type": "scattergeo",
            }
        )
    lon_range, lat_range = map_extent(markers)
    layout: dict[str, Any] = {
        "height": HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "legend": {"groupclick": "toggleitem", "itemsizing": "constant"},
        "hoverlabel": {"align": "left"},
        "template": default_template(),
    }
    if streets:
        layout["map"] = _street_map(lon_range, lat_range)
    else:
        layout["geo"] = _outline_map(lon_range, lat_range)
    return {"data": traces, "layout": layout}


def _legend_groups(
    markers: Sequence[LocationCount],
) -> list[tuple[tuple[int, str | None], list[LocationCount]]]:
    """Markers by (quad class, type), cooperation first; mixed-type markers last."""
    groups: dict[tuple[int, str | None], list[LocationCount]] = defaultdict(list)
    for marker in markers:
        groups[(marker.quad_class, marker.event_type)].append(marker)
    return sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "~"))


def marker_colour(marker: LocationCount) -> str:
    """A marker's colour: its type's shade, or its quad class's hue when types mix."""
    if marker.event_type is not None:
        return type_colour(marker.event_type)
    return QUAD_COLOURS[marker.quad_class][0]


def marker_href(marker: LocationCount, event_filter: EventFilter) -> str:
    """Where a click on a marker goes: its event, or the events list at its place.

    The list keeps the current filter and narrows it to the marker's place."""
    return MarkerLinks(event_filter).href(marker)


# A place name no filter holds (filters refuse control characters), standing in
# for the marker's own in the query string built once per map.
_SOME_PLACE = "\x00place\x00"


class MarkerLinks:
    """The addresses of one map's markers: the filter's query string is built once,
    and each marker's place put into it (a thousand query strings took 40% of the
    map's figure, issue 19). The same strings as `replace(event_filter,
    places=(name,)).to_query_string()`."""

    def __init__(self, event_filter: EventFilter) -> None:
        query = replace(event_filter, places=(_SOME_PLACE,)).to_query_string()
        self._before, _, self._after = query.partition(
            "places=" + quote_plus(_SOME_PLACE)
        )

    def href(self, marker: LocationCount) -> str:
        if marker.event_id is not None:
            return f"/events/{marker.event_id}"
        place = "places=" + quote_plus(marker.name)
        return f"/events?{self._before}{place}{self._after}"


def marker_hover_text(marker: LocationCount) -> str:
    """The hover label: title, date, place and fatalities (or the count and span)."""
    place = describe_place(marker)
    killed = (
        f"{marker.fatalities:,} killed (best estimates)"
        if marker.fatalities
        else "no deaths reported"
    )
    if marker.event_id is not None:
        when = describe_date(
            marker.first_date,
            marker.last_date if marker.last_date != marker.first_date else None,
            marker.date_precision or "day",
        )
        lines = [
            f"<b>{plotly_text(marker.title or '')}</b>",
            when,
            place,
            killed,
            "<i>Click to open the event</i>",
        ]
    else:
        kinds = marker.event_type or "several types"
        lines = [
            f"<b>{marker.count:,} events</b> · {place}",
            f"{taxonomy.quad_class_label(marker.quad_class)}: {kinds}",
            describe_span(marker.first_date, marker.last_date),
            killed,
            "<i>Click to list them</i>",
        ]
    return "<br>".join(lines)


def describe_place(marker: LocationCount) -> str:
    """The place and how precisely it is known, e.g. 'Ukraine, UKR (country centre)'."""
    name = plotly_text(marker.name)
    if marker.country and marker.country.casefold() != marker.name.casefold():
        name += f", {marker.country}"
    qualifier = {
        "near": " (near)",
        "admin1": " (province centre)",
        "country": " (country centre)",
    }.get(marker.geo_precision, "")
    return name + qualifier


def describe_span(first: dt.date, last: dt.date) -> str:
    """A span of days in words, e.g. '1 May – 28 May 2025' or '24 May 2025'."""
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} – {last.day} {last:%B %Y}"


def map_extent(
    markers: Sequence[LocationCount],
    *,
    margin: float = 0.15,
    min_span: float = 10.0,
    aspect: float = ASPECT,
) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges that hold every marker, with a margin.

    A lone place is shown with `min_span` degrees around it, and the shorter side is
    widened so the box fills a map `aspect` times wider than high (a degree of
    longitude is shorter than one of latitude away from the equator). Points on both
    sides of the antimeridian give a range across the whole world."""
    lons = [m.longitude for m in markers]
    lats = [m.latitude for m in markers]
    lon_span = max((max(lons) - min(lons)) * (1 + 2 * margin), min_span)
    lat_span = max((max(lats) - min(lats)) * (1 + 2 * margin), min_span)
    stretch = aspect / max(math.cos(math.radians((max(lats) + min(lats)) / 2)), 0.2)
    lon_span, lat_span = (
        max(lon_span, lat_span * stretch),
        max(lat_span, lon_span / stretch),
    )
    return (
        _centred(min(lons), max(lons), lon_span, limits=(-180.0, 180.0)),
        _centred(min(lats), max(lats), lat_span, limits=(-80.0, 84.0)),
    )


def _centred(
    low: float, high: float, span: float, *, limits: tuple[float, float]
) -> list[float]:
    """A range `span` wide around the middle of low..high, within `limits`."""
    centre = (low + high) / 2
    return [max(limits[0], centre - span / 2), min(limits[1], centre + span / 2)]


def _outline_map(lon_range: list[float], lat_range: list[float]) -> dict:
    """The offline geo layout: land, coasts and borders from the served topojson."""
    regional = lon_range[1] - lon_range[0] <= 60
    region = region_for(lon_range, lat_range) if regional else None
    shapes: dict = {}
    if region is not None:
        # The world's shapes cut to the region's box, in a file named after the
        # scope (`map_regions`); the centre plotly.js would give a world map,
        # not the scope's own.
        shapes = {
            "scope": region.scope,
            "projection": {
                "type": "mercator",
                "rotation": {"lon": (lon_range[0] + lon_range[1]) / 2},
            },
        }
    return {
        # 1:50m shapes for a region, 1:110m (a sixth of the bytes) for the world.
        "resolution": 50 if regional else 110,
        "projection": {"type": "mercator" if regional else "natural earth"},
        **shapes,
        "lonaxis": {"range": lon_range},
        "lataxis": {"range": lat_range},
        "showland": True,
        "landcolor": "#eef0f3",
        # A regional map fills its box, so the sea is its background: drawing the
        # 1:50m ocean's shapes as well took a third of the map's drawing time
        # (issue 19), for the same picture. The world's outline is curved, and
        # what lies outside it must stay blank.
        "showocean": not regional,
        "oceancolor": OCEAN,
        "showlakes": True,
        "lakecolor": OCEAN,
        "showcountries": True,
        "countrycolor": "#8f98a8",
        "countrywidth": 0.7,
        "showcoastlines": True,
        "coastlinecolor": "#8f98a8",
        "coastlinewidth": 0.7,
        "showframe": False,
        # Not drawn; said so, as a North American scope would draw them.
        "showsubunits": False,
        "showrivers": False,
        "bgcolor": OCEAN if regional else "rgba(0,0,0,0)",
    }


def _street_map(lon_range: list[float], lat_range: list[float]) -> dict:
    """The tile layout: OpenStreetMap, centred and zoomed on the markers."""
    span = max(lon_range[1] - lon_range[0], (lat_range[1] - lat_range[0]) * 1.5)
    return {
        "style": "open-street-map",
        "center": {
            "lon": sum(lon_range) / 2,
            "lat": sum(lat_range) / 2,
        },
        "zoom": max(0.0, min(12.0, math.log2(360 / span) + 0.3)),
    }
