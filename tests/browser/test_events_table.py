"""In Chromium: the events table of issue #14 over the seed plus 120 shelling events
(132 in all, three pages): columns chosen into the URL, the sort kept across a
reload and Back, paging by cursor, a row opened in a new tab, and an editor's bulk
tag recorded in the event's history; a viewer gets no selection at all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tracker.db import make_engine, session_scope
from tracker.models import EventCreate
from tracker.store.events import save_events

ADDED = 120


@pytest.fixture(scope="module")
def seeded_url(seeded_url: str) -> str:
    """The seed and ADDED shelling events, a day apart from 1 January 2024."""
    events = [
        EventCreate.model_validate(
            {
                "title": f"Shelling of village {n}",
                "event_type": "ASSAULT",
                "date_start": (dt.date(2024, 1, 1) + dt.timedelta(days=n)).isoformat(),
                "fatalities": {"best": n % 7},
                "location": {"name": "Avdiivka", "country": "UKR", "admin1": "Donetsk"},
                "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
                "dataset": "acled",
                "external_id": f"TABLE{n}",
            }
        )
        for n in range(ADDED)
    ]
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        save_events(session, events)
    engine.dispose()
    return seeded_url


def choose_column(page: Page, label: str) -> None:
    page.locator("#events-columns").click()
    # Filled at once, not typed: a key typed while the menu opens can be lost (in
    # CI "Initiators" became "Iitiators", and no option matched).
    page.locator(".dash-dropdown-search").fill(label)
    page.get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")


def first_row(page: Page):
    return page.locator('#events-grid .ag-center-cols-container [row-index="0"]')


def test_chosen_columns_show_and_live_in_the_url(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    expect(page.locator("#events-rows")).to_have_text("rows 1–50 of 132")
    choose_column(page, "Admin1")
    expect(page).to_have_url(re.compile(r"cols=admin1"))
    # The new URL draws the page anew: choose the next column in the new one.
    expect(page.get_by_role("columnheader", name="Admin1")).to_have_count(1)
    choose_column(page, "Initiators")
    expect(page).to_have_url(re.compile(r"cols=initiators%2Cadmin1"))
    expect(first_row(page)).to_contain_text("Donetsk")
    expect(first_row(page)).to_contain_text("Military Forces of Russia")
    page.reload()
    expect(page.get_by_role("columnheader", name="Initiators")).to_have_count(1)


def test_sort_survives_reload_and_back(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    expect(first_row(page)).to_contain_text("Shelling of village 0")
    # A click while the grid is still drawn from the page's load can be lost.
    page.wait_for_load_state("networkidle")
    page.get_by_role("columnheader", name="Killed").click()
    expect(page).to_have_url(re.compile(r"sort=fatalities_best&desc=1"))
    killed = page.get_by_role("columnheader", name="Killed")
    expect(killed).to_have_attribute("aria-sort", "descending")
    expect(first_row(page)).to_contain_text("14")  # the seed's deadliest attack
    page.reload()
    expect(page.get_by_role("columnheader", name="Killed")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(first_row(page)).to_contain_text("14")
    page.go_back()
    expect(page).to_have_url(server + "/events")
    expect(first_row(page)).to_contain_text("Shelling of village 0")


def test_paging_forward_back_and_to_the_last_page(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    rows = page.locator("#events-rows")
    page.get_by_role("link", name="Next ›").click()
    expect(rows).to_have_text("rows 51–100 of 132")
    expect(page).to_have_url(re.compile(r"page=2&after=2024-02-19%2C"))
    expect(first_row(page)).to_contain_text("Shelling of village 50")
    page.get_by_role("link", name="Last »").click()
    expect(rows).to_have_text("rows 101–132 of 132")
    expect(first_row(page)).to_contain_text("Shelling of village 100")
    page.get_by_role("link", name="‹ Previous").click()
    expect(rows).to_have_text("rows 51–100 of 132")
    expect(first_row(page)).to_contain_text("Shelling of village 50")
    page.go_back()
    expect(rows).to_have_text("rows 101–132 of 132")
    page.reload()
    expect(rows).to_have_text("rows 101–132 of 132")
    page.get_by_role("link", name="« First").click()
    expect(rows).to_have_text("rows 1–50 of 132")


def test_a_row_link_opens_its_event_in_a_new_tab(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    link = first_row(page).get_by_role("link", name="Open")
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        link.click()
    event_page = opened.value
    event_page.wait_for_load_state()
    assert re.search(r"/events/\d+$", event_page.url)
    expect(
        event_page.get_by_role("heading", name="Shelling of village 0")
    ).to_be_visible()
    expect(page).to_have_url(server + "/events")  # the table stays where it was


def test_an_editor_tags_two_rows_and_the_event_history_shows_it(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    rows = page.locator("#events-grid .ag-center-cols-container .ag-row")
    for index in (0, 1):
        rows.nth(index).get_by_role("checkbox").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_role("textbox", name="Tag").fill("checked-by-table")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_role("status")).to_have_text(
        "2 events tagged 'checked-by-table'."
    )
    expect(page.get_by_text("0 selected")).to_be_visible()
    first_row(page).get_by_role("gridcell").filter(
        has_text="Shelling of village 0"
    ).click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    history = page.locator("#event-history")
    expect(history).to_contain_text("checked-by-table")
    expect(history).to_contain_text("editor")
    expect(history).to_contain_text("events table")


def test_a_viewer_sees_no_selection_or_bulk_actions(anonymous_context, server: str):
    viewer = anonymous_context.new_page()
    log_in(viewer, server, "viewer")
    viewer.wait_for_url(server + "/")
    viewer.goto(server + "/events")
    expect(viewer.locator("#events-rows")).to_have_text("rows 1–50 of 132")
    expect(first_row(viewer)).to_contain_text("Shelling of village 0")
    expect(viewer.locator("#events-grid").get_by_role("checkbox")).to_have_count(0)
    expect(viewer.get_by_role("button", name="Add tag")).to_have_count(0)
    expect(viewer.get_by_role("button", name="Retract")).to_have_count(0)
