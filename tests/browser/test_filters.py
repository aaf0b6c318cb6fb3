"""In Chromium: the filter panel drives the URL, the charts and the count, and the URL
drives the panel (permalinks, reload, back and forward)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def summary(page: Page):
    return page.locator("#timeline-summary")


def open_page(page: Page, url: str) -> None:
    """Load a page and let its first callbacks settle before acting on it (a control
    changed before the panel has read the URL would be reset by that first read)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def count_is(n: int) -> re.Pattern[str]:
    """The summary's leading count exactly: "2 events" must not match "12 events"."""
    return re.compile(rf"^{n} events? ")


def test_ticking_a_type_changes_url_count_and_chart(
    page: Page, server: str, console_errors
):
    open_page(page, server + "/")
    expect(summary(page)).to_have_text(count_is(12))
    page.get_by_role("option", name="ASSAULT").click()
    expect(page).to_have_url(re.compile(r"\?event_types=ASSAULT$"))
    expect(summary(page)).to_contain_text(
        "3 events · confirmed and disputed events type ASSAULT"
    )
    expect(page.locator("#app-nav-event-count")).to_have_text("3 events")
    legend = page.locator("#timeline-events-over-time g.legend")
    expect(legend).to_contain_text("ASSAULT")
    expect(legend).not_to_contain_text("CONSULT")
    expect(page.get_by_role("button", name=re.compile("type: ASSAULT"))).to_be_visible()
    # The modes offered follow the ticked type: an assault's, not a meeting's.
    page.locator("#filter-modes").click()
    expect(page.get_by_role("option", name="drone", exact=True)).to_be_visible()
    expect(page.get_by_role("option", name="visit", exact=True)).to_have_count(0)
    page.keyboard.press("Escape")
    assert console_errors == []


def test_a_permalink_restores_the_filters_in_a_fresh_page(page: Page, server: str):
    open_page(page, server + "/?event_types=ACCUSE&event_types=THREATEN&text=Trump")
    expect(summary(page)).to_have_text(count_is(3))
    expect(page.get_by_role("option", name="ACCUSE")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.get_by_role("option", name="THREATEN")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.locator("#filter-text")).to_have_value("Trump")
    page.reload()
    expect(summary(page)).to_have_text(count_is(3))


def test_back_and_forward_restore_earlier_filters(page: Page, server: str):
    open_page(page, server + "/")
    page.get_by_role("option", name="CONSULT").click()
    expect(summary(page)).to_have_text(count_is(1))
    page.go_back()
    expect(page).to_have_url(server + "/")
    expect(summary(page)).to_have_text(count_is(12))
    expect(page.get_by_role("option", name="CONSULT")).to_have_attribute(
        "aria-selected", "false"
    )
    page.go_forward()
    expect(summary(page)).to_have_text(count_is(1))


DATE_PROPS = {"filter-since.date", "filter-until.date"}
SHELL_OUTPUTS = {"app-nav-event-count", "filter-countries"}


def test_opening_a_page_asks_nothing_of_the_shell_or_the_empty_date_pickers(
    page: Page, server: str
):
    # Dash's date picker reports `undefined` as it is drawn without a date; from a
    # null in the layout that was a change, and every page opened without dates
    # sent a request for it (issue 19). A date picked is still sent once. Nor
    # does an opened page ask for the top bar's count or the countries: its layout
    # holds them.
    changed: list[list[str]] = []
    outputs: list[str] = []

    def keep_changes(request) -> None:
        if "_dash-update-component" in request.url and request.post_data:
            body = json.loads(request.post_data)
            changed.append(body["changedPropIds"])
            outputs.append(body["output"])

    page.on("request", keep_changes)
    for address in ("/?datasets=seed", "/events/new", "/events?until=2022-12-31"):
        changed.clear()
        outputs.clear()
        open_page(page, server + address)
        expect(page.locator("#filter-since")).to_be_attached()
        page.wait_for_load_state("networkidle")
        assert [c for c in changed if DATE_PROPS & set(c)] == [], address
        assert [o for o in outputs if SHELL_OUTPUTS & set(o.split("."))] == [], address
    expect(page.locator("#app-nav-event-count")).not_to_be_empty()
    since = page.locator("#filter-since")
    since.fill("2022-03-01")
    since.press("Enter")
    expect(page).to_have_url(re.compile("since=2022-03-01"))
    assert ["filter-since.date"] in changed


def test_a_page_opens_without_asking_for_itself_and_routing_serves_the_rest(
    page: Page, server: str, console_errors
):
    # The opened page and the filter panel showing its address come inside the
    # layout (issue 19): Dash's routing callback is asked only for pages reached
    # within the page, here by a filter change, and the panel is set from the URL
    # only when the URL changes.
    routings: list[str] = []
    panel_settings: list[str] = []

    def keep_requests(request) -> None:
        body = request.post_data or ""
        if "_dash-update-component" not in request.url:
            return
        if "_pages_content" in body:
            routings.append(body)
        if '"changedPropIds":["app-url.search"]' in body:
            panel_settings.append(body)

    page.on("request", keep_requests)
    open_page(page, server + "/events/3?event_types=AGREE")
    expect(page.get_by_role("heading", level=1)).to_contain_text("prisoner swap")
    expect(page).to_have_title("Event · tracker")
    expect(page.get_by_role("option", name="AGREE")).to_have_attribute(
        "aria-selected", "true"
    )
    page.get_by_role("link", name="Timeline").click()  # a link: a page opened
    expect(summary(page)).to_have_text(count_is(2))
    expect(page).to_have_title("Timeline · tracker")
    page.wait_for_load_state("networkidle")
    assert (routings, panel_settings) == ([], [])
    page.get_by_role("option", name="CONSULT").click()
    expect(summary(page)).to_have_text(count_is(3))
    assert len(routings) == 1
    page.go_back()
    expect(summary(page)).to_have_text(count_is(2))
    expect(page.get_by_role("option", name="CONSULT")).to_have_attribute(
        "aria-selected", "false"
    )
    assert len(routings) == 2
    # Back to the page first opened: its own layout again, not the last one asked
    # for (the browser keeps no layout).
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("prisoner swap")
    assert console_errors == []


def test_search_text_chip_removal_and_clear_filters(page: Page, server: str):
    open_page(page, server + "/")
    search = page.locator("#filter-text")
    search.fill("prisoner swap")
    search.press("Enter")
    expect(summary(page)).to_have_text(count_is(2))
    page.get_by_role("button", name=re.compile("mentioning: prisoner swap")).click()
    expect(summary(page)).to_have_text(count_is(12))
    expect(search).to_have_value("")
    page.locator("#filter-min-fatalities").fill("1")
    page.locator("#filter-min-fatalities").press("Enter")
    expect(summary(page)).to_have_text(count_is(1))
    page.get_by_role("button", name="Clear filters").click()
    expect(summary(page)).to_have_text(count_is(12))
    expect(page).to_have_url(server + "/")


def test_navigation_keeps_the_filters_and_swimlane_click_opens_the_event(
    page: Page, server: str
):
    open_page(page, server + "/?event_types=ASSAULT")
    expect(page.get_by_role("link", name="Map")).to_have_attribute(
        "href", "/map?event_types=ASSAULT"
    )
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/export.csv?event_types=ASSAULT"
    )
    point = page.locator("#timeline-swimlanes g.scatterlayer path.point").first
    bar = page.locator("#timeline-swimlanes g.barlayer path").first
    (point if point.count() else bar).click(force=True)
    expect(page).to_have_url(re.compile(r"/events/\d+$"))


def test_date_filter_and_navigation_to_the_table_keep_the_same_events(
    page: Page, server: str
):
    open_page(page, server + "/")
    until = page.locator("#filter-until")
    until.fill("2025-05-20")
    until.press("Enter")
    expect(summary(page)).to_have_text(count_is(6))
    expect(page).to_have_url(re.compile(r"\?until=2025-05-20$"))
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page).to_have_url(re.compile(r"/events\?until=2025-05-20$"))
    expect(page.locator("#events-count")).to_contain_text("6 events")
    rows = page.locator("#events-grid .ag-center-cols-container .ag-row")
    expect(rows).to_have_count(6)


def choose(page: Page, dropdown_id: str, option: str) -> None:
    """Pick an option of a multi-select dropdown by searching for it, as an analyst
    does. The search is filled at once: a key typed while the menu opens can be
    lost (seen in CI for the events table's column chooser)."""
    page.locator(f"#{dropdown_id}").click()
    page.locator(".dash-dropdown-search").fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_acled_type_and_dataset_from_the_panel_reach_url_count_and_chips(
    page: Page, server: str, console_errors
):
    """The seed's ACLED pairs: Explosions/Remote violence twice (an air strike and a
    shelling), Strategic developments three times; every event in dataset seed."""
    open_page(page, server + "/")
    choose(page, "filter-acled-types", "Explosions/Remote violence")
    expect(summary(page)).to_have_text(count_is(2))
    page.wait_for_load_state("networkidle")  # the panel set from the new URL
    # The sub-event types offered are the chosen type's only.
    page.locator("#filter-acled-sub-types").click()
    expect(page.get_by_role("option", name=re.compile("Shelling"))).to_have_count(1)
    expect(page.get_by_role("option", name=re.compile(r"\(Battles\)"))).to_have_count(0)
    page.keyboard.press("Escape")
    choose(
        page, "filter-acled-sub-types", "Air/drone strike (Explosions/Remote violence)"
    )
    expect(summary(page)).to_have_text(count_is(1))
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(
        re.compile(
            r"\?acled_event_types=Explosions%2FRemote\+violence"
            r"&acled_sub_event_types=Air%2Fdrone\+strike$"
        )
    )
    choose(page, "filter-datasets", "ACLED")
    expect(summary(page)).to_have_text(count_is(0))
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name=re.compile("dataset: acled")).click()
    expect(summary(page)).to_have_text(count_is(1))
    assert console_errors == []


def test_a_permalink_of_the_analyst_codes_restores_every_control(
    page: Page, server: str
):
    open_page(
        page,
        server + "/events?acled_event_types=Strategic+developments&datasets=seed"
        "&admin1=Istanbul&tags=SEED&max_fatalities=5&actor_kinds=government",
    )
    # Two of the three agreements took place in Istanbul; none has a fatality
    # figure, and an unknown figure is not "at most 5".
    expect(page.locator("#events-count")).to_contain_text("0 events")
    page.get_by_role("button", name=re.compile("killed at most: 5")).click()
    expect(page.locator("#events-count")).to_contain_text("2 events")
    panel = page.locator("#filter-panel")
    for shown in ("Strategic developments", "Seed article", "Istanbul", "SEED"):
        expect(panel).to_contain_text(shown)
    expect(page.locator("#filter-actor-kinds")).to_contain_text("government")
    page.locator("#filter-civilians-targeted input").check()
    expect(page).to_have_url(re.compile(r"civilians_targeted=1"))
    expect(page.locator("#events-count")).to_contain_text("0 events")
