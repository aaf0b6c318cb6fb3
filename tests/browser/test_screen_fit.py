"""In Chromium: the dashboard fits a phone (375 px, nothing scrolls sideways) and uses
a wide screen (1920 px: the content is wider than 1,500 px); the filter panel
collapses; a viewer is offered no page for writing (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

PAGES = [
    "/",
    "/map",
    "/events",
    "/events?cols=initiators%2Cnotes%2Csource&sort=fatalities_best&desc=1",
    "/summary?period=week&by=actor",
    "/events/1",
    "/events/new",
    "/events/1/edit",
    "/events/3/edit",  # with a link row
    "/review",
    "/import",
    "/duplicates",
]


def settle(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def sideways(page: Page) -> int:
    """How many pixels the page is wider than its window."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone_without_scrolling_sideways(
    page: Page, server: str, path: str
):
    page.set_viewport_size({"width": 375, "height": 812})
    settle(page, server + path)
    assert sideways(page) == 0
    # The panel starts hidden on a phone, and the Filters button shows it.
    panel = page.locator("#filter-panel")
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Filters", exact=True).click()
    expect(panel).to_be_visible()
    assert sideways(page) == 0


@pytest.mark.parametrize("path", ["/", "/events", "/summary", "/map"])
def test_a_wide_screen_is_used(page: Page, server: str, path: str):
    page.set_viewport_size({"width": 1920, "height": 1080})
    settle(page, server + path)
    content = page.locator("main.content").bounding_box()
    assert content is not None and content["width"] > 1500
    assert sideways(page) == 0
    panel = page.locator("#filter-panel")
    expect(panel).to_be_visible()
    page.get_by_role("button", name="Filters", exact=True).click()
    expect(panel).to_be_hidden()
    assert page.locator("main.content").bounding_box()["width"] > 1800


def test_a_viewer_is_offered_no_page_for_writing(anonymous_context, server: str):
    page = anonymous_context.new_page()
    log_in(page, server, "viewer")
    page.wait_for_url(server + "/")
    nav = page.locator("nav.nav")
    expect(nav.get_by_role("link", name="Summary")).to_be_visible()
    expect(nav.get_by_role("link", name="Review")).to_have_count(0)
    expect(nav.get_by_role("link", name="Import")).to_have_count(0)
    expect(nav.get_by_role("link", name="Duplicates")).to_have_count(0)
    expect(page.get_by_role("link", name="Add event")).to_have_count(0)
    # The links that are there still carry the filter.
    page.get_by_role("option", name="ASSAULT").click()
    expect(nav.get_by_role("link", name="Summary")).to_have_attribute(
        "href", "/summary?event_types=ASSAULT"
    )


def test_an_editor_is_offered_review_and_import(page: Page, server: str):
    settle(page, server + "/")
    nav = page.locator("nav.nav")
    expect(nav.get_by_role("link", name="Review")).to_be_visible()
    expect(nav.get_by_role("link", name="Import")).to_be_visible()
    expect(nav.get_by_role("link", name="Duplicates")).to_be_visible()
