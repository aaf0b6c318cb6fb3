"""In Chromium: the map draws the seed places over world shapes served by the app.

No request leaves 127.0.0.1, the console stays clean, and a click on a marker opens
its event or the list of the events at its place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.figures.map import MIN_MARKER_PX

STRIKE = "Ballistic-missile attack kills 14 Ukrainians, including 6 children"


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs or throws while the test runs."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def requests(page: Page) -> list[str]:
    """The URL of every request the page makes while the test runs."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def markers(page: Page):
    return page.locator("#map-graph .scattergeo path.point")


def click_marker(page: Page, place: str) -> None:
    """Click the marker whose hover label names `place`."""
    for index in range(markers(page).count()):
        markers(page).nth(index).hover(force=True)
        if place in (page.locator("#map-graph .hoverlayer").text_content() or ""):
            markers(page).nth(index).click(force=True)
            return
    raise AssertionError(f"no marker at {place}")


def test_map_draws_the_seed_places_over_shapes_served_by_the_app(
    page: Page, server: str, console_errors: list[str], requests: list[str]
):
    # The seed's places are in Europe: that region's shapes (map_regions.py).
    shapes = re.compile(r"/assets/topojson/\w+/europe_50m\.json$")
    with page.expect_response(shapes) as r:
        page.goto(server + "/map")
    assert r.value.ok
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible()
    expect(page.locator("#map-summary")).to_have_text(
        "5 of 12 events on the map at 2 places · confirmed and disputed events"
    )
    expect(markers(page)).to_have_count(2, timeout=15_000)
    expect(page.locator("#map-graph g.layer.land path").first).to_be_attached()
    # Istanbul (no deaths) keeps the minimum size; Ukraine (14 killed) is larger.
    widths = sorted(point.bounding_box()["width"] for point in markers(page).all())
    assert MIN_MARKER_PX <= widths[0] < widths[1]
    expect(page.locator("#map-notes")).to_contain_text(
        "7 matching events have no coordinates and are not on the map."
    )
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/export.csv"
    )
    expect(page.get_by_label("Outline (works offline)")).to_be_checked()
    outside = [url for url in requests if not url.startswith(server + "/")]
    assert outside == []
    assert console_errors == []


def test_clicking_the_istanbul_marker_lists_the_three_events_there(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/map")
    expect(markers(page)).to_have_count(2, timeout=15_000)
    click_marker(page, "Istanbul")
    expect(page).to_have_url(server + "/events?places=Istanbul")
    expect(page.locator("#events-count")).to_contain_text("3 events")
    assert console_errors == []


def test_clicking_a_single_event_marker_opens_the_event(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/map?min_fatalities=1")
    expect(page.locator("#map-summary")).to_contain_text("1 of 1 event")
    expect(markers(page)).to_have_count(1, timeout=15_000)
    click_marker(page, STRIKE)
    expect(page).to_have_url(server + "/events/6")
    expect(page.get_by_role("heading", name=STRIKE)).to_be_visible()
    assert console_errors == []


def test_map_with_no_match_says_so_and_draws_no_marker(
    page: Page, server: str, console_errors: list[str], requests: list[str]
):
    page.goto(server + "/map?text=words+no+event+uses")
    expect(page.locator("#map-summary")).to_have_text(
        "No events match these filters: widen or clear them."
    )
    expect(page.locator("#map-graph")).to_contain_text(
        "No events with coordinates match these filters."
    )
    expect(markers(page)).to_have_count(0)
    assert [url for url in requests if not url.startswith(server + "/")] == []
    assert console_errors == []
