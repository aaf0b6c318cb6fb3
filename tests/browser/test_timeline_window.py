"""In Chromium: a date filter keeps every figure and chart inside the window, and the
headline counts what it says it counts (issue #12, points 1 and 5).

Filtering 1-31 May 2025 once showed a January bar and "Date span 1 Jan 2025 -
28 May 2025" because an event dated "since January" overlaps May. The event is in
the window's figures; the charts, the span and the bins stay in May, and a note
says where it is counted. Its proposal twin (status proposed) and a retracted
copy are written too: neither is counted until the status filter asks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tracker.db import make_engine, session_scope
from tracker.models import EventCreate
from tracker.store.events import create_event
from tracker.store.history import Author

MAY = "/?since=2025-05-01&until=2025-05-31"
TICK = re.compile(r"^\d{1,2} ([A-Z][a-z]{2}) (\d{4})$")
COUNTED = "status IN ('confirmed', 'disputed')"
IN_MAY = "COALESCE(date_end, date_start) >= '2025-05-01' AND date_start <= '2025-05-31'"


def _offensive(status: str) -> EventCreate:
    return EventCreate.model_validate(
        {
            "dataset": "form",
            "title": f"Offensive on the eastern front since January ({status})",
            "event_type": "ASSAULT",
            "date_start": "2025-01-01",
            "date_end": "2025-05-28",
            "date_precision": "month",
            "status": status,
            "fatalities": {"best": 40},
            "location": {"name": "Pokrovsk", "country": "UKR", "admin1": "Donetsk"},
            "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
        }
    )


@pytest.fixture(scope="module")
def since_january(seeded_url: str, server: str) -> str:
    """The seed plus an offensive 'since January' (confirmed, proposed, retracted)."""
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        for status in ("confirmed", "proposed", "retracted"):
            create_event(session, _offensive(status), author=Author("test", "test"))
    engine.dispose()
    return seeded_url


def _sql(database_url: str, query: str) -> tuple:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).one()
    finally:
        engine.dispose()


def _headline(page: Page, label: str) -> str:
    card = page.locator("#timeline-headlines .headline").filter(
        has=page.locator(".label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return card.locator(".value").inner_text()


def _tick_months(page: Page, chart: str) -> set[tuple[str, str]]:
    ticks = f"#{chart} g.xtick text, #{chart} g.x2tick text"
    labels = page.locator(ticks).all_text_contents()
    assert labels, f"{chart} has x tick labels"
    months = set()
    for label in labels:
        match = TICK.match(label.strip())
        assert match, f"{chart}: {label!r} is not a day label"
        months.add(match.groups())
    return months


def test_may_window_keeps_the_january_offensive_inside_may(
    page: Page, server: str, since_january: str, console_errors
):
    events, killed = _sql(
        since_january,
        f"SELECT count(*), SUM(fatalities_best) FROM event WHERE {COUNTED}"
        f" AND {IN_MAY}",
    )
    page.goto(server + MAY)
    expect(
        page.locator("#timeline-events-over-time g.barlayer g.trace").first
    ).to_be_attached(timeout=15_000)
    assert _headline(page, "Confirmed and disputed events") == f"{events:,}"
    assert _headline(page, "Fatalities (best)") == f"{killed:,}"
    assert _headline(page, "Date span").startswith("1 May 2025 – ")
    expect(page.locator("#timeline-window-note")).to_have_text(
        "1 event began before 1 May 2025 and ran into the chosen dates; "
        "each is counted on that first day."
    )
    for chart in ("timeline-events-over-time", "timeline-score", "timeline-fatalities"):
        assert _tick_months(page, chart) == {("May", "2025")}, chart
    # The swimlanes are drawn after the page is up.
    expect(page.locator("#timeline-swimlanes g.xtick text").first).to_be_attached(
        timeout=15_000
    )
    assert _tick_months(page, "timeline-swimlanes") <= {
        ("May", "2025"),
        ("Jun", "2025"),  # the tick after 28 May can fall on 1 June
    }


def test_proposals_count_only_when_the_status_filter_asks(
    page: Page, server: str, since_january: str
):
    (confirmed,) = _sql(since_january, f"SELECT count(*) FROM event WHERE {COUNTED}")
    (with_proposed,) = _sql(
        since_january,
        "SELECT count(*) FROM event WHERE status IN ('confirmed', 'proposed')",
    )
    page.goto(server + "/")
    expect(page.locator("#timeline-summary")).to_contain_text(
        f"{confirmed} events · confirmed and disputed events"
    )
    page.goto(server + "/?statuses=confirmed&statuses=proposed")
    expect(page.locator("#timeline-summary")).to_contain_text(
        f"{with_proposed} events · confirmed or proposed events"
    )
    assert _headline(page, "Confirmed or proposed events") == f"{with_proposed:,}"
