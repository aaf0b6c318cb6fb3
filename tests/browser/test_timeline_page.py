"""In Chromium: the home page charts the seeded events by type, every seed event can
be hovered and clicked in the swimlanes, and the axes read as dates and counts.

The page shows no console errors."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tracker.db import make_engine


def test_home_page_charts_seed_events_by_type_in_a_real_browser(
    page: Page, server: str
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    expect(
        page.get_by_role("heading", name="Events over time, by type")
    ).to_be_visible()
    expect(page.locator("#timeline-summary")).to_contain_text("12 events")
    bars = page.locator("#timeline-events-over-time g.barlayer g.trace")
    expect(bars.first).to_be_attached(timeout=15_000)
    legend = page.locator("#timeline-events-over-time g.legend").text_content()
    for event_type in ("ASSAULT", "CONSULT", "ACCUSE", "THREATEN", "CONCEDE"):
        assert event_type in legend
    assert errors == []


def test_type_filter_in_the_url_narrows_the_chart(page: Page, server: str):
    page.goto(server + "/?event_types=ASSAULT")
    expect(page.locator("#timeline-summary")).to_contain_text("3 events")
    legend = page.locator("#timeline-events-over-time g.legend")
    expect(legend).to_contain_text("ASSAULT")
    expect(legend).not_to_contain_text("CONSULT")
    expect(page.locator("#timeline-headlines")).to_contain_text("14")


# --- #12: swimlanes that hide nothing, axes that read as dates, no half-working
# range buttons ------------------------------------------------------------------

LANES = "#timeline-swimlanes"
SEED_LANE_MARKS = """
    SELECT actor.name, event_actor.event_id
    FROM event_actor
    JOIN actor ON actor.id = event_actor.actor_id
    JOIN event ON event.id = event_actor.event_id
    WHERE event.status IN ('confirmed', 'disputed')
"""
DAY_LABEL = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")


def seed_lane_marks(database_url: str) -> set[tuple[str, int]]:
    """Every (actor, event id) pair of the seed, read straight from the database."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(SEED_LANE_MARKS)).all()
    finally:
        engine.dispose()
    return {(name, int(event_id)) for name, event_id in rows}


def open_swimlanes(page: Page, url: str) -> None:
    """Open the timeline and wait for the swimlanes, drawn by their own callback."""
    page.goto(url)
    expect(page.locator(f"{LANES} .scatterlayer path.point").first).to_be_attached(
        timeout=15_000
    )
    expect(page.locator("#timeline-actors-involved")).not_to_have_text("…")
    page.wait_for_load_state("networkidle")


def centre_of(page: Page, index: int) -> tuple[float, float]:
    """Where the swimlanes' `index`-th marker is on screen, scrolled into view."""
    mark = page.locator(f"{LANES} .scatterlayer path.point").nth(index)
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def hover_every_mark(page: Page) -> list[tuple[str, int, int]]:
    """Move the mouse over each marker of the swimlanes, as a person would, and
    read the label Plotly shows: (lane, event id, the marker's index)."""
    said = []
    marks = page.locator(f"{LANES} .scatterlayer path.point")
    label = page.locator(f"{LANES} .hoverlayer .hovertext")
    for index in range(marks.count()):
        x, y = centre_of(page, index)
        page.mouse.move(2, y)  # off the chart: the previous label goes
        expect(label).to_have_count(0)
        page.mouse.move(x, y)
        expect(label).to_have_count(1)
        # The first line: "<title> · event #<id>" (lines are not separated in
        # the text content).
        main = label.locator("text.nums tspan.line").first.text_content() or ""
        lane = label.locator("text.name").text_content() or ""
        found = re.search(r"event #(\d+)", main)
        assert found, main
        said.append((lane, int(found.group(1)), index))
    return said


def test_every_seed_event_is_reachable_from_its_actors_lanes_by_hover(
    page: Page, server: str, seeded_url: str
):
    open_swimlanes(page, server + "/")
    hovered = hover_every_mark(page)
    expected = seed_lane_marks(seeded_url)
    assert len(expected) == 26  # the seed: 12 events, 2 actors each, 2 with 3
    assert {(lane, event_id) for lane, event_id, _ in hovered} == expected
    # One marker per mark: none hidden under another, none shown twice.
    assert len(hovered) == len(expected)


def test_clicking_the_strike_that_killed_14_opens_it(page: Page, server: str):
    open_swimlanes(page, server + "/")
    strike = [
        index
        for lane, event_id, index in hover_every_mark(page)
        if (lane, event_id) == ("Military Forces of Russia", 6)
    ]
    assert len(strike) == 1
    page.mouse.click(*centre_of(page, strike[0]))
    expect(page).to_have_url(re.compile(r"/events/6$"))
    expect(page.get_by_role("heading", name=re.compile("kills 14"))).to_be_visible()


def tick_labels(page: Page, graph: str, axis: str = "xtick") -> list[str]:
    """The tick labels of a chart's axis, read from its SVG."""
    ticks = page.locator(f"{graph} .{axis} text")
    expect(ticks.first).to_be_attached(timeout=15_000)
    return [t.strip() for t in ticks.all_text_contents()]


def test_charts_of_one_period_have_a_day_axis_with_no_time_of_day(
    page: Page, server: str
):
    # Only the strike has deaths: one event, one day-long period.
    page.goto(server + "/?min_fatalities=1")
    expect(page.locator("#timeline-summary")).to_contain_text("1 event ")
    for graph in ("#timeline-fatalities", "#timeline-events-over-time"):
        labels = tick_labels(page, graph)
        assert labels == ["24 May 2025"], graph
    score = tick_labels(page, "#timeline-score", "x2tick")
    assert score == ["24 May 2025"]


def test_charts_of_many_periods_tick_on_days_and_counts_on_whole_numbers(
    page: Page, server: str
):
    page.goto(server + "/")
    expect(page.locator("#timeline-summary")).to_contain_text("12 events")
    for graph in ("#timeline-fatalities", "#timeline-events-over-time"):
        labels = tick_labels(page, graph)
        assert len(labels) >= 2 and all(DAY_LABEL.match(t) for t in labels), labels
    counts = tick_labels(page, "#timeline-score", "y2tick")
    assert counts[0] == "0" and all(t.isdigit() for t in counts), counts
    events = tick_labels(page, "#timeline-events-over-time", "ytick")
    assert events[0] == "0" and all(t.isdigit() for t in events), events


def test_swimlanes_and_axes_stay_inside_the_dates_filtered(page: Page, server: str):
    open_swimlanes(page, server + "/?since=2025-05-10&until=2025-05-20")
    days = [
        dt.datetime.strptime(label, "%d %b %Y").date()
        for label in tick_labels(page, LANES)
    ]
    assert days and min(days) == dt.date(2025, 5, 10)
    assert max(days) <= dt.date(2025, 5, 20)
    drawn = page.evaluate(
        """() => document.querySelector("#timeline-swimlanes .js-plotly-plot")
            .data.flatMap((t) => t.type === "bar" ? t.base : t.x)"""
    )
    assert drawn and min(drawn) == "2025-05-10"


def test_no_range_buttons_or_slider_that_would_zoom_one_chart_alone(
    page: Page, server: str
):
    open_swimlanes(page, server + "/")
    for graph in ("events-over-time", "swimlanes", "score", "fatalities"):
        chart = page.locator(f"#timeline-{graph} .main-svg").first
        expect(chart).to_be_attached()
        expect(page.locator(f"#timeline-{graph} .rangeselector")).to_have_count(0)
        expect(page.locator(f"#timeline-{graph} .rangeslider-bg")).to_have_count(0)
