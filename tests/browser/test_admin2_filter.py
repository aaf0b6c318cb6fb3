"""In Chromium: the Admin2 dropdown of the filter panel (issue 14) offers the districts
of the shared ACLED sample as an analyst types, and the one chosen reaches the URL,
the count and a chip, and comes back from the URL on reload."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_filters import choose, count_is, open_page, summary
from tests.conftest import REPO_ROOT, require_shared

SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
DISTRICT = "Pokrovskyi"


@pytest.fixture(scope="module")
def seeded_url(seeded_url: str) -> str:
    """The seeded database of every browser test, with the ACLED sample imported."""
    path = require_shared() / SAMPLE
    subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", seeded_url]
        + ["import", str(path)],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )
    return seeded_url


def events_in_district() -> int:
    """ACLED's rows naming the district, counted from the file (the seed names no
    district; the sample names no place by two)."""
    with (require_shared() / SAMPLE).open(encoding="utf-8", newline="") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["admin2"] == DISTRICT)


def test_choosing_a_district_filters_and_survives_a_reload(
    page: Page, server: str, console_errors
):
    expected = events_in_district()
    assert expected > 1
    open_page(page, server + "/")
    choose(page, "filter-admin2", DISTRICT)
    expect(summary(page)).to_have_text(count_is(expected))
    expect(page).to_have_url(re.compile(rf"\?admin2={DISTRICT}$"))
    chip = page.get_by_role("button", name=re.compile(f"admin2: {DISTRICT}"))
    expect(chip).to_be_visible()
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(summary(page)).to_have_text(count_is(expected))
    expect(page.locator("#filter-admin2")).to_contain_text(DISTRICT)
    assert console_errors == []
