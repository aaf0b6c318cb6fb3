"""In Chromium: the charts are drawn once, not twice.

Plotly's automargin draws a chart, measures its labels and, when they do not fit the
margins given, draws it all again (half of the timeline's drawing time, issue 19).
The figures now come with margins that already hold their labels (`text_widths`), so
Plotly keeps them: `_fullLayout._size` is the margin the figure asked for. Checked
for charts of one, two and many periods of every length, counts of one to eight
digits, and actors' names short, long, accented and holding markup; and on the
timeline page as the app serves it. automargin stays on, so a font wider than the
one these widths are for costs a second drawing, never a cut label."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import plotly.io as pio
import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.figures.swimlanes import swimlane_figure
from dashboard.figures.timeline import (
    events_over_time_figure,
    fatalities_figure,
    score_figure,
)
from dashboard.server.plotly_bundle import PARTIAL_BUNDLE_FILE
from tracker.query.stats import Period, PeriodCount, next_period
from tracker.query.timeline import FatalityPoint, LaneMark, ScorePoint, Swimlanes

CARD_WIDTH_PX = 1000  # a chart card on a laptop screen

DRAW = """async (figure) => {
    const graph = document.getElementById('graph');
    Plotly.purge(graph);
    await Plotly.newPlot(graph, figure.data, figure.layout);
    const size = graph._fullLayout._size;
    const svg = graph.querySelector('svg.main-svg').getBoundingClientRect();
    const titles = Array.from(graph.querySelectorAll('.g-ytitle, .g-y2title'))
        .map((title) => title.getBoundingClientRect().left - svg.left);
    return {left: size.l, bottom: size.b, titles: titles};
}"""


@pytest.fixture(scope="module")
def chart_page(browser: Browser) -> Iterator[Page]:
    """A blank page holding the app's own Plotly bundle and one card-wide chart."""
    page = browser.new_page()
    page.set_content(
        f"<div id='graph' style='width: {CARD_WIDTH_PX}px'></div>", wait_until="load"
    )
    page.add_script_tag(path=str(PARTIAL_BUNDLE_FILE))
    yield page
    page.close()


def period_starts(period: Period, count: int) -> list[dt.date]:
    starts = [dt.date(2024, 1, 1)]
    while len(starts) < count:
        starts.append(next_period(starts[-1], period))
    return starts


SHAPES = [
    (Period.DAY, 1),
    (Period.DAY, 2),
    (Period.DAY, 31),
    (Period.WEEK, 40),
    (Period.MONTH, 1),
    (Period.MONTH, 24),
    (Period.YEAR, 12),
]
LARGEST = [0, 86, 1_234, 999_999, 12_345_678]


def timeline_figures() -> Iterator[tuple[str, dict]]:
    for period, count in SHAPES:
        for largest in LARGEST:
            starts = period_starts(period, count)
            counts = [
                PeriodCount(start, event_type, quad, max(0, largest - i % 3))
                for i, start in enumerate(starts)
                for event_type, quad in (("ASSAULT", 4), ("CONSULT", 1))
            ]
            scores = [
                ScorePoint(start, -3.5, largest, largest // 3, largest)
                for start in starts
            ]
            deaths = [
                FatalityPoint(start, largest, max(0, largest - 5), largest + 5, 3)
                for start in starts
            ]
            name = f"{count} x {period.value}, largest {largest}"
            yield f"events, {name}", events_over_time_figure(counts, period)
            yield f"score, {name}", score_figure(scores, period)
            yield f"fatalities, {name}", fatalities_figure(deaths, period)


def lane_mark(event_id: int, actor: str, day: int) -> LaneMark:
    return LaneMark(
        actor=actor,
        role="initiator",
        event_id=event_id,
        title=f"Event {event_id}",
        event_type="ASSAULT",
        quad_class=4,
        date_start=dt.date(2025, 5, 1) + dt.timedelta(days=day),
        date_end=None,
        date_precision="day",
        fatalities_best=None,
        status="confirmed",
    )


ACTOR_NAMES = [
    ["A"],
    ["Civilians (Ukraine)", "Hamas Movement"],
    ["Military Forces of Ukraine (2019-) Unit 191", "Police Forces of Ukraine"],
    ["WWWWWWWWWWWWWWWWWWWWWWWWWW", "mmmmmmmmmmmmmmmmmmmm", "iiiiiiiiii"],
    ["Forces armées de la République démocratique du Congo", "Fuerzas Armadas"],
    ["Army <b>", "Militia & Co. <i>raid</i>"],
]


def swimlane_figures() -> Iterator[tuple[str, dict]]:
    for names in ACTOR_NAMES:
        marks = [
            lane_mark(100 * lane + day, name, day)
            for lane, name in enumerate(names)
            for day in range(5)
        ]
        actors = [(name, 5) for name in names]
        yield (
            f"swimlanes of {names}",
            swimlane_figure(Swimlanes(actors, marks, len(marks))),
        )


FIGURES = dict([*timeline_figures(), *swimlane_figures()])


@pytest.mark.parametrize("name", FIGURES)
def test_plotly_keeps_the_margins_a_chart_asks_for(chart_page: Page, name: str):
    figure = json.loads(pio.to_json(FIGURES[name], validate=False))
    asked = figure["layout"]["margin"]
    drawn = chart_page.evaluate(DRAW, figure)
    assert (drawn["left"], drawn["bottom"]) == (asked["l"], asked["b"])
    # And the axis titles, beside the labels, are inside the chart.
    assert drawn["titles"] and all(left >= 0 for left in drawn["titles"])


def test_the_timeline_page_draws_each_chart_once(page: Page, server: str):
    page.goto(server + "/")
    for graph in ("events-over-time", "swimlanes", "score", "fatalities"):
        expect(page.locator(f"#timeline-{graph} .main-svg").first).to_be_attached()
    kept = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
            (graph) => [graph.parentElement.id,
                        graph._fullLayout._size.l === graph.layout.margin.l
                        && graph._fullLayout._size.b === graph.layout.margin.b])"""
    )
    assert sorted(kept) == [
        ["timeline-events-over-time", True],
        ["timeline-fatalities", True],
        ["timeline-score", True],
        ["timeline-swimlanes", True],
    ]
