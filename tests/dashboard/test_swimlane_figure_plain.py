"""The swimlane figure is built as plain data, without Plotly's validation (issue 19):
it must be the figure Plotly's own builder gave. The golden file is
`fig.to_plotly_json()` of the builder before the change (made with `go.Figure`,
`add_bar`, `add_scatter` and `update_layout`), over the marks below, without its
template, which is Plotly's default and is checked apart. Set in it since: its font,
its left margin, which holds the actors' names (`text_widths`), and one marker style
for a whole trace where every mark has it (a list of one value before)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.figures.swimlanes import swimlane_figure
from tracker.query.timeline import LaneMark, Swimlanes

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "figures"


def mark(event_id, actor, start, end=None, precision="day", **extra) -> LaneMark:
    return LaneMark(
        actor=actor,
        role=extra.get("role", "initiator"),
        event_id=event_id,
        title=extra.get("title", f"Event {event_id}"),
        event_type=extra.get("event_type", "ASSAULT"),
        quad_class=extra.get("quad_class", 4),
        date_start=start,
        date_end=end,
        date_precision=precision,
        fatalities_best=extra.get("killed"),
        status=extra.get("status", "confirmed"),
    )


def day(n: int) -> dt.date:
    return dt.date(2025, 5, 1) + dt.timedelta(days=n)


def lanes() -> Swimlanes:
    """Three lanes: points and spans of several types, proposals, a crowded day,
    titles Plotly would read as markup, and spans running past a window."""
    marks = [
        mark(1, "Army <b>", day(1), killed=3, title="Strike & <i>raid</i>"),
        mark(2, "Army <b>", day(1), role="target"),
        mark(3, "Army <b>", day(0), day(20), "month", event_type="PROTEST"),
        mark(4, "Army <b>", day(2), status="proposed", event_type="AGREE"),
        mark(5, "Militia", day(3), day(9), "week", status="proposed"),
        mark(6, "Militia", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
        mark(7, "Militia", day(5), killed=0, event_type="CONSULT"),
    ]
    marks += [mark(100 + i, "Police", day(7), killed=i) for i in range(12)]
    marks += [
        mark(200 + i, "Police", day(i), day(i + 3), "week", event_type="COERCE")
        for i in range(6)
    ]
    return Swimlanes(
        [("Army <b>", 4), ("Militia", 3), ("Police", 18)], marks, 30, actors_involved=5
    )


CASES = {
    "swimlanes-whole": {},
    "swimlanes-window": {"since": day(2), "until": day(15)},
}


def as_json(figure) -> dict:
    """What the browser receives: the figure through Plotly's JSON encoder."""
    return json.loads(pio.to_json(figure, validate=False))


@pytest.mark.parametrize("case", CASES)
def test_the_plain_figure_is_the_one_plotly_built(case):
    figure = swimlane_figure(lanes(), **CASES[case])
    drawn = as_json(figure)
    template = drawn["layout"].pop("template")
    golden = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    assert drawn == golden
    assert template == as_json(go.Figure())["layout"]["template"]
