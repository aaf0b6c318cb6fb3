"""In Chromium: the actor filter finds an actor by an alias (issue 12).

Typing "Kremlin" in the actor filter offers Government of Russia (the seed registry
lists "the Kremlin" and "Kremlin" as its aliases); choosing it filters the timeline
to the seed events that actor is in, counted here in SQL."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import count_confirmed_events_of


def test_typing_an_alias_offers_the_actor_and_choosing_it_filters_the_timeline(
    page: Page, server: str, seeded_url: str, console_errors
):
    expected = count_confirmed_events_of(seeded_url, "Government of Russia")
    assert 1 < expected < 12  # a real narrowing of the 12 seed events
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    page.locator("#filter-actors").click()
    search = page.locator(".dash-dropdown-search")
    search.fill("Kremlin")
    option = page.get_by_role("option", name=re.compile(r"^Government of Russia"))
    expect(option).to_have_count(1)
    expect(option).to_contain_text("(alias: Kremlin)")
    option.click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"\?actors=Government\+of\+Russia$"))
    expect(page.locator("#timeline-summary")).to_have_text(
        re.compile(
            rf"^{expected} events · confirmed and disputed events actor "
            "Government of Russia"
        )
    )
    expect(page.locator("#app-nav-event-count")).to_have_text(f"{expected} events")
