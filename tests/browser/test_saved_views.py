"""In Chromium: an editor saves the page as a shared view from the account menu, a
viewer opens it from theirs and sees the same filter and settings, and a private
view stays private; an editor pins an annotation and its label is drawn on the
timeline's charts (issue 14)."""

from __future__ import annotations

import urllib.parse

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_screen_fit import sideways

SUMMARY = "/summary?event_types=ASSAULT&period=week&by=actor"


def save_view(page: Page, name: str, *, shared: bool) -> None:
    """Save the page as a view from the account menu."""
    menu = page.locator(".views-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    page.get_by_placeholder("Name").fill(name)
    share = page.get_by_label("Share with the team")
    share.check() if shared else share.uncheck()
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text(name)


def test_a_shared_view_saved_by_an_editor_opens_for_a_viewer(
    page: Page, server: str, anonymous_context
):
    page.goto(server + SUMMARY)
    page.wait_for_load_state("networkidle")
    save_view(page, "Assaults by actor, weekly", shared=True)
    save_view(page, "My own draft", shared=False)
    views = page.locator("#app-account-views")
    expect(views.get_by_role("link", name="My own draft")).to_be_visible()
    private_href = views.get_by_role("link", name="My own draft").get_attribute("href")

    viewer = anonymous_context.new_page()
    viewer.set_viewport_size({"width": 375, "height": 812})
    log_in(viewer, server, "viewer")
    viewer.wait_for_url(server + "/")
    viewer.locator(".views-menu summary").click()
    listed = viewer.locator("#app-account-views")
    expect(listed.get_by_role("link", name="My own draft")).to_have_count(0)
    assert sideways(viewer) == 0  # the open menu fits a phone
    listed.get_by_role("link", name="Assaults by actor, weekly").click()
    viewer.wait_for_url(server + SUMMARY)
    viewer.wait_for_load_state("networkidle")
    # The same filter (its chip) and the same table settings as the editor saved.
    expect(viewer.get_by_text("type: ASSAULT")).to_be_visible()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(viewer.url).query)
    assert query == {"event_types": ["ASSAULT"], "period": ["week"], "by": ["actor"]}

    refused = viewer.goto(server + private_href)
    assert refused.status == 403
    expect(viewer.get_by_text("private to editor")).to_be_visible()
    viewer.go_back()
    viewer.locator(".views-menu summary").click()
    # Only its owner (or an admin) is offered to delete a view.
    expect(viewer.locator(".view-delete")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    views.get_by_role("listitem").filter(has_text="My own draft").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("status").filter(has_text="View deleted")).to_be_visible()
    expect(views.get_by_role("link", name="My own draft")).to_have_count(0)
    expect(views.get_by_role("link", name="Assaults by actor, weekly")).to_be_visible()


def test_a_pinned_annotation_is_drawn_on_the_timeline_for_everyone(
    page: Page, server: str, anonymous_context
):
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    page.get_by_text("Pin an annotation").click()
    page.get_by_label("Label").fill("Istanbul talks")
    page.get_by_label("Date", exact=True).fill("2025-05-16")
    page.get_by_role("button", name="Pin", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Pinned")).to_be_visible()
    chart = page.locator("#timeline-events-over-time")
    expect(chart.locator(".annotation-text")).to_have_text(["Istanbul talks"])

    viewer = anonymous_context.new_page()
    log_in(viewer, server, "viewer")
    viewer.wait_for_url(server + "/")
    for chart_id in ("#timeline-events-over-time", "#timeline-score"):
        labels = viewer.locator(chart_id).locator(".annotation-text")
        expect(labels.filter(has_text="Istanbul talks")).to_have_count(1)
    expect(viewer.get_by_text("Pin an annotation")).to_have_count(0)
