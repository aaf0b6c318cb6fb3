"""In Chromium: the review queue. An article's proposals appear beside it with their
evidence marked; one is accepted after editing, one rejected; the accepted one is then
on the timeline and in the events table as confirmed, the rejected one gone.

The first test reviews hand-saved proposals, so it says what the page does whatever
extraction proposes; the second pastes the seed article and runs the real pipeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SEED_ARTICLE, require_shared
from tracker import review
from tracker.db import make_engine, session_scope
from tracker.extraction.proposals import Article, ProposedEvent
from tracker.query.events import get_event_record

TEXT = (
    "KYIV, 24 May 2025. A Russian drone struck a residential block in Kharkiv on "
    "Friday, killing two people, regional officials said. Ukraine said talks in "
    "Istanbul would resume in June."
)
STRIKE = "A Russian drone struck a residential block in Kharkiv on Friday"
TALKS = "Ukraine said talks in Istanbul would resume in June"
ARTICLE = Article(
    text=TEXT, published=dt.date(2025, 5, 24), url="https://news.example.org/review"
)


def proposal(quote: str, **fields) -> ProposedEvent:
    start = TEXT.index(quote)
    return ProposedEvent(**fields, quote=quote, start=start, end=start + len(quote))


def save_proposals(database_url: str) -> list[int]:
    strike = proposal(
        STRIKE,
        title="Drone strike on Kharkiv",
        event_type="ASSAULT",
        mode="drone",
        date_start=dt.date(2025, 5, 23),
        actors=[{"name": "Military Forces of Russia", "role": "initiator"}],
        location={
            "name": "Kharkiv",
            "country": "UKR",
            "latitude": 49.99,
            "longitude": 36.23,
        },
        fatalities=2,
        confidence=0.8,
    )
    talks = proposal(
        TALKS,
        title="Ukraine says Istanbul talks resume in June",
        event_type="CONSULT",
        date_start=dt.date(2025, 5, 24),
        actors=[{"name": "Government of Ukraine", "role": "initiator"}],
        confidence=0.6,
    )
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return review.save_article_proposals(session, ARTICLE, [strike, talks])
    finally:
        engine.dispose()


def status_of(database_url: str, event_id: int) -> tuple[str, str, list[str]]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            record = get_event_record(session, event_id)
            return record.status, record.title, record.tags
    finally:
        engine.dispose()


def card(page: Page, title: str):
    return page.locator(".proposal-card").filter(has_text=title)


def accept_after_editing(
    page: Page, title: str, new_title: str, *, looks_like: int | None = None
) -> None:
    """Edit and accept the proposal `title` under `new_title`; back to the queue.

    `looks_like`: the event the form warns it may duplicate (issue 12); it is then
    saved as a new event anyway."""
    card(page, title).get_by_role("link", name="Edit and accept").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Accept proposal"))
    ).to_be_visible()
    page.get_by_label("Title").fill(new_title)
    page.get_by_role("button", name="Save event").click()
    if looks_like is not None:
        warning = page.locator(".duplicate-warning")
        expect(warning).to_contain_text(f"Event {looks_like}: ")
        page.get_by_role("button", name="Save as a new event anyway").click()
    page.wait_for_url(re.compile(r"/review$"))


SWIMLANE_MARK = """([title, symbol]) => {
    // One style for the whole trace, or one for each mark.
    const markStyle = (style, i) => (Array.isArray(style) ? style[i] : style);
    const graph = document.querySelector("#timeline-swimlanes .js-plotly-plot");
    if (!graph || !graph.data) { return false; }
    return graph.data.some((trace) => (trace.customdata || []).some((data, i) =>
        data[1] === title && !String(data[3]).includes("proposed")
        && (trace.type !== "scatter" || markStyle(trace.marker.symbol, i) === symbol)));
}"""


def see_on_the_timeline_and_table(page: Page, server: str, title: str) -> None:
    """The accepted event is a confirmed row and a solid swimlane mark."""
    page.goto(server + "/events")
    row = page.locator("#events-grid [role=row]").filter(has_text=title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("confirmed")
    page.goto(server + "/")
    page.wait_for_function(SWIMLANE_MARK, arg=[title, "circle"], timeout=15_000)


def test_review_queue_accept_after_editing_and_reject(
    page: Page, server: str, seeded_url: str, console_errors
):
    strike_id, talks_id = save_proposals(seeded_url)
    page.goto(server + "/review")
    marks = page.locator("mark.evidence")
    expect(marks).to_have_count(2)
    expect(marks.first).to_have_text(STRIKE)
    expect(card(page, "Drone strike on Kharkiv")).to_contain_text("ASSAULT · drone")
    expect(card(page, "Drone strike on Kharkiv")).to_contain_text("proposed")

    card(page, "Istanbul talks").get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert").last).to_contain_text(
        f"Proposal {talks_id} rejected"
    )
    expect(page.locator(".proposal-card")).to_have_count(1)
    expect(page.locator("mark.evidence")).to_have_count(1)

    accept_after_editing(page, "Drone strike on Kharkiv", "Drone hits Kharkiv flats")
    expect(
        page.get_by_text("Every proposal of this article has been decided.")
    ).to_have_count(0)
    expect(page.locator(".proposal-card")).to_have_count(0)

    assert status_of(seeded_url, strike_id)[:2] == (
        "confirmed",
        "Drone hits Kharkiv flats",
    )
    status, _, tags = status_of(seeded_url, talks_id)
    assert status == "retracted" and "rejected" in tags
    see_on_the_timeline_and_table(page, server, "Drone hits Kharkiv flats")
    page.goto(server + "/events")
    expect(page.locator("#events-grid")).not_to_contain_text("Istanbul talks resume")


def test_review_of_the_seed_article_extracts_then_accepts_and_rejects(
    page: Page, server: str, seeded_url: str, console_errors
):
    pytest.importorskip("tracker.extraction.pipeline")
    text = (
        require_shared() / SEED_ARTICLE.relative_to(SEED_ARTICLE.parents[1])
    ).read_text(encoding="utf-8")
    page.goto(server + "/review")
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Published", exact=True).fill("2025-05-24")
    page.get_by_label("URL").fill("https://example.org/seed-article")
    page.get_by_role("button", name="Extract events").click()
    # The first extraction loads spaCy's model: allow it a minute.
    expect(page.get_by_role("alert").last).to_contain_text(
        "proposed from this article", timeout=60_000
    )
    cards = page.locator(".proposal-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 2
    expect(page.locator("mark.evidence").first).to_be_visible()

    rejected_title = cards.nth(1).locator("h3").inner_text().split("] ", 1)[1]
    cards.nth(1).get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert").last).to_contain_text("rejected")

    first_title = cards.first.locator("h3").inner_text().split("] ", 1)[1]
    # The first proposal, the Istanbul talks, is seed event 1 again (issue 12).
    accept_after_editing(
        page, first_title, "Reviewed: " + first_title[:200], looks_like=1
    )

    see_on_the_timeline_and_table(page, server, "Reviewed: " + first_title[:200])
    page.goto(server + "/events")
    expect(page.locator("#events-grid")).not_to_contain_text(rejected_title)
