"""In Chromium: a duplicate merged with `tracker duplicates merge` is in both events'
history, and restoring the kept event's version 1 brings back nothing retracted
(issue #12, point 2: the merge wrote no history, so "Restore this version 1" gave a
retracted event back).

A newsdesk file repeats seed event 6 (the strike that killed 14); the import flags
the pair, the CLI merges it into event 6, and the analyst reads both histories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.conftest import REPO_ROOT
from tracker.db import make_engine

STRIKE = 6
MAY = "/?since=2025-05-01&until=2025-05-31"


def _tracker(database_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", database_url, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    return done.stdout


def _sql(database_url: str, query: str, **params) -> list[tuple]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def merged(seeded_url: str, server: str, tmp_path_factory) -> int:
    """Import a newsdesk copy of the strike and merge it into event 6; its id."""
    seed = (REPO_ROOT / "seed_data" / "events.jsonl").read_text().splitlines()
    copy = json.loads(seed[STRIKE - 1])
    copy.update(
        dataset="newsdesk",
        external_id="nd-1",
        title="Missile strike kills 14, six of them children",
    )
    copy["sources"][0].update(publisher="Newsdesk", title="Fourteen killed")
    path: Path = tmp_path_factory.mktemp("newsdesk") / "newsdesk.jsonl"
    path.write_text(json.dumps(copy) + "\n", encoding="utf-8")
    _tracker(seeded_url, "import", str(path))
    [(copy_id,)] = _sql(seeded_url, "SELECT id FROM event WHERE dataset = 'newsdesk'")
    [(candidate,)] = _sql(
        seeded_url,
        "SELECT id FROM duplicate_candidate WHERE status = 'open' AND"
        " ((event_id = :a AND other_id = :b) OR (event_id = :b AND"
        " other_id = :a))",
        a=STRIKE,
        b=copy_id,
    )
    _tracker(seeded_url, "duplicates", "merge", str(candidate), "--keep", str(STRIKE))
    return copy_id


def _may_figures(database_url: str) -> tuple[int, int]:
    [(events, killed)] = _sql(
        database_url,
        "SELECT count(*), SUM(fatalities_best) FROM event"
        " WHERE status IN ('confirmed', 'disputed')"
        " AND COALESCE(date_end, date_start) >= '2025-05-01'"
        " AND date_start <= '2025-05-31'",
    )
    return events, killed


def test_a_merge_is_in_both_histories_and_restoring_version_1_revives_nothing(
    page: Page, server: str, seeded_url: str, merged: int, console_errors
):
    page.goto(f"{server}/events/{merged}")
    away = page.locator("#event-history .history-entry")
    expect(away).to_have_count(2)
    expect(away.nth(0)).to_contain_text("Version 2")
    expect(away.nth(0)).to_contain_text(f"merged into event {STRIKE}")
    expect(away.nth(0)).to_contain_text("confirmed → retracted")

    page.goto(f"{server}/events/{STRIKE}")
    kept = page.locator("#event-history .history-entry")
    expect(kept).to_have_count(2)
    expect(kept.nth(0)).to_contain_text(f"event {merged} merged into this one")
    expect(page.locator("body")).to_contain_text("Fourteen killed")  # cited now

    kept.nth(1).get_by_role("button", name="Restore this version").click()
    expect(page.locator("#event-history").get_by_role("alert")).to_contain_text(
        "Restored version 1: it is saved as version 3"
    )
    statuses = dict(
        _sql(
            seeded_url,
            "SELECT id, status FROM event WHERE id IN (:a, :b)",
            a=STRIKE,
            b=merged,
        )
    )
    assert statuses == {STRIKE: "confirmed", merged: "retracted"}
    events, killed = _may_figures(seeded_url)
    assert (events, killed) == (12, 14)
    page.goto(server + MAY)
    expect(page.locator("#timeline-headlines")).to_contain_text(f"{events}")
    headline = page.locator("#timeline-headlines .headline").nth(1)
    expect(headline.locator(".value")).to_have_text(f"{killed}")
