"""In Chromium: an editor works the duplicates queue (issue 14, point 4): says one
pair is not a duplicate, merges another keeping the seed's strike, and reads both
decisions in the events' histories.

A GDELT report of the seed's strike (event 6) is imported with `tracker import`,
which flags it against the strike and against the month-long campaign (event 5)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import REPO_ROOT
from tests.dashboard.test_event_duplicates import GDELT_REPORT

STRIKE, CAMPAIGN = 6, 5


@pytest.fixture(scope="module")
def report(seeded_url: str, server: str, tmp_path_factory) -> int:
    """The GDELT report, imported (so flagged) while the server runs; its id."""
    path = tmp_path_factory.mktemp("gdelt") / "gdelt.jsonl"
    path.write_text(json.dumps(GDELT_REPORT) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", seeded_url]
        + ["import", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert "2 possible duplicates" in done.stdout + done.stderr
    return 13  # after the seed's 12 events


def card(page: Page, event_id: int):
    """The candidate card that shows event `event_id`."""
    return page.locator(".duplicate-pair").filter(has_text=f"Event #{event_id}")


def test_an_editor_dismisses_one_pair_merges_another_and_sees_the_history(
    page: Page, server: str, report: int, console_errors
):
    page.goto(server + "/")
    page.locator("nav.nav").get_by_role("link", name="Duplicates").click()
    count = page.locator("#duplicates-count")
    expect(count).to_contain_text("Candidates 1–2 of 2, likeliest first")
    message = page.locator("#duplicates-message")

    card(page, CAMPAIGN).get_by_role("button", name="Not a duplicate").click()
    expect(message).to_contain_text(f"#{CAMPAIGN} and #{report} stay separate events")
    expect(count).to_contain_text("Candidates 1–1 of 1")

    strike = card(page, STRIKE)
    expect(strike).to_contain_text("24–25 May 2025 (week)")
    strike.get_by_role(
        "button", name=f"Keep #{STRIKE}, merge #{report} into it"
    ).click()
    expect(message).to_contain_text(
        f"#{report} is retracted as a duplicate of #{STRIKE}"
    )
    expect(count).to_contain_text("No open duplicate candidates")

    page.goto(f"{server}/events/{report}")
    entries = page.locator("#event-history .history-entry")
    expect(entries.nth(0)).to_contain_text(
        f"merged by editor (duplicates queue: merged into event {STRIKE})"
    )
    expect(entries.nth(1)).to_contain_text("At version 1 · ")
    expect(entries.nth(1)).to_contain_text(
        f"marked not a duplicate by editor (duplicates queue: not a duplicate of "
        f"event {CAMPAIGN})"
    )
    page.goto(f"{server}/events/{CAMPAIGN}")
    expect(page.locator("#event-history .history-entry").nth(0)).to_contain_text(
        f"not a duplicate of event {report}"
    )
    page.goto(f"{server}/events/{STRIKE}")
    expect(page.locator("#event-history .history-entry").nth(0)).to_contain_text(
        f"event {report} merged into this one"
    )
