"""The timeline's three date charts are built as plain data, without Plotly's
validation (issue 19): building them through Plotly's objects was 45 ms of the
timeline page's 96 at a million events, more than its queries. They must be the
figures Plotly's own builders gave. The golden files are `fig.to_plotly_json()` of
the builders before the change (`go.Figure`, `make_subplots`, `add_bar`,
`add_scatter`, `add_hline`, `add_shape`, `add_annotation`, `update_layout`), over
the cases below, without their template, which is Plotly's default and is checked
apart: nothing, one period, two, many with gaps, every period length, a window
wider than the data, and pins (a day and a span, labels staggered) inside and
outside the window."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.figures.timeline import (
    events_over_time_figure,
    fatalities_figure,
    score_figure,
)
from tracker.query.annotations import Pin
from tracker.query.stats import Period, PeriodCount
from tracker.query.timeline import FatalityPoint, ScorePoint

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "figures"
MAY = dt.date(2025, 5, 5)  # a Monday


def weeks(n: int) -> dt.date:
    return MAY + dt.timedelta(weeks=n)


PINS = [
    Pin(1, "Talks in Istanbul", weeks(1), None, None, "ana"),
    Pin(2, "Ceasefire <b>", weeks(2), weeks(4), 7, "ana"),
    Pin(3, "Swap", weeks(2) + dt.timedelta(days=1), None, None, "ben"),
    Pin(4, "Long before", dt.date(2020, 1, 1), None, None, "ben"),
]
TYPES = ["ASSAULT", "CONSULT", "AGREE", "ACCUSE", "PROTEST"]
MANY_COUNTS = [
    PeriodCount(weeks(i), t, 0, (i * 7 + j * 3) % 11 + 1)
    for i in range(0, 30, 1)
    if i % 7 != 3  # weeks without events
    for j, t in enumerate(TYPES)
    if (i + j) % 3
]
MANY_SCORES = [
    ScorePoint(weeks(i), ((i * 37) % 21 - 10) / 3, i % 9 + 1, i % 4, i % 6)
    for i in range(30)
    if i % 5 != 2  # gaps
]
MANY_DEATHS = [
    FatalityPoint(weeks(i), i * 3 % 17, i * 2 % 13, i * 3 % 17 + i % 5, i % 4 + 1)
    for i in range(30)
    if i % 4 != 1
]


def _events(counts, period, **window):
    return lambda: events_over_time_figure(counts, period, **window)


def _scores(points, period, **window):
    return lambda: score_figure(points, period, **window)


def _deaths(points, period, **window):
    return lambda: fatalities_figure(points, period, **window)


CASES = {
    "timeline-events-none": _events([], None),
    "timeline-events-one-day": _events([PeriodCount(MAY, "ASSAULT", 4, 3)], Period.DAY),
    "timeline-events-two-types-two-days": _events(
        [
            PeriodCount(MAY, "ASSAULT", 4, 2),
            PeriodCount(MAY, "CONSULT", 1, 1),
            PeriodCount(MAY + dt.timedelta(days=1), "ASSAULT", 4, 5),
        ],
        Period.DAY,
    ),
    "timeline-events-many-weeks-pins": _events(
        MANY_COUNTS, Period.WEEK, pins=PINS, since=MAY, until=weeks(33)
    ),
    "timeline-events-months-window": _events(
        [PeriodCount(dt.date(2024, m, 1), "PROTEST", 3, m * 40) for m in (2, 3, 7)],
        Period.MONTH,
        since=dt.date(2024, 1, 1),
        until=dt.date(2024, 12, 31),
    ),
    "timeline-events-years": _events(
        [
            PeriodCount(dt.date(y, 1, 1), "ASSAULT", 4, 1000 * y % 7919)
            for y in (2019, 2020, 2023)
        ],
        Period.YEAR,
    ),
    "timeline-score-none": _scores([], None),
    "timeline-score-one-day": _scores([ScorePoint(MAY, -6.5, 2, 0, 2)], Period.DAY),
    "timeline-score-two-months": _scores(
        [
            ScorePoint(dt.date(2025, 1, 1), 3.333333, 3, 3, 0),
            ScorePoint(dt.date(2025, 2, 1), -10.0, 1, 0, 1),
        ],
        Period.MONTH,
    ),
    "timeline-score-many-weeks-pins": _scores(
        MANY_SCORES, Period.WEEK, pins=PINS, since=weeks(-2), until=weeks(31)
    ),
    "timeline-fatalities-none": _deaths([], None),
    "timeline-fatalities-one-day": _deaths(
        [FatalityPoint(MAY, 14, 12, 20, 1)], Period.DAY
    ),
    "timeline-fatalities-zero-and-gaps": _deaths(
        [FatalityPoint(weeks(0), 3, 1, 3, 1), FatalityPoint(weeks(4), 0, 0, 2, 2)],
        Period.WEEK,
        event_periods={weeks(0), weeks(2), weeks(4)},
    ),
    "timeline-fatalities-many-weeks-window": _deaths(
        MANY_DEATHS,
        Period.WEEK,
        event_periods={weeks(i) for i in range(0, 30, 2)},
        since=weeks(-1),
        until=weeks(35),
    ),
}


def as_json(figure) -> dict:
    """What the browser receives: the figure through Plotly's JSON encoder."""
    return json.loads(pio.to_json(figure, validate=False))


@pytest.mark.parametrize("case", CASES)
def test_the_plain_figure_is_the_one_plotly_built(case):
    drawn = as_json(CASES[case]())
    template = drawn["layout"].pop("template")
    golden = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    assert drawn == golden
    assert template == as_json(go.Figure())["layout"]["template"]


def write_golden_files() -> None:
    """Write the golden files from the builders as they are (run once, by hand,
    on the code before a change of the figures' make-up)."""
    for case, build in CASES.items():
        drawn = as_json(build())
        drawn["layout"].pop("template")
        text = json.dumps(drawn, indent=1, sort_keys=True, ensure_ascii=False)
        (GOLDEN / f"{case}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_golden_files()
