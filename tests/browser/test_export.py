"""In Chromium: "Export CSV" on the filtered events page downloads exactly its rows."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from tracker.exporting import UTF8_BOM
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.formats.native.cells import CSV_COLUMNS


def test_export_csv_downloads_the_rows_of_the_filtered_table(page: Page, server: str):
    page.goto(server + "/events?event_types=ASSAULT")
    grid_rows = page.locator("#events-grid .ag-center-cols-container .ag-row")
    expect(grid_rows).to_have_count(3, timeout=15_000)
    on_screen = {grid_rows.nth(i).get_attribute("row-id") for i in range(3)}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV", exact=True).click()
    download = download_info.value

    assert download.failure() is None
    assert download.suggested_filename.startswith("tracker-events-")
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith(UTF8_BOM)
    reader = csv.DictReader(io.StringIO(text.removeprefix(UTF8_BOM)))
    rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert {row["event_type"] for row in rows} == {"ASSAULT"}
    assert [row["id"] for row in rows] == ["5", "12", "6"]
    assert {row["id"] for row in rows} == on_screen


def test_export_acled_csv_downloads_the_same_events_in_acled_columns(
    page: Page, server: str
):
    page.goto(server + "/events?event_types=ASSAULT")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export ACLED CSV").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.startswith("tracker-events-acled-")
    text = download.path().read_text(encoding="utf-8").removeprefix(UTF8_BOM)
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    assert tuple(reader.fieldnames) == ACLED_COLUMNS
    assert [row["event_id_cnty"] for row in rows] == ["TRK5", "TRK12", "TRK6"]
