"""In Chromium, issue 12: a likely duplicate is caught before it is written.

Over the seed data: the seed article's proposals are saved as `tracker extract --save`
does; "Edit and accept" on the 14-killed strike warns that it looks like seed event 6
and merges into it, leaving the May 2025 headline as it was; the Add event form
warns before saving the strike typed again; the timeline's banner counts the events
of open duplicate candidates and goes once they are dismissed."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.conftest import count_events
from tests.conftest import REPO_ROOT, SEED_ARTICLE, require_shared
from tracker.db import make_engine, session_scope
from tracker.matching.candidates import dismiss_candidate, list_duplicate_candidates
from tracker.query.events import get_event_record

SEED_STRIKE = "Ballistic-missile attack kills 14 Ukrainians, including 6 children"
PROPOSED_STRIKE = "Military Forces of Russia attacks Civilians (Ukraine) in Ukraine"
MAY = "/?since=2025-05-01&until=2025-05-31"
ARTICLE_TITLE = "Russia proposes second round of Ukraine peace talks amid war of words"


def may_in_sql(database_url: str) -> tuple[int, int, int]:
    """Independent count of May 2025: confirmed and disputed events overlapping the
    month, their fatalities (best, else low, else high) and children killed."""
    query = """
        SELECT count(*),
               coalesce(sum(coalesce(fatalities_best, fatalities_low,
                                     fatalities_high)), 0),
               coalesce(sum(children_killed), 0)
        FROM event
        WHERE status IN ('confirmed', 'disputed')
          AND date_start <= '2025-05-31'
          AND coalesce(date_end, date_start) >= '2025-05-01'"""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return tuple(session.execute(text(query)).one())
    finally:
        engine.dispose()


def headline(page: Page, server: str) -> tuple[int, int, int]:
    """Events, fatalities (best) and children killed as the timeline shows them."""
    page.goto(server + MAY)
    figures = page.locator("#timeline-headlines .headline")
    expect(figures.first).to_be_visible()
    read = {}
    for label in ("Events", "Fatalities (best)", "Children killed"):
        value = figures.filter(has=page.locator(".label", has_text=label))
        read[label] = int(value.locator(".value").inner_text().split(" ")[0])
    return read["Events"], read["Fatalities (best)"], read["Children killed"]


def save_seed_article_proposals(database_url: str) -> None:
    """`tracker extract` on the seed article, saving its proposals for review."""
    pytest.importorskip("tracker.extraction.pipeline")
    article = require_shared() / SEED_ARTICLE.relative_to(SEED_ARTICLE.parents[1])
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker",
            "--database-url",
            database_url,
            "extract",
            str(article),
            "--published",
            "2025-05-28",
            "--save",
        ],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )


def record(database_url: str, event_id: int):
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return get_event_record(session, event_id)
    finally:
        engine.dispose()


def test_accepting_the_seed_strike_warns_it_is_event_6_and_merges_into_it(
    page: Page, server: str, seeded_url: str, console_errors
):
    save_seed_article_proposals(seeded_url)
    assert headline(page, server) == may_in_sql(seeded_url) == (12, 14, 6)
    cited_before = len(record(seeded_url, 6).sources)

    page.goto(server + "/review")
    card = page.locator(".proposal-card").filter(has_text=PROPOSED_STRIKE)
    expect(card).to_have_count(1)
    proposal_id = int(card.get_attribute("id").removeprefix("proposal-"))
    card.get_by_role("link", name="Edit and accept").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Accept proposal"))
    ).to_be_visible()
    before = count_events(seeded_url)
    page.get_by_role("button", name="Save event").click()

    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text("This looks like")
    expect(warning).to_contain_text("nothing was saved yet")
    first = warning.locator(".likely-duplicate").first
    expect(first.get_by_role("link")).to_have_text(f"Event 6: {SEED_STRIKE}")
    expect(first.get_by_role("link")).to_have_attribute("href", "/events/6")
    expect(first).to_contain_text("24–25 May 2025 (week) · Ukraine")
    expect(first).to_contain_text("same fatalities (14); same children killed (6)")
    expect(
        page.get_by_role("button", name="Save as a new event anyway")
    ).to_be_visible()
    # Nothing is written before the analyst chooses.
    assert count_events(seeded_url) == before
    assert record(seeded_url, proposal_id).status == "proposed"

    first.get_by_role("button", name="Merge into event 6").click()
    page.wait_for_url(re.compile(r"/events/6$"))
    expect(page.get_by_text(ARTICLE_TITLE).first).to_be_visible()
    merged = record(seeded_url, proposal_id)
    assert merged.status == "retracted" and "merged" in merged.tags
    assert len(record(seeded_url, 6).sources) == cited_before + 1

    assert headline(page, server) == may_in_sql(seeded_url) == (12, 14, 6)
    page.goto(server + "/review")
    expect(
        page.locator(".proposal-card").filter(has_text=PROPOSED_STRIKE)
    ).to_have_count(0)


def choose(page: Page, label: str, option: str) -> None:
    """Open the dropdown labelled `label` and pick `option`."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("dialog").get_by_role("option", name=option).click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def type_the_strike_again(page: Page, server: str, title: str, url: str, quote: str):
    """Fill in the Add event form with seed event 6 as another report gives it."""
    page.goto(server + "/events/new")
    page.get_by_label("Title").fill(title)
    choose(page, "Event type", "ASSAULT")
    page.get_by_label("Start date").fill("2025-05-24")
    page.get_by_label("End date").fill("2025-05-25")
    page.get_by_label("Actor", exact=True).first.fill("Military Forces of Russia")
    page.get_by_label("Fatalities (best)").fill("14")
    page.get_by_label("Source URL").fill(url)
    page.get_by_label("Quote").fill(quote)


def test_add_form_warns_before_saving_the_seed_strike_again_then_saves_anyway(
    page: Page, server: str, seeded_url: str, console_errors
):
    before = count_events(seeded_url)
    type_the_strike_again(
        page,
        server,
        "Missile attack kills 14 in Ukraine",
        "https://example.org/strike-again",
        "14 people were killed, 6 of them children.",
    )
    anyway = page.get_by_role("button", name="Save anyway")
    expect(anyway).to_be_hidden()
    page.get_by_role("button", name="Save event").click()

    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text(f"Event 6: {SEED_STRIKE}")
    expect(warning).to_contain_text("shared actor Military Forces of Russia")
    expect(warning.get_by_role("button", name=re.compile("^Merge"))).to_have_count(0)
    expect(anyway).to_be_visible()
    assert page.url.endswith("/events/new")
    assert count_events(seeded_url) == before

    anyway.click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_text("Missile attack kills 14 in Ukraine").first).to_be_visible()
    assert count_events(seeded_url) == before + 1


def test_timeline_banner_counts_open_candidates_until_they_are_dismissed(
    page: Page, server: str, seeded_url: str, tmp_path, console_errors
):
    # Another desk's record of the seed strike: importing it flags the pair.
    strike = {
        "dataset": "newsdesk",
        "external_id": "nd-1",
        "title": "Missile strike kills 14 across Ukraine",
        "event_type": "ASSAULT",
        "date_start": "2025-05-24",
        "location": {"name": "Ukraine", "latitude": 49.0, "longitude": 32.0},
        "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
        "fatalities": {"best": 14},
        "sources": [{"url": "https://example.org/newsdesk", "quote": "14 killed."}],
    }
    path = tmp_path / "newsdesk.jsonl"
    path.write_text(json.dumps(strike) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", seeded_url]
        + ["import", str(path)],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )
    engine = make_engine(seeded_url)
    try:
        open_in_sql = """
            SELECT count(*) FROM event WHERE status IN ('confirmed', 'disputed')
              AND date_start <= '2025-05-31'
              AND coalesce(date_end, date_start) >= '2025-05-01'
              AND id IN (SELECT event_id FROM duplicate_candidate WHERE status = 'open'
                         UNION SELECT other_id FROM duplicate_candidate
                         WHERE status = 'open')"""
        with session_scope(engine) as session:
            expected = session.execute(text(open_in_sql)).scalar_one()
        assert expected >= 2
        page.goto(server + MAY)
        banner = page.locator("#timeline-duplicates")
        expect(banner).to_have_text(f"{expected} events may be counted twice: review")
        banner.get_by_role("link", name="review").click()
        page.wait_for_url(re.compile(r"/events/\d+$"))
        expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()

        with session_scope(engine) as session:
            for row in list_duplicate_candidates(session):
                dismiss_candidate(session, row.id)
    finally:
        engine.dispose()
    page.goto(server + MAY)
    expect(page.locator("#timeline-headlines")).to_be_visible()
    expect(page.locator("#timeline-duplicates")).to_be_hidden()
    expect(page.get_by_text("may be counted twice")).to_have_count(0)


def test_add_form_adds_the_new_report_s_source_to_event_6_instead_of_a_copy(
    page: Page, server: str, seeded_url: str, console_errors
):
    # Issue #12: the warning offers the merge, here for a report typed in by hand.
    before = count_events(seeded_url)
    may_before = may_in_sql(seeded_url)
    type_the_strike_again(
        page,
        server,
        "Fourteen killed by a missile, six children",
        "https://example.org/second-report",
        "A missile killed fourteen, six of them children.",
    )
    page.get_by_role("button", name="Save event").click()

    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text(f"Event 6: {SEED_STRIKE}")
    assert count_events(seeded_url) == before
    warning.get_by_role("button", name="Add its sources to event 6").click()

    page.wait_for_url(re.compile(r"/events/6$"))
    expect(
        page.get_by_text("A missile killed fourteen, six of them children.")
    ).to_be_visible()
    history = page.locator("#event-history .history-entry")
    expect(history.nth(0)).to_contain_text("a new report of this event")
    assert count_events(seeded_url) == before  # nothing is counted twice
    assert may_in_sql(seeded_url) == may_before
