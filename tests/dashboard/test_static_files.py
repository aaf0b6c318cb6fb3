"""Every file a page loads is kept by the browser until its address changes (issue
19): a return visit asks the server for none of them again. Each address names the
file's content, so a changed file is fetched at a new one."""

from __future__ import annotations

import re

from dashboard import ids
from dashboard.figures.map_regions import REGION_FILES
from dashboard.pages import map as map_page
from dashboard.server.plotly_bundle import PARTIAL_BUNDLE_FILE, full_bundle_file
from dashboard.server.polyfill import REGENERATOR_RUNTIME_FILE
from dashboard.server.static_files import WORLD_SHAPES
from dashboard.server.world_shapes import region_shapes_json
from tests.dashboard.conftest import client_as

A_YEAR_S = 365 * 24 * 3600


def kept_for(response) -> int:
    """How long the browser may reuse the answer without asking, in seconds."""
    control = response.cache_control
    if control.no_cache or control.no_store or control.max_age is None:
        return 0
    return control.max_age


def page_files(html: str) -> list[str]:
    """The scripts and stylesheets a page names."""
    scripts = re.findall(r'<script src="([^"]+)"', html)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    return scripts + sheets


def test_every_script_and_stylesheet_of_a_page_is_kept_for_a_year(app):
    client = client_as(app, "viewer")
    files = page_files(client.get("/").get_data(as_text=True))
    assert any("/polyfill@" in f for f in files)
    assert any(f.startswith("/assets/style.css?m=") for f in files)
    for address in files:
        response = client.get(address)
        assert response.status_code == 200, address
        assert kept_for(response) >= A_YEAR_S, address


def test_plotly_is_loaded_from_addresses_that_name_its_bytes(app):
    client = client_as(app, "viewer")
    html = client.get("/").get_data(as_text=True)
    for name, path in (
        ("tracker-plotly", PARTIAL_BUNDLE_FILE),
        ("tracker-plotly-full", full_bundle_file()),
    ):
        (address,) = re.findall(rf'<meta name="{name}" content="([^"]+)"', html)
        response = client.get("/" + address)
        assert response.data == path.read_bytes()
        assert kept_for(response) >= A_YEAR_S
        # The same file asked for without its digest, or with another one (a page
        # of an older version), is checked with the server every time.
        plain, _ = address.split("?")
        assert kept_for(client.get("/" + plain)) == 0
        assert kept_for(client.get("/" + plain + "?v=0123456789abcdef")) == 0


def test_the_polyfill_address_names_the_runtime_served_there(app):
    client = client_as(app, "viewer")
    files = page_files(client.get("/").get_data(as_text=True))
    (polyfill,) = [f for f in files if "polyfill@" in f]
    response = client.get(polyfill)
    assert response.data == REGENERATOR_RUNTIME_FILE.read_bytes()
    assert kept_for(response) >= A_YEAR_S
    assert kept_for(client.get(polyfill.split("?")[0])) == 0


def test_the_map_finds_its_world_shapes_at_an_address_kept_for_a_year(app):
    with app.server.test_request_context("/map"):
        page = map_page.layout()
    graph = next(c for c in page._traverse() if getattr(c, "id", None) == ids.MAP_GRAPH)
    shapes = graph.config["topojsonURL"]
    client = client_as(app, "viewer")
    for name in ("world_110m.json", "world_50m.json"):
        response = client.get(shapes + name)
        assert response.data == (WORLD_SHAPES / name).read_bytes()
        assert kept_for(response) >= A_YEAR_S
    # A region's shapes, cut from the world's (dashboard/server/world_shapes.py).
    response = client.get(shapes + "europe_50m.json")
    assert response.data == region_shapes_json(REGION_FILES["europe_50m.json"])
    assert response.mimetype == "application/json"
    assert kept_for(response) >= A_YEAR_S
    other_version = re.sub(r"/[0-9a-f]{16}/$", "/0123456789abcdef/", shapes)
    assert client.get(other_version + "world_50m.json").status_code == 404
    assert client.get(other_version + "europe_50m.json").status_code == 404
    assert client.get(shapes + "README.md").status_code == 404
    assert client.get(shapes + "usa_50m.json").status_code == 404
