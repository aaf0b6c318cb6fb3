"""In Chromium: the events table pages through the seed, sorts, and opens an event.

The event page reads like a report, links its events both ways, and says when an
event does not exist. No page logs a console error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

STRIKE = "Ballistic-missile attack kills 14 Ukrainians, including 6 children"


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs or throws while the test runs."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def data_rows(page: Page):
    """The grid's body rows (the header row has no grid cells)."""
    grid = page.locator("#events-grid")
    return grid.get_by_role("row").filter(has=page.get_by_role("gridcell"))


def test_events_page_lists_the_seed_events_with_their_count(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    expect(page.locator("#events-count")).to_contain_text("12 events")
    expect(data_rows(page)).to_have_count(12)
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/export.csv"
    )
    # The regenerator runtime stands in for Dash's Babel polyfill: the browser keeps
    # its own functions (core-js replaced String.prototype.trim).
    assert page.evaluate("typeof regeneratorRuntime.mark") == "function"
    assert "[native code]" in page.evaluate("String.prototype.trim.toString()")
    expect(page.get_by_role("link", name="Export ACLED CSV")).to_have_attribute(
        "href", "/export.csv?columns=acled"
    )
    first = page.locator('#events-grid [role=row][row-index="0"]')
    expect(first).to_contain_text("May 2025 (month)")
    assert console_errors == []


def test_sorting_by_fatalities_puts_the_deadliest_attack_first_and_opens_it(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events")
    expect(data_rows(page)).to_have_count(12)
    page.get_by_role("columnheader", name="Killed").click()
    killed_header = page.get_by_role("columnheader", name="Killed")
    expect(killed_header).to_have_attribute("aria-sort", "descending")
    first = page.locator('#events-grid [role=row][row-index="0"]')
    expect(first).to_contain_text(STRIKE)
    expect(first).to_contain_text("14")
    first.get_by_role("gridcell").filter(has_text=STRIKE).click()
    expect(page).to_have_url(re.compile(r"/events/6$"))
    expect(page.get_by_role("heading", name=STRIKE)).to_be_visible()
    assert console_errors == []


def test_filtered_events_page_shows_only_matching_rows(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events?event_types=ASSAULT")
    expect(page.locator("#events-count")).to_contain_text("3 events")
    expect(data_rows(page)).to_have_count(3)
    expect(page.get_by_role("link", name="Export ACLED CSV")).to_have_attribute(
        "href", "/export.csv?event_types=ASSAULT&columns=acled"
    )
    assert console_errors == []


def test_event_page_shows_the_strike_with_its_date_casualties_and_quote(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events/6")
    expect(page.get_by_role("heading", name=STRIKE)).to_be_visible()
    card = page.locator("#event-card")
    expect(card).to_contain_text("24–25 May 2025 (week)")
    children = page.locator(".casualties dt", has_text="Children killed")
    expect(children.locator("xpath=following-sibling::dd[1]")).to_have_text("6")
    expect(page.locator("blockquote")).to_contain_text(
        "14 Ukrainians, including 6 children, were killed in a ballistic missile attack"
    )
    expect(page.get_by_role("link", name="Edit event")).to_have_attribute(
        "href", "/events/6/edit"
    )
    assert console_errors == []


def test_event_page_of_the_threat_links_to_its_walk_back(
    page: Page, server: str, console_errors: list[str]
):
    page.goto(server + "/events/8")
    expect(page.get_by_role("heading", name="Linked events")).to_be_visible()
    walk_back = page.locator(".links li", has_text="walked back by")
    link = walk_back.get_by_role("link", name=re.compile(r"^#11 "))
    expect(link).to_have_attribute("href", "/events/11")
    link.click()
    expect(page).to_have_url(re.compile(r"/events/11$"))
    expect(page.locator(".links li", has_text="walks back")).to_contain_text("#8")
    assert console_errors == []


@pytest.mark.parametrize("event_id", ["999", "not-a-number"])
def test_event_page_of_an_unknown_event_says_not_found(
    page: Page, server: str, console_errors: list[str], event_id: str
):
    page.goto(server + f"/events/{event_id}")
    expect(page.get_by_role("heading", name="Event not found")).to_be_visible()
    expect(
        page.get_by_text(f"There is no event with the id {event_id}")
    ).to_be_visible()
    assert console_errors == []
