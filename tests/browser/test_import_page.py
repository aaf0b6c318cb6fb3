"""In Chromium: upload a file to the Import page, check its dry run, import, open it.

The file input is found by its label, as a screen reader would announce it; the
database behind the server is looked at directly to check what was (not) written."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from dashboard.pages import import_page
from dashboard.server import uploads
from tests.browser.conftest import count_events
from tests.conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data" / "import_page"
DEPOT = "Example: drone strike on a grain depot near Kupiansk"


def choose_file(page: Page, server: str, name: str, query: str = "") -> None:
    """Open the Import page and upload tests/data/import_page/<name>."""
    page.goto(server + "/import" + query)
    page.get_by_label("Choose a file to import").set_input_files(DATA / name)
    expect(page.get_by_text(f"File: {name}")).to_be_visible()


def test_opening_the_page_asks_the_server_for_no_import(
    page: Page, server: str, console_errors
):
    imports: list[str] = []
    dry_runs: list[str] = []

    def keep_imports(request) -> None:
        if "_dash-update-component" not in request.url:
            return
        if "import-dry-run" in json.loads(request.post_data or "{}")["output"]:
            dry_runs.append(request.post_data)
        inputs = json.loads(request.post_data or "{}").get("inputs", [])
        # An input is one component, or a list of them for a pattern.
        flat = [
            i for item in inputs for i in (item if isinstance(item, list) else [item])
        ]
        if any(i.get("id") == "import-run" for i in flat):
            imports.append(request.post_data)

    page.on("request", keep_imports)
    page.goto(server + "/import")
    expect(page.get_by_label("Choose a file to import")).to_be_attached()
    # The other requests of the page's opening have come and gone meanwhile.
    expect(page.locator("#app-nav-event-count")).to_contain_text("event")
    page.wait_for_timeout(500)
    assert imports == []
    # Nor a dry run of no file: the layout says so and keeps Import disabled.
    assert dry_runs == []
    expect(page.locator("#import-dry-run")).to_have_text(
        "Choose a file above to see what importing it would do."
    )
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()


# The invalid file comes first: its valid rows are then new to the database, so
# "nothing imported" means something.
def test_a_file_with_a_bad_row_shows_its_line_and_imports_nothing(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    choose_file(page, server, "new_events_bad_row.jsonl")
    dry_run = page.locator("#import-dry-run")
    expect(dry_run).to_contain_text("1 of 3 rows is invalid")
    expect(dry_run).to_contain_text("Importing writes nothing if any row is invalid")
    bad_row = dry_run.get_by_role("row").filter(has_text="2025-13-45")
    # Row (a spreadsheet's number: none for JSON Lines), then the line in the file.
    expect(bad_row.get_by_role("cell").nth(1)).to_have_text("2")
    expect(bad_row).to_contain_text("date_start")

    page.get_by_role("button", name="Import", exact=True).click()
    alert = page.locator("#import-result").get_by_role("alert")
    expect(alert).to_contain_text("Nothing was written: 1 of 3 rows is invalid.")
    expect(alert.get_by_role("row").filter(has_text="2025-13-45")).to_be_visible()
    assert count_events(seeded_url) == before


def test_upload_dry_run_import_then_open_an_imported_event(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    # The top bar counts proposed events here: the file's are, and it recounts
    # after the import (issue 14).
    choose_file(page, server, "new_events.jsonl", "?statuses=proposed")
    top_bar_count = page.locator("#app-nav-event-count")
    expect(top_bar_count).to_have_text(re.compile(r"^\d+ events?$"))
    proposed_before = int(top_bar_count.inner_text().split()[0].replace(",", ""))
    dry_run = page.locator("#import-dry-run")
    expect(dry_run).to_contain_text(re.compile(r"Detected: native"))
    expect(dry_run).to_contain_text("Every row is valid: importing adds 3 events")
    expect(dry_run).to_contain_text("Nothing has been written yet.")
    assert count_events(seeded_url) == before

    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("Imported new_events.jsonl.")
    # The file's events are proposals: the summary says they are not counted by
    # default and links to them (issue #12).
    expect(result).to_contain_text(
        "3 of these events are proposed: the figures, charts and exports count "
        "them only when the status filter ticks proposed."
    )
    # 3 events, the proposed events and the table
    expect(result.get_by_role("link")).to_have_count(5)
    proposed = result.get_by_role("link", name="Open the proposed events")
    assert proposed.get_attribute("href") == "/events?statuses=proposed"
    assert count_events(seeded_url) == before + 3
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    expect(top_bar_count).to_have_text(f"{proposed_before + 3:,} events")

    result.get_by_role("link", name=DEPOT).click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("heading", name=DEPOT)).to_be_visible()
    expect(
        page.get_by_text("Two workers were killed when a drone hit the depot.")
    ).to_be_visible()

    page.goto(server + "/events?statuses=proposed")
    expect(page.locator("#events-grid").get_by_text(DEPOT)).to_be_visible()


def test_a_file_over_the_size_limit_is_refused_in_the_browser(
    page: Page, server: str, tmp_path: Path, console_errors
):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(
            uploads.DEFAULT_IMPORT_LIMIT_BYTES + 1024 * 1024
        )  # sparse: quick
    page.goto(server + "/import")
    page.get_by_label("Choose a file to import").set_input_files(huge)
    expect(page.locator("#import-file")).to_have_text(
        "huge.csv is 51 MB, over the limit of 50 MB for uploads; import it with "
        "`tracker import` instead. Nothing was stored."
    )
    expect(page.locator("#import-dry-run")).to_have_text(import_page.NO_FILE)
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
