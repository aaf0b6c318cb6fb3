"""An event's history in a real browser: edit, see both versions, restore the first."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

ORIGINAL = re.compile(r"^Ballistic-missile attack kills 14")
CHANGED = "Missile strike on Sumy: fourteen dead"


def test_edit_then_restore_version_1_brings_the_title_back_recorded_as_a_revert(
    page: Page, server: str, console_errors
):
    page.goto(server + "/events/6/edit")
    expect(page.get_by_label("Title")).to_have_value(ORIGINAL)
    page.get_by_label("Title").fill(CHANGED)
    page.get_by_role("button", name="Save event").click()
    page.wait_for_url(re.compile(r"/events/6$"))

    history = page.locator("#event-history")
    entries = history.locator(".history-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Version 2")
    expect(entries.nth(0)).to_contain_text("edited by editor (dashboard form)")
    expect(entries.nth(0)).to_contain_text(f"→ {CHANGED}")
    expect(entries.nth(1)).to_contain_text("Version 1")

    entries.nth(1).get_by_role("button", name="Restore this version").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ORIGINAL)
    expect(history.get_by_role("alert")).to_contain_text(
        "Restored version 1: it is saved as version 3"
    )
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text("restored by editor (restored version 1)")
    expect(entries.nth(0)).to_contain_text(f"{CHANGED} → Ballistic-missile attack")
