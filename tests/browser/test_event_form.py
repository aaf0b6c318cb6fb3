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


def offered_options(page: Page) -> list[str]:
    """The options of the open dropdown, once the server has sent them: they follow
    another field, so they come in a moment after that field was chosen."""
    options = page.get_by_role("dialog").get_by_role("option")
    expect(options.first).to_be_visible()
    return options.all_inner_texts()


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
    assert offered_options(page) == list(taxonomy.modes_for("ASSAULT"))
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


def test_opening_the_form_asks_the_server_for_no_save(
    page: Page, server: str, console_errors
):
    saves: list[str] = []

    def keep_saves(request) -> None:
        body = request.post_data or ""
        if "_dash-update-component" in request.url and '"event-form-save"' in body:
            saves.append(body)

    page.on("request", keep_saves)
    open_form(page, server + "/events/new")
    # The other requests of the page's opening have come and gone meanwhile.
    expect(page.locator("#app-nav-event-count")).to_contain_text("event")
    page.wait_for_timeout(500)
    assert saves == []
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("#event-form-summary")).to_contain_text("Title")
    assert len(saves) == 1  # the click is the save, and only it


def suggestions(page: Page):
    """The options of the actor boxes' list of suggestions."""
    return page.locator("#event-form-actor-names option")


def test_typing_an_actor_suggests_registry_names_and_aliases(
    page: Page, server: str, seeded_url: str, console_errors
):
    open_form(page, server + "/events/new")
    expect(suggestions(page)).to_have_count(0)  # nothing sent before typing
    actor = page.get_by_label("Actor", exact=True).first
    actor.press_sequentially("forces of")
    expect(suggestions(page)).to_have_count(2)
    values = [o.get_attribute("value") for o in suggestions(page).all()]
    assert values == ["Military Forces of Russia", "Military Forces of Ukraine"]
    # Found by an alias: the name is filled in, the alias says why.
    actor.fill("")
    actor.press_sequentially("Kremlin")
    expect(suggestions(page)).to_have_count(1)
    expect(suggestions(page)).to_have_attribute("value", "Government of Russia")
    expect(suggestions(page)).to_have_attribute(
        "label", "Government of Russia (alias: Kremlin)"
    )
    actor.fill("")
    expect(suggestions(page)).to_have_count(0)
    assert console_errors == []


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
    expect(page.get_by_label("District (admin2)")).to_have_value("")  # none known


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


def field_error(page: Page, label: str):
    """The message place next to the control labelled `label`."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def choose_link(page: Page, row: int, relation: str, search: str, event: str) -> None:
    """In link row `row`, choose `relation`, then the event found by typing `search`."""
    page.get_by_label("Relation", exact=True).nth(row).click()
    page.get_by_role("dialog").get_by_role("option", name=relation).click()
    page.get_by_label("Linked event", exact=True).nth(row).click()
    page.get_by_role("dialog").locator(".dash-dropdown-search").fill(search)
    option = page.get_by_role("dialog").get_by_role("option", name=re.compile(event))
    expect(option).to_have_count(1)
    option.click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_several_mistakes_are_all_shown_at_once_and_nothing_is_saved(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    open_form(page, server + "/events/new")
    choose(page, "Event type", "ASSAULT")
    page.get_by_label("Start date").fill("2025-06-02")
    page.get_by_label("End date").fill("2025-06-01")
    page.get_by_label("Location").fill("Nowhere")
    page.get_by_label("Latitude").fill("123")
    page.get_by_label("Longitude").fill("37.61")
    page.get_by_label("Fatalities (best)").fill("1")
    page.get_by_label("Children killed").fill("4")
    page.get_by_label("Source URL").fill("https://example.org/nowhere")
    page.get_by_role("button", name="Add link").click()
    page.get_by_label("Relation", exact=True).click()
    page.get_by_role("dialog").get_by_role("option", name="walks back").click()
    page.get_by_role("button", name="Save event").click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "5 problems; nothing was saved"
    )
    expected = {
        "Title": "Title: is required",
        "End date": "End date (2025-06-01) must not be before the start date",
        "Latitude": "Latitude: must be at most 90",
        "Children killed": "Children killed (4) exceeds the fatalities given (1)",
    }
    for label, message in expected.items():
        expect(field_error(page, label).locator(".field-error")).to_contain_text(
            message
        )
    expect(page.locator(".repeat-row .field-error").last).to_have_text(
        "Linked event: choose the event it links to"
    )
    assert page.url.endswith("/events/new")
    assert count_events(seeded_url) == before


def test_add_with_acled_pair_tags_and_a_link_then_edit_them(
    page: Page, server: str, seeded_url: str, console_errors
):
    open_form(page, server + "/events/new")
    page.get_by_label("Title").fill("Shelling of the Kupiansk bridge")
    choose(page, "Event type", "ASSAULT")
    choose(page, "ACLED type", "Explosions/Remote violence")
    page.get_by_label("ACLED sub-type", exact=True).click()
    subs = taxonomy.acled_event_types()["Explosions/Remote violence"]
    assert offered_options(page) == list(subs)
    page.get_by_role("dialog").get_by_role(
        "option", name="Shelling/artillery/missile attack"
    ).click()
    page.get_by_label("Start date").fill("2025-06-03")
    page.get_by_label("Source URL").fill("https://example.org/bridge")
    page.get_by_label("Quote").fill("Shells hit the bridge.")
    page.get_by_label("Tags").fill("bridge, Istanbul talks")
    page.get_by_role("button", name="Add link").click()
    choose_link(page, 0, "follows up", "large prisoner", r"^#3 Russia and Ukraine")
    page.get_by_role("button", name="Save event").click()

    page.wait_for_url(re.compile(r"/events/\d+$"))
    event_url = page.url
    facts = page.locator(".facts")
    expect(facts).to_contain_text(
        "Explosions/Remote violence — Shelling/artillery/missile attack"
    )
    expect(facts).to_contain_text("Istanbul talks, bridge")
    expect(page.locator("ul.links").first).to_contain_text(
        "follows up #3 Russia and Ukraine agree a large prisoner swap"
    )

    page.goto(event_url + "/edit")
    expect(page.get_by_label("Tags")).to_have_value("Istanbul talks, bridge")
    expect(page.get_by_label("Linked event", exact=True)).to_contain_text("#3 Russia")
    choose(page, "ACLED type", "Battles")
    choose(page, "ACLED sub-type", "Armed clash")
    page.get_by_label("Tags").fill("bridge, ceasefire")
    page.get_by_role("button", name="Add link").click()
    choose_link(page, 1, "responds to", "1", r"^#1 Russian and Ukrainian delegations")
    page.get_by_role("button", name="Save event").click()

    page.wait_for_url(event_url)
    expect(facts).to_contain_text("Battles — Armed clash")
    expect(facts).to_contain_text("bridge, ceasefire")
    links = page.locator("ul.links").first
    expect(links).to_contain_text("follows up #3 Russia and Ukraine agree")
    expect(links).to_contain_text("responds to #1 Russian and Ukrainian delegations")


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
