"""Pure figure builders: small result rows in, Plotly figures out.

Each figure is built as plain data (the dict `go.Figure(...).to_plotly_json()`
gives), not through Plotly's graph objects: validating every property took longer
than the timeline page's queries (issue 19), as it did for the swimlanes.
`tests/dashboard/test_timeline_figures_plain.py` holds each equal to the figure
Plotly's own builders made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dashboard.figures.date_axes import (
    DAY_MS,
    HOVER_FORMATS,
    count_axis,
    count_axis_margin,
    date_axis,
    period_range,
    periods_between,
)
from dashboard.figures.palette import (
    QUAD_COLOURS,
    default_template,
    empty_figure,
    type_colour,
)
from dashboard.figures.pins import add_pin_marks
from dashboard.figures.text_widths import CHART_FONT_FAMILY
from tracker.query.annotations import Pin
from tracker.query.stats import Period, PeriodCount
from tracker.query.timeline import FatalityPoint, ScorePoint
from tracker.vocab import taxonomy

PERIOD_DAYS = {Period.DAY: 1, Period.WEEK: 7, Period.MONTH: 30, Period.YEAR: 365}

# Bottom margins that already hold what Plotly's automargin would make room for (the
# date labels and the axis title; the legend too where it sits below the chart), as
# the dashboard draws these charts: at their heights, on a card 700 px wide or more,
# in Arial's widths (`text_widths`). A chart whose margins need no widening is drawn
# once instead of twice; on a narrower card, where the date labels turn, Plotly
# still makes room, drawing twice. Measured in Chromium, plus 3 px.
BOTTOM_MARGIN = 56
BOTTOM_MARGIN_LEGEND_BELOW = 125  # the score chart: its legend in one row below
BOTTOM_MARGIN_FATALITIES = 109  # the fatalities chart, 320 px high, legend below
SCORE_LEFT_MARGIN = 79  # the score's two-line axis title: 76 px, plus 3
# The score chart's two panels, as `make_subplots(rows=2, shared_xaxes=True,
# vertical_spacing=0.1, row_heights=[0.6, 0.4])` lays them out.
PANEL_SPACING = 0.1
COUNTS_PANEL_TOP = 0.4 * (1 - PANEL_SPACING)


def bar_width_ms(period: Period) -> float:
    """A bar 80% as wide as its period, in milliseconds on a date axis, so that a few
    far-apart bins are not drawn as bars weeks wide."""
    return PERIOD_DAYS[period] * DAY_MS * 0.8


def period_axis_title(period: Period) -> str:
    """What a period chart's x axis measures."""
    if period is Period.DAY:
        return "Date (one mark per day)"
    first = "Monday" if period is Period.WEEK else "first day"
    return f"Date (one mark per {period.value}, placed on its {first})"


def events_over_time_figure(
    counts: list[PeriodCount],
    period: Period | None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    pins: Sequence[Pin] = (),
) -> dict[str, Any]:
    """Stacked bars of events per period, one trace per PLOVER type, by quad class.

    The x axis ticks in the period's unit and covers the filter's window when it has
    one; the count axis ticks on whole numbers from zero. A period without events
    has no bar: its count is zero."""
    if not counts or period is None:
        return empty_figure("No events match these filters.").to_plotly_json()
    types = sorted(
        {c.event_type for c in counts}, key=lambda t: (taxonomy.quad_class(t), t)
    )
    width = bar_width_ms(period)
    hover = f"%{{x|{HOVER_FORMATS[period]}}}: %{{y}} event(s)<extra></extra>"
    traces = []
    for event_type in types:
        rows = [c for c in counts if c.event_type == event_type]
        quad_label = taxonomy.quad_class_label(taxonomy.quad_class(event_type))
        traces.append(
            {
                "hovertemplate": f"{event_type}<br>{hover}",
                "legendgroup": quad_label,
                "legendgrouptitle": {"text": quad_label},
                "marker": {"color": type_colour(event_type)},
                "name": event_type,
                "width": width,
                "x": [r.period_start.isoformat() for r in rows],
                "y": [r.count for r in rows],
                "type": "bar",
            }
        )
    totals: dict[dt.date, int] = {}
    for c in counts:
        totals[c.period_start] = totals.get(c.period_start, 0) + c.count
    starts = sorted(totals)
    span = period_range(starts[0], starts[-1], period, since=since, until=until)
    layout = {
        "barmode": "stack",
        "height": 420,
        "font": {"family": CHART_FONT_FAMILY},
        "margin": {
            "l": count_axis_margin(max(totals.values())),
            "r": 20,
            "t": 30,
            "b": BOTTOM_MARGIN,
        },
        "xaxis": date_axis(period, *span, period_axis_title(period)),
        "yaxis": count_axis(max(totals.values()), "Events (count)"),
        "showlegend": True,
        "legend": {"groupclick": "toggleitem"},
        "template": default_template(),
    }
    return add_pin_marks({"data": traces, "layout": layout}, pins, span)


def score_figure(
    points: list[ScorePoint],
    period: Period | None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    pins: Sequence[Pin] = (),
) -> dict[str, Any]:
    """The mean conflict-cooperation score per period above, and below it the
    number of violent events (bars) and of cooperation events (talks, agreements,
    releases: diamonds), on one time axis.

    Two panels, not two y axes over one another: the score is centred on zero and
    the counts start from zero, and one plot for both made the bars seem to start
    at the score's -10. A period without events has no score: the line breaks
    there (a gap), it is not drawn across; counts tick on whole numbers from zero.
    `pins` (annotations) are drawn across both panels."""
    if not points or period is None:
        return empty_figure("No events match these filters.").to_plotly_json()
    by_start = {p.period_start: p for p in points}
    starts = periods_between(points[0].period_start, points[-1].period_start, period)
    x = [p.period_start.isoformat() for p in points]
    when = f"%{{x|{HOVER_FORMATS[period]}}}"
    traces = [
        {
            "connectgaps": False,
            "customdata": [by_start[s].events if s in by_start else 0 for s in starts],
            "hovertemplate": f"{when}: mean score %{{y}}, %{{customdata}} event(s)"
            "<extra></extra>",
            "line": {"color": "#1d2330", "width": 2},
            "mode": "lines+markers",
            "name": "Mean PLOVER score",
            "x": [s.isoformat() for s in starts],
            "y": [
                round(by_start[s].mean_score, 2) if s in by_start else None
                for s in starts
            ],
            "type": "scatter",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "hovertemplate": f"{when}: %{{y}} violent event(s)<extra></extra>",
            "marker": {"color": QUAD_COLOURS[4][0]},
            "name": "Material conflict events",
            "opacity": 0.6,
            "width": bar_width_ms(period),
            "x": x,
            "y": [p.material_conflict for p in points],
            "type": "bar",
            "xaxis": "x2",
            "yaxis": "y2",
        },
        {
            "hovertemplate": f"{when}: %{{y}} cooperation event(s)<extra></extra>",
            "marker": {"color": QUAD_COLOURS[1][1], "size": 12, "symbol": "diamond"},
            "mode": "markers",
            "name": "Cooperation events",
            "x": x,
            "y": [p.cooperation or None for p in points],
            "type": "scatter",
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    span = period_range(starts[0], starts[-1], period, since=since, until=until)
    axis = date_axis(period, *span, period_axis_title(period))
    largest = max(max(p.material_conflict, p.cooperation) for p in points)
    score_panel_bottom = COUNTS_PANEL_TOP + PANEL_SPACING
    layout = {
        "height": 420,
        "font": {"family": CHART_FONT_FAMILY},
        "margin": {
            "l": max(SCORE_LEFT_MARGIN, count_axis_margin(largest)),
            "r": 20,
            "t": 30,
            "b": BOTTOM_MARGIN_LEGEND_BELOW,
        },
        # The panels share the time axis: its labels are drawn once, below.
        "xaxis": {
            **axis,
            "anchor": "y",
            "domain": [0.0, 1.0],
            "matches": "x2",
            "showticklabels": False,
            "title": {"text": ""},
        },
        "xaxis2": {**axis, "anchor": "y2", "domain": [0.0, 1.0]},
        "yaxis": {
            "anchor": "x",
            "domain": [score_panel_bottom, 1.0],
            "title": {"text": "Mean score<br>(−10 conflict, +10 coop.)"},
            "range": [-10.5, 10.5],
            "tickvals": [-10, -5, 0, 5, 10],
        },
        "yaxis2": {
            **count_axis(largest, "Events (count)"),
            "anchor": "x2",
            "domain": [0.0, COUNTS_PANEL_TOP],
        },
        "legend": {"orientation": "h", "y": -0.3},
        # The score's zero, across the top panel.
        "shapes": [
            {
                "line": {"color": "#999", "dash": "dot"},
                "type": "line",
                "x0": 0,
                "x1": 1,
                "xref": "x domain",
                "y0": 0,
                "y1": 0,
                "yref": "y",
            }
        ],
        "template": default_template(),
    }
    return add_pin_marks({"data": traces, "layout": layout}, pins, span)


def fatalities_figure(
    points: list[FatalityPoint],
    period: Period | None,
    *,
    event_periods: set[dt.date] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Fatalities per period: the best estimate, with the low-high range as error
    bars (they show even for a single period, which a band cannot).

    Zero is a value and missing is a gap: a period holding matching events
    (`event_periods`) but no reported deaths is 0; a period without any matching
    event has no point, and the line breaks there instead of being drawn across."""
    if not points or period is None:
        return empty_figure(
            "No events with fatality figures match these filters."
        ).to_plotly_json()
    by_start = {p.period_start: p for p in points}
    with_events = set(event_periods or ()) | set(by_start)
    starts = periods_between(min(with_events), max(with_events), period)
    best, below, above, events = [], [], [], []
    for start in starts:
        point = by_start.get(start)
        zero = start in with_events
        best.append(point.best if point else (0 if zero else None))
        below.append(max(0, point.best - point.low) if point else 0)
        above.append(max(0, point.high - point.best) if point else 0)
        events.append(point.events_with_figures if point else 0)
    trace = {
        "connectgaps": False,
        "customdata": [
            [None, None, 0] if b is None else [b - lo, b + hi, n]
            for b, lo, hi, n in zip(best, below, above, events, strict=True)
        ],
        "error_y": {
            "array": above,
            "arrayminus": below,
            "color": "rgba(213,94,0,0.55)",
            "symmetric": False,
            "thickness": 1.5,
            "type": "data",
        },
        "hovertemplate": (
            f"%{{x|{HOVER_FORMATS[period]}}}: %{{y}} killed "
            "(range %{customdata[0]}–%{customdata[1]}) "
            "in %{customdata[2]} event(s) with figures<extra></extra>"
        ),
        "line": {"color": QUAD_COLOURS[4][0], "width": 2},
        "mode": "lines+markers",
        "name": "Best estimate",
        "x": [s.isoformat() for s in starts],
        "y": best,
        "type": "scatter",
    }
    span = period_range(starts[0], starts[-1], period, since=since, until=until)
    largest = max(b + a for b, a in zip(best, above, strict=True) if b is not None)
    layout = {
        "height": 320,
        "font": {"family": CHART_FONT_FAMILY},
        "margin": {
            "l": count_axis_margin(largest),
            "r": 20,
            "t": 30,
            "b": BOTTOM_MARGIN_FATALITIES,
        },
        "xaxis": date_axis(period, *span, period_axis_title(period)),
        "yaxis": count_axis(largest, "Killed (best estimate)"),
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.35},
        "template": default_template(),
    }
    return {"data": [trace], "layout": layout}
