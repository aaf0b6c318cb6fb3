"""The plotly.js the dashboard serves (issue 19): a partial bundle of the traces its
figures draw, built from the plotly.js version Dash's Plotly would serve, at the
address Dash's renderer asks for; Plotly's full bundle beside it for the street map."""

from __future__ import annotations

import re
from pathlib import Path

import dash
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs_version

from dashboard.figures.map import Basemap, events_map_figure
from dashboard.pages import map as map_page
from dashboard.pages import timeline
from dashboard.server.plotly_bundle import (
    FULL_BUNDLE_PATH,
    PARTIAL_BUNDLE,
    PARTIAL_BUNDLE_FILE,
    PARTIAL_BUNDLE_PATH,
    full_bundle_file,
)
from tests.dashboard.conftest import request_as
from tracker.query.filters import EventFilter

# The one trace of our figures the partial bundle leaves to the full one.
ONLY_IN_FULL_BUNDLE = {"scattermap"}


def bundled_traces() -> set[str]:
    """The traces the bundle's recipe registers; scatter comes with plotly's core."""
    entry = (PARTIAL_BUNDLE / "entry.js").read_text(encoding="utf-8")
    return {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)}


def graph_figures(component) -> list:
    """Every figure of the dcc.Graphs in a layout tree."""
    found = []
    figure = getattr(component, "figure", None)
    if figure is not None:  # plain data for the charts built so (issue 19)
        found.append(go.Figure(figure) if isinstance(figure, dict) else figure)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += graph_figures(child)
    return found


def test_partial_bundle_is_the_plotly_js_version_plotly_ships():
    text = PARTIAL_BUNDLE_FILE.read_text(encoding="utf-8")
    assert f'.version="{get_plotlyjs_version()}"' in text
    assert text.startswith(f"/* plotly.js {get_plotlyjs_version()} with ")


def test_partial_bundle_holds_every_trace_the_pages_draw_but_the_street_map(app):
    with request_as(app, "/"):
        figures = graph_figures(timeline.layout())
        # The swimlanes figure is plain data (dashboard/figures/swimlanes.py).
        figures.append(go.Figure(timeline.update_swimlanes(8, "")[0]))
        figures += graph_figures(map_page.layout())
        figures.append(go.Figure(map_page.update_map(Basemap.STREETS.value, "")))
    drawn = {trace.type for figure in figures for trace in figure.data}
    assert {"bar", "scatter", "scattergeo", "scattermap"} <= drawn  # all were drawn
    assert drawn - ONLY_IN_FULL_BUNDLE <= bundled_traces()
    assert not ONLY_IN_FULL_BUNDLE & bundled_traces()


def test_street_map_is_the_only_figure_needing_the_full_bundle():
    figure = go.Figure(events_map_figure([], EventFilter(), Basemap.STREETS))
    assert {trace.type for trace in figure.data} <= bundled_traces()


def test_dash_plotly_address_serves_the_partial_bundle_and_revalidates(app):
    client = app.server.test_client()  # open without logging in: no data in it
    response = client.get("/" + PARTIAL_BUNDLE_PATH)
    assert response.status_code == 200
    assert response.data == PARTIAL_BUNDLE_FILE.read_bytes()
    assert response.mimetype == "text/javascript"
    assert response.cache_control.no_cache
    again = client.get(
        "/" + PARTIAL_BUNDLE_PATH, headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""


def test_full_bundle_is_served_beside_it_for_the_street_map(app):
    response = app.server.test_client().get("/" + FULL_BUNDLE_PATH)
    assert response.status_code == 200
    assert response.data == full_bundle_file().read_bytes()
    assert len(response.data) > 3 * PARTIAL_BUNDLE_FILE.stat().st_size


def test_dash_renderer_asks_for_plotly_at_the_address_answered_here():
    """Dash's renderer builds the address itself (serve_locally): if a Dash upgrade
    moves it, this fails instead of the full bundle coming back unnoticed."""
    renderer = Path(dash.__file__).parent / "dash-renderer/build/dash_renderer.min.js"
    assert (
        '"_dash-component-suites/plotly/package_data/plotly.min.js"'
        in renderer.read_text(encoding="utf-8")
    )
