"""In Chromium: add, refuse and edit events through the forms, by their labels.

Every control is found by its visible label, as a screen reader would announce it.
The filter panel beside the form has its own controls (its "Modes" dropdown shows
"Any mode"), so the dropdowns are found by their exact label and their options in the
open dropdown (role dialog)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import count_events
from tracker.vocab import taxonomy


def choose(page: Page, label: str, option: str) -> None:
    """Open the dropdown labelled `label` and pick `option`."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("dialog").get_by_role("option", name=option).click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def open_form(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_label("Title")).to_be_visible()


def test_add_event_by_labels_then_find_it_on_its_page_and_in_the_table(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    open_form(page, server + "/events/new")
    page.get_by_label("Title").fill("Drone strike on a village near Kupiansk")
    choose(page, "Event type", "ASSAULT")
    page.get_by_label("Mode", exact=True).click()
    offered = page.get_by_role("dialog").get_by_role("option").all_inner_texts()
    assert offered == list(taxonomy.modes_for("ASSAULT"))
    page.get_by_role("dialog").get_by_role("option", name="drone", exact=True).click()
    page.get_by_label("Start date").fill("2025-06-02")
    page.get_by_label("Location").fill("Village near Kupiansk")
    page.get_by_label("Latitude").fill("49.71")
    page.get_by_label("Longitude").fill("37.61")
    page.get_by_label("Actor", exact=True).first.fill("Russian forces")
    page.get_by_role("button", name="Add actor").click()
    expect(page.get_by_label("Actor", exact=True)).to_have_count(3)
    page.get_by_label("Actor", exact=True).last.fill("Civilians of Kupiansk district")
    page.get_by_label("Fatalities (best)").fill("2")
    page.get_by_label("Source URL").fill("https://example.org/kupiansk")
    page.get_by_label("Quote").fill("Two people were killed by a drone.")
    page.get_by_role("button", name="Save event").click()

    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_text("Drone strike on a village near Kupiansk")).to_be_visible()
    expect(page.get_by_text("Two people were killed by a drone.")).to_be_visible()
    expect(page.get_by_text("Civilians of Kupiansk district")).to_be_visible()
    assert count_events(seeded_url) == before + 1

    page.goto(server + "/events")
    grid = page.locator("#events-grid")
    expect(grid.get_by_text("Drone strike on a village near Kupiansk")).to_be_visible()


def test_choosing_a_gazetteer_town_fills_in_country_and_coordinates(
    page: Page, server: str, console_errors
):
    open_form(page, server + "/events/new")
    page.get_by_label("Location").fill("Kharkiv")
    page.get_by_role("button", name="Find place").click()
    page.get_by_role("button", name=re.compile(r"^Kharkiv, UKR .*gazetteer")).click()
    expect(page.get_by_label("Latitude")).to_have_value(re.compile(r"^49\.98"))
    expect(page.get_by_label("Longitude")).to_have_value(re.compile(r"^36\.25"))
    expect(page.get_by_label("Country (ISO3)")).to_have_value("UKR")


def test_invalid_input_names_the_field_and_reason_next_to_it_and_saves_nothing(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    open_form(page, server + "/events/new")
    page.get_by_label("Title").fill("A strike placed off the map")
    choose(page, "Event type", "ASSAULT")
    page.get_by_label("Start date").fill("2025-06-02")
    page.get_by_label("Location").fill("Nowhere")
    page.get_by_label("Latitude").fill("123")
    page.get_by_label("Longitude").fill("37.61")
    page.get_by_label("Source URL").fill("https://example.org/nowhere")
    page.get_by_role("button", name="Save event").click()

    latitude_field = page.locator(".field").filter(has=page.get_by_label("Latitude"))
    expect(latitude_field.locator(".field-error")).to_have_text(
        "Latitude: must be at most 90"
    )
    expect(page.get_by_role("alert").first).to_contain_text("nothing was saved")
    assert page.url.endswith("/events/new")
    assert count_events(seeded_url) == before

    # Fixing the latitude brings the next rule up: the end date before the start.
    page.get_by_label("Latitude").fill("49.71")
    page.get_by_label("End date").fill("2025-06-01")
    page.get_by_role("button", name="Save event").click()
    end_field = page.locator(".field").filter(has=page.get_by_label("End date"))
    expect(end_field.locator(".field-error")).to_contain_text(
        "must not be before the start date (2025-06-02)"
    )
    expect(latitude_field.locator(".field-error")).to_be_empty()
    assert count_events(seeded_url) == before


def test_edit_an_event_title_and_see_it_on_its_page(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    open_form(page, server + "/events/6/edit")
    expect(page.get_by_label("Title")).to_have_value(
        re.compile(r"^Ballistic-missile attack kills 14")
    )
    expect(page.get_by_label("Event type", exact=True)).to_contain_text("ASSAULT")
    page.get_by_label("Title").fill(
        "Ballistic-missile strike kills 14, six of them children"
    )
    page.get_by_role("button", name="Save event").click()

    page.wait_for_url(re.compile(r"/events/6$"))
    new_title = "Ballistic-missile strike kills 14, six of them children"
    # The heading: the history below it names the new title too.
    expect(page.get_by_role("heading", name=new_title)).to_be_visible()
    assert count_events(seeded_url) == before


def test_edit_form_of_unknown_event_says_so(page: Page, server: str, console_errors):
    page.goto(server + "/events/999/edit")
    expect(page.get_by_role("heading", name="Event not found")).to_be_visible()
    expect(page.get_by_text("no event with id 999")).to_be_visible()
