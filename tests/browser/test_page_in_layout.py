"""In Chromium: a page opened by its address shows without Dash's routing callback
(issue 19), and moving between pages in the browser still goes through it, back
button included."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

ROUTING_OUTPUT = "_pages_content.children"


def routing_requests(page: Page) -> list[str]:
    """The callback requests the page makes that fill Dash's page container."""
    seen: list[str] = []

    def record(request) -> None:
        if "_dash-update-component" in request.url:
            output = json.loads(request.post_data or "{}").get("output", "")
            if ROUTING_OUTPUT in output:
                seen.append(output)

    page.on("request", record)
    return seen


def test_opened_page_shows_without_routing_and_links_still_route(
    page: Page, server: str, console_errors: list[str]
):
    routed = routing_requests(page)
    page.goto(server + "/events")
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    expect(page.locator("#events-count")).to_contain_text("12 events")
    expect(page).to_have_title("Events · tracker")
    page.goto(server + "/events/1")
    expect(page.locator(".event-page")).to_contain_text("Event #1")
    expect(page).to_have_title("Event · tracker")
    assert routed == []

    page.get_by_role("link", name="Edit event").click()  # a dcc.Link: no reload
    expect(page.get_by_label("Title")).to_be_visible()
    expect(page).to_have_url(server + "/events/1/edit")
    expect(page).to_have_title("Edit event · tracker")
    assert len(routed) == 1

    page.go_back()
    expect(page.locator(".event-page")).to_contain_text("Event #1")
    expect(page).to_have_title("Event · tracker")
    assert len(routed) == 2
