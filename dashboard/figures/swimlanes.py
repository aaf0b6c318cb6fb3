"""The actor swimlanes: one lane an actor, each event a mark where it can be hovered.

Where the marks go is `dashboard.figures.lane_layout`; this draws them. The figure is
built as plain data (the dict `go.Figure(...).to_plotly_json()` gives), not through
Plotly's graph objects: validating 2,000 marks took longer than finding them
(issue 19). `tests/dashboard/test_swimlane_figure_plain.py` holds it equal to the
figure Plotly's own builder made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.figures.date_axes import (
    DAY_MS,
    date_axis,
)
from dashboard.figures.lane_layout import LANE_GAP, PlacedMark, place_marks
from dashboard.figures.palette import (
    default_template,
    empty_figure,
    plotly_text,
    type_colour,
)
from dashboard.figures.text_widths import CHART_FONT_FAMILY, left_margin_for_labels
from tracker.models import EventStatus
from tracker.query.stats import choose_period
from tracker.query.timeline import LaneMark, Swimlanes
from tracker.vocab.dates import describe_date

ROW_PX = 20  # height of one swimlane row
PROPOSED = EventStatus.PROPOSED.value  # read once: an enum member's value is slow


def swimlane_figure(
    lanes: Swimlanes, *, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """One lane per actor, every event in it reachable by hover and click.

    A day-precision event is a point; a coarser one is a thin, light bar over the
    days it may fall on, with a small marker at its start. Marks that overlap in a
    lane take rows of their own (points first, then spans), and spans are drawn
    first, points last, so no mark covers another. With a window (`since`,
    `until`) spans are cut at its edges; their hover keeps the real dates.
    customdata holds the event id (what a click opens), then the hover's lines."""
    if not lanes.marks:
        return empty_figure(
            "No events with actors match these filters."
        ).to_plotly_json()
    names = [name for name, _ in lanes.actors]
    placed = place_marks(names, lanes.marks, since=since, until=until)
    spans = [p for p in placed.placed if not p.exact]
    points = [p for p in placed.placed if p.exact]
    types = sorted({p.mark.event_type for p in placed.placed})
    spans_by_type = _by_type(spans)
    points_by_type = _by_type(points)
    # Trace order is drawing order: bars behind, span markers, then points on top.
    traces = [_span_bars(spans_by_type[t]) for t in types if t in spans_by_type]
    traces += [
        _markers(spans_by_type[t], size=9, legend=False)
        for t in types
        if t in spans_by_type
    ]
    traces += [
        _markers(points_by_type[t], size=12, legend=t not in spans_by_type)
        for t in types
        if t in points_by_type
    ]
    first = since or min(p.start for p in placed.placed)
    last = until or max(p.end for p in placed.placed)
    # From the first day's midnight to the one after the last day: whole days,
    # each labelled across its width.
    axis = date_axis(
        choose_period(first, last),
        dt.datetime.combine(first, dt.time()),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
        "Date (a point: one day; a thin bar: the days a coarser date may fall on)",
        label_periods=True,
    )
    layout = {
        "barmode": "overlay",
        "hovermode": "closest",
        "height": max(260, 90 + int(ROW_PX * (placed.rows + 1.6))),
        "font": {"family": CHART_FONT_FAMILY},
        # Wide enough for the actors' names already: Plotly draws the lanes once.
        "margin": {"l": left_margin_for_labels(names), "r": 20, "t": 30, "b": 60},
        "xaxis": axis,
        "yaxis": {
            "title": {"text": "Actor"},
            "tickvals": placed.centres,
            "ticktext": [plotly_text(name) for name in names],
            "range": [placed.rows + 0.8, -0.8],
            "autorange": False,
            "zeroline": False,
            "showgrid": False,
            "automargin": True,
            "fixedrange": True,
        },
        "shapes": [_lane_band(low, high) for low, high in placed.bounds[1::2]],
        "legend": {"title": {"text": "Event type"}},
        "template": default_template(),
    }
    return {"data": traces, "layout": layout}


def _by_type(marks: list[PlacedMark]) -> dict[str, list[PlacedMark]]:
    """The marks of each event type, in their order."""
    grouped: dict[str, list[PlacedMark]] = {}
    for placed in marks:
        grouped.setdefault(placed.mark.event_type, []).append(placed)
    return grouped


def _lane_band(low: float, high: float) -> dict[str, Any]:
    """A light band behind every other lane, so a lane's rows read as one actor."""
    margin = LANE_GAP / 2
    return {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": low - margin,
        "y1": high + margin,
        "fillcolor": "rgba(29,35,48,0.04)",
        "line": {"width": 0},
        "layer": "below",
    }


LANE_HOVER = (
    "<b>%{customdata[1]}</b> · event #%{customdata[0]}<br>%{customdata[2]}"
    "<br>%{customdata[3]}<br>%{customdata[4]}<extra>%{customdata[5]}</extra>"
)


def _span_bars(spans: list[PlacedMark]) -> dict[str, Any]:
    """Thin, light bars over the days coarse events may fall on."""
    colour = type_colour(spans[0].mark.event_type)
    return {
        "type": "bar",
        "name": spans[0].mark.event_type,
        "legendgroup": spans[0].mark.event_type,
        "orientation": "h",
        "y": [p.row for p in spans],
        "base": [p.start.isoformat() for p in spans],
        # Bar length in milliseconds on a date axis; the end day is included.
        "x": [((p.end - p.start).days + 1) * DAY_MS for p in spans],
        "width": 0.35,
        "marker": {
            "color": colour,
            "opacity": 0.4,
            "line": {"width": 0},
            # A proposal's bar is hatched: not yet confirmed.
            "pattern": {
                "shape": _one_or_each([_proposed(p.mark, "/", "") for p in spans])
            },
        },
        "customdata": [_mark_data(p) for p in spans],
        "hovertemplate": LANE_HOVER,
    }


def _markers(marks: list[PlacedMark], *, size: int, legend: bool) -> dict[str, Any]:
    """Markers in the marks' first drawn day: the points, or the spans' starts.

    Inside the day (noon, or spread across it when the row has several marks
    starting that day): a day is drawn from its midnight to the next."""
    colour = type_colour(marks[0].mark.event_type)
    return {
        "type": "scatter",
        "name": marks[0].mark.event_type,
        "legendgroup": marks[0].mark.event_type,
        "showlegend": legend,
        "mode": "markers",
        "y": [p.row for p in marks],
        "x": [_within_day(p) for p in marks],
        "marker": {
            "color": colour,
            "size": size,
            "line": {
                "width": _one_or_each([_proposed(p.mark, 2, 1) for p in marks]),
                "color": _one_or_each(
                    [_proposed(p.mark, colour, "#fff") for p in marks]
                ),
            },
            # A proposal is a hollow marker: not yet confirmed.
            "symbol": _one_or_each(
                [_proposed(p.mark, "circle-open", "circle") for p in marks]
            ),
        },
        "customdata": [_mark_data(p) for p in marks],
        "hovertemplate": LANE_HOVER,
    }


def _within_day(placed: PlacedMark) -> str:
    """Where a marker sits in its first day, to the minute (noon unless it shares
    the day with others in its row)."""
    moment = dt.datetime.combine(placed.start, dt.time())
    moment += dt.timedelta(days=placed.within_day)
    if moment.year < 1000:  # strftime writes such a year unpadded
        return moment.strftime("%Y-%m-%d %H:%M")
    # What strftime("%Y-%m-%d %H:%M") gives, at a fifth of its cost.
    return f"{moment.date().isoformat()} {moment.hour:02d}:{moment.minute:02d}"


def _one_or_each(values: list[Any]) -> Any:
    """One value for every mark when they all share it (a trace without proposals):
    plotly.js then styles the trace at once instead of mark by mark, about a fifth
    of the lanes' drawing time at 2,000 marks."""
    first = values[0]
    return first if all(value == first for value in values) else values


def _proposed(mark: LaneMark, if_proposed: Any, otherwise: Any) -> Any:
    """How a mark is drawn: apart when it is a proposal, not a confirmed event."""
    return if_proposed if mark.status == PROPOSED else otherwise


def _mark_data(placed: PlacedMark) -> list[Any]:
    """What a swimlane mark's hover shows, and the id a click opens."""
    mark = placed.mark
    killed = (
        f"{mark.fatalities_best} killed"
        if mark.fatalities_best is not None
        else "no deaths reported"
    )
    when = describe_date(mark.date_start, mark.date_end, mark.date_precision)
    if placed.clipped:
        when += " · runs past the dates filtered: drawn up to their edge"
    return [
        mark.event_id,
        plotly_text(mark.title),
        when,
        f"{mark.event_type} · {mark.role}"
        + _proposed(mark, " · proposed, not confirmed", ""),
        killed,
        plotly_text(mark.actor),
    ]
