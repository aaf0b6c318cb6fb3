"""Map page (`/map`): matching events by place, coloured by type, sized by fatalities.

Events are counted per place and quad class in SQL (`reads.map_data`), so the
browser gets at most a few thousand markers. The outline map draws its world shapes
from the app's assets and works offline; a street map is offered for users online."""

from __future__ import annotations

from typing import Any

from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    get_relative_path,
    html,
    no_update,
)

from dashboard import ids
from dashboard.components.export_link import export_link
from dashboard.components.filter_panel import ignored_notice
from dashboard.figures.map import Basemap, events_map_figure, map_graph_config
from dashboard.server.static_files import world_shapes_address
from dashboard.services import reads
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import MapMarkers

BASEMAP_OPTIONS = [
    {"label": "Outline (works offline)", "value": Basemap.OUTLINE.value},
    {"label": "Street map (needs internet)", "value": Basemap.STREETS.value},
]


def layout(**query: Any) -> html.Div:
    """Build the page from the database on each load; the URL query is the filter."""
    event_filter, ignored = parse_filter(query)
    data = reads.map_data(event_filter)
    return html.Div(
        [
            dcc.Store(id=ids.MAP_FILTER, data=event_filter.to_query_string()),
            dcc.Store(id=ids.MAP_BASEMAP_READY),
            dcc.Location(id=ids.MAP_NAVIGATE, refresh="callback-nav"),
            html.Div(
                [html.H1("Map"), export_link(event_filter, ids.MAP_EXPORT)],
                className="page-head",
            ),
            ignored_notice(ignored),
            html.P(
                map_summary(data, event_filter), id=ids.MAP_SUMMARY, className="summary"
            ),
            html.Section(
                [
                    html.H2("Where events happened, by type and fatalities"),
                    html.P(
                        f"{sentence(event_filter.describe())}. Marker area shows "
                        "deaths (best estimates); a marker with none keeps a minimum "
                        "size, and a number beside a marker counts its events. Click "
                        "a marker to open its event or list its events.",
                        className="subtitle",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Basemap"),
                            dcc.RadioItems(
                                id=ids.MAP_BASEMAP,
                                options=BASEMAP_OPTIONS,
                                value=Basemap.OUTLINE.value,
                                inline=True,
                            ),
                        ],
                        className="map-basemap",
                    ),
                    dcc.Graph(
                        id=ids.MAP_GRAPH,
                        figure=events_map_figure(data.markers, event_filter),
                        config=map_graph_config(
                            world_shapes_address(get_relative_path("/"))
                        ),
                        className="map-graph",
                    ),
                    html.Div(
                        [html.P(note, className="note") for note in map_notes(data)],
                        id=ids.MAP_NOTES,
                    ),
                ],
                className="card map-card",
            ),
        ]
    )


def sentence(text: str) -> str:
    """The text with its first letter in upper case (and the rest untouched)."""
    return text[:1].upper() + text[1:]


def map_summary(data: MapMarkers, event_filter: EventFilter) -> str:
    """One line: how many matching events are on the map, at how many places."""
    if data.matching == 0:
        return "No events match these filters: widen or clear them."
    mapped = sum(m.count for m in data.markers)
    places = len({m.location_id for m in data.markers})
    return (
        f"{mapped:,} of {data.matching:,} event{'s' if data.matching != 1 else ''} "
        f"on the map at {places:,} place{'s' if places != 1 else ''} "
        f"· {event_filter.describe()}"
    )


def map_notes(data: MapMarkers) -> list[str]:
    """What the map leaves out or shows only roughly, in words."""
    notes = []
    if data.unmapped == 1:
        notes.append("1 matching event has no coordinates and is not on the map.")
    elif data.unmapped:
        notes.append(
            f"{data.unmapped:,} matching events have no coordinates "
            "and are not on the map."
        )
    if data.truncated:
        notes.append(
            f"Only the {len(data.markers):,} busiest markers are drawn; "
            "narrow the filters to see the rest."
        )
    if any(m.geo_precision in ("admin1", "country") for m in data.markers):
        notes.append(
            "Paler markers stand for events placed only at a province or country "
            "centre, not where they happened."
        )
    return notes


# The page's plotly.js has no street-map trace: load Plotly's full bundle first, and
# only then let the server redraw the map (see dashboard/assets/load_plotly.js).
clientside_callback(
    f"""async function (basemap) {{
        if (basemap === "{Basemap.STREETS.value}") {{
            await window.trackerPlotly.loadFull();
        }}
        return basemap;
    }}""",
    Output(ids.MAP_BASEMAP_READY, "data"),
    Input(ids.MAP_BASEMAP, "value"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.MAP_GRAPH, "figure"),
    Input(ids.MAP_BASEMAP_READY, "data"),
    State(ids.MAP_FILTER, "data"),
    prevent_initial_call=True,
)
def update_map(basemap: str | None, query: str | None):
    """Redraw the markers over another basemap."""
    if basemap not in {b.value for b in Basemap}:
        return no_update
    event_filter = EventFilter.from_query_string(query or "")
    data = reads.map_data(event_filter)
    return events_map_figure(data.markers, event_filter, Basemap(basemap))


@callback(
    Output(ids.MAP_NAVIGATE, "href"),
    Input(ids.MAP_GRAPH, "clickData"),
    prevent_initial_call=True,
)
def on_marker_click(click: dict | None):
    """Open the clicked marker's event, or the list of the events at its place."""
    points = (click or {}).get("points") or [{}]
    href = (points[0].get("customdata") or [None])[0]
    # Only our own pages: the address comes back from the browser.
    if not isinstance(href, str) or not href.startswith("/events"):
        return no_update
    return href
