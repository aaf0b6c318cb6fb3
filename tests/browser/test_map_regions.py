"""In Chromium: a regional map drawn from its region's shapes is the map the world's
shapes gave (issue 19). The region's file holds far fewer points for plotly.js to
project (dashboard/server/world_shapes.py); the picture, for a view in each region,
must not change: pixel for pixel, but for the anti-aliasing of the shapes' edges."""

from __future__ import annotations

import base64
import json

import plotly.io as pio
import pytest
from playwright.sync_api import Browser, Page

from dashboard.figures.map import events_map_figure
from dashboard.server.plotly_bundle import PARTIAL_BUNDLE_FILE
from dashboard.server.static_files import world_shapes_address
from tests.dashboard.test_map_page import marker
from tracker.query.filters import EventFilter

PLACES = {
    "Ukraine": [(50.45, 30.52), (49.99, 36.23), (46.48, 30.72)],
    "Gaza": [(31.5, 34.47)],
    "the Sahel": [(16.27, -0.04), (13.51, 2.11)],
    "Myanmar": [(16.8, 96.2), (21.97, 96.08)],
    "Colombia": [(4.71, -74.07), (6.25, -75.56)],
    "Mexico": [(24.8, -107.39), (19.43, -99.13)],
}
EXPECTED_SCOPE = {
    "Ukraine": "europe",
    "Gaza": "asia",
    "the Sahel": "africa",
    "Myanmar": "oceania",
    "Colombia": "south america",
    "Mexico": "north america",
}

DRAW = """async ([figure, shapes]) => {
    const graph = document.getElementById('graph');
    Plotly.purge(graph);
    await Plotly.newPlot(graph, figure.data, figure.layout,
                         {topojsonURL: shapes, staticPlot: true});
}"""

# The two pictures' pixels, compared in the browser (which decodes PNG).
COMPARE = """async ([first, second]) => {
    const load = (data) => new Promise((done) => {
        const image = new Image();
        image.onload = () => done(image);
        image.src = 'data:image/png;base64,' + data;
    });
    const images = [await load(first), await load(second)];
    const [width, height] = [images[0].width, images[0].height];
    const pixels = images.map((image) => {
        const canvas = new OffscreenCanvas(width, height).getContext('2d');
        canvas.drawImage(image, 0, 0);
        return canvas.getImageData(0, 0, width, height).data;
    });
    let differing = 0, largest = 0;
    for (let i = 0; i < pixels[0].length; i += 4) {
        let difference = 0;
        for (let c = 0; c < 3; c++) {
            difference += Math.abs(pixels[0][i + c] - pixels[1][i + c]);
        }
        if (difference) differing++;
        largest = Math.max(largest, difference);
    }
    return {sameSize: images[1].width === width && images[1].height === height,
            share: differing / (width * height), largest: largest};
}"""


@pytest.fixture(scope="module")
def map_page(browser: Browser, server: str) -> Page:
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.goto(server + "/assets/style.css")  # the app's origin, for the shapes
    page.set_content("<div id='graph' style='width: 1000px; height: 600px'></div>")
    page.add_script_tag(path=str(PARTIAL_BUNDLE_FILE))
    yield page
    page.close()


def picture(page: Page, figure: dict, shapes: str) -> str:
    page.evaluate(DRAW, [figure, shapes])
    return base64.b64encode(page.locator("#graph").screenshot()).decode()


@pytest.mark.parametrize("view", PLACES)
def test_a_regions_shapes_draw_the_map_the_worlds_did(map_page, server, view):
    markers = [
        marker(location_id=i, latitude=lat, longitude=lon)
        for i, (lat, lon) in enumerate(PLACES[view])
    ]
    figure = json.loads(pio.to_json(events_map_figure(markers, EventFilter())))
    geo = figure["layout"]["geo"]
    assert (geo["scope"], geo["resolution"]) == (EXPECTED_SCOPE[view], 50)
    shapes = server + world_shapes_address("/")
    from_region = picture(map_page, figure, shapes)
    del geo["scope"]  # the same view from the whole world's 1:50m shapes
    from_world = picture(map_page, figure, shapes)
    compared = map_page.evaluate(COMPARE, [from_region, from_world])
    assert compared["sameSize"]
    # Rounding to 4 decimals moves an edge's anti-aliasing by a shade, no more.
    assert compared["largest"] <= 60, compared
    assert compared["share"] < 0.01, compared
