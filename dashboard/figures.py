"""Pure figure builders: small result rows in, Plotly figures out."""

from __future__ import annotations

from html import escape
from typing import Any

import plotly.graph_objects as go

from tracker import taxonomy
from tracker.dates import covered_interval, describe_date
from tracker.models import EventStatus
from tracker.stats import Period, PeriodCount
from tracker.timeline import FatalityPoint, LaneMark, ScorePoint, Swimlanes

# One hue family per PLOVER quad class (colour-blind-safe Okabe-Ito bases),
# with shades for the types within a class.
QUAD_COLOURS: dict[int, tuple[str, ...]] = {
    1: ("#56B4E9", "#2b8fd0", "#8fd0f2", "#1f6fa3"),  # verbal cooperation: sky blue
    2: ("#009E73", "#33c49a", "#006b4e", "#7fd8bd"),  # material cooperation: green
    3: (
        "#E69F00",
        "#f5c04d",
        "#b37b00",
        "#ffd98a",
        "#8a5e00",
    ),  # verbal conflict: orange
    4: (
        "#D55E00",
        "#a34800",
        "#f08a45",
        "#7a3500",
        "#ffb380",
    ),  # material conflict: vermilion
}


def plotly_text(text: str) -> str:
    """`text` as Plotly shows it literally in labels, which read a few HTML tags
    (<b>, <a href>) and entities: &, < and > are escaped. Quotes are not, since
    Plotly shows &quot; as it is."""
    return escape(text, quote=False)


def type_colour(event_type: str) -> str:
    """The colour of a PLOVER type: its quad class's hue, in a shade of its own."""
    quad = taxonomy.quad_class(event_type)
    siblings = [t for t in taxonomy.event_types() if taxonomy.quad_class(t) == quad]
    shades = QUAD_COLOURS[quad]
    return shades[siblings.index(event_type) % len(shades)]


DAY_MS = 86_400_000
PERIOD_DAYS = {Period.DAY: 1, Period.WEEK: 7, Period.MONTH: 30, Period.YEAR: 365}


def bar_width_ms(period: Period) -> float:
    """A bar 80% as wide as its period, in milliseconds on a date axis, so that a few
    far-apart bins are not drawn as bars weeks wide."""
    return PERIOD_DAYS[period] * DAY_MS * 0.8


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank."""
    figure = go.Figure()
    figure.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 16},
    )
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=380)
    return figure


def events_over_time_figure(
    counts: list[PeriodCount], period: Period | None
) -> go.Figure:
    """Stacked bars of events per period, one trace per PLOVER type, by quad class."""
    if not counts or period is None:
        return empty_figure("No events match these filters.")
    types = sorted(
        {c.event_type for c in counts}, key=lambda t: (taxonomy.quad_class(t), t)
    )
    figure = go.Figure()
    for event_type in types:
        rows = [c for c in counts if c.event_type == event_type]
        quad_label = taxonomy.quad_class_label(taxonomy.quad_class(event_type))
        figure.add_bar(
            name=event_type,
            x=[r.period_start.isoformat() for r in rows],
            y=[r.count for r in rows],
            width=bar_width_ms(period),
            marker_color=type_colour(event_type),
            legendgroup=quad_label,
            legendgrouptitle_text=quad_label,
            hovertemplate=f"{event_type}<br>%{{x}}: %{{y}} event(s)<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=420,
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        xaxis={"title": {"text": f"Start date (per {period.value})"}, "type": "date"},
        yaxis={"title": {"text": "Events"}, "rangemode": "tozero"},
        showlegend=True,
        legend={"groupclick": "toggleitem"},
    )
    return _with_range_selector(figure)


def _with_range_selector(figure: go.Figure) -> go.Figure:
    """Add buttons for the last month, six months, year or everything, and a slider."""
    figure.update_xaxes(
        rangeselector={
            "buttons": [
                {"count": 1, "label": "1m", "step": "month", "stepmode": "backward"},
                {"count": 6, "label": "6m", "step": "month", "stepmode": "backward"},
                {"count": 1, "label": "1y", "step": "year", "stepmode": "backward"},
                {"step": "all", "label": "all"},
            ]
        },
        rangeslider={"visible": True, "thickness": 0.08},
    )
    return figure


def swimlane_figure(lanes: Swimlanes) -> go.Figure:
    """One lane per actor; day-precision events are points, coarser dates are bars
    spanning the interval they may fall in, drawn lighter. customdata holds ids."""
    if not lanes.marks:
        return empty_figure("No events with actors match these filters.")
    figure = go.Figure()
    order = [plotly_text(name) for name, _ in lanes.actors]
    spans, points = [], []
    for mark in lanes.marks:
        start, end = covered_interval(
            mark.date_start, mark.date_end, mark.date_precision
        )
        exact = mark.date_precision == "day" and start == end
        (points if exact else spans).append((mark, start, end))
    hover = (
        "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
        "<br>%{customdata[4]}<extra>%{y}</extra>"
    )
    for event_type in sorted({m.event_type for m, _, _ in spans + points}):
        colour = type_colour(event_type)
        typed_spans = [(m, s, e) for m, s, e in spans if m.event_type == event_type]
        typed_points = [(m, s, e) for m, s, e in points if m.event_type == event_type]
        if typed_spans:
            figure.add_bar(
                name=event_type,
                legendgroup=event_type,
                orientation="h",
                y=[plotly_text(m.actor) for m, _, _ in typed_spans],
                base=[s.isoformat() for _, s, _ in typed_spans],
                # Bar length in milliseconds on a date axis; the end day is included.
                x=[((e - s).days + 1) * DAY_MS for _, s, e in typed_spans],
                width=0.6,
                marker={
                    "color": colour,
                    "opacity": 0.45,
                    "line": {"color": colour},
                    # A proposal's bar is hatched: not yet confirmed.
                    "pattern": {
                        "shape": [_proposed(m, "/", "") for m, _, _ in typed_spans]
                    },
                },
                customdata=[_mark_data(m) for m, _, _ in typed_spans],
                hovertemplate=hover,
            )
        if typed_points:
            figure.add_scatter(
                name=event_type,
                legendgroup=event_type,
                showlegend=not typed_spans,
                mode="markers",
                y=[plotly_text(m.actor) for m, _, _ in typed_points],
                x=[s.isoformat() for _, s, _ in typed_points],
                marker={
                    "color": colour,
                    "size": 11,
                    "line": {
                        "width": [_proposed(m, 2, 1) for m, _, _ in typed_points],
                        "color": [
                            _proposed(m, colour, "#fff") for m, _, _ in typed_points
                        ],
                    },
                    # A proposal is a hollow marker: not yet confirmed.
                    "symbol": [
                        _proposed(m, "circle-open", "circle")
                        for m, _, _ in typed_points
                    ],
                },
                customdata=[_mark_data(m) for m, _, _ in typed_points],
                hovertemplate=hover,
            )
    figure.update_layout(
        barmode="overlay",
        height=max(260, 60 + 44 * len(order)),
        margin={"l": 10, "r": 20, "t": 30, "b": 40},
        xaxis={
            "type": "date",
            "title": {"text": "Date (bars: the span a coarse date covers)"},
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": list(reversed(order)),
            "automargin": True,
        },
    )
    return figure


def _proposed(mark: LaneMark, if_proposed: Any, otherwise: Any) -> Any:
    """How a mark is drawn: apart when it is a proposal, not a confirmed event."""
    return if_proposed if mark.status == EventStatus.PROPOSED.value else otherwise


def _mark_data(mark: LaneMark) -> list[Any]:
    """What a swimlane mark's hover shows, and the id a click opens."""
    killed = (
        f"{mark.fatalities_best} killed"
        if mark.fatalities_best is not None
        else "no deaths reported"
    )
    return [
        mark.event_id,
        plotly_text(mark.title),
        describe_date(mark.date_start, mark.date_end, mark.date_precision),
        f"{mark.event_type} · {mark.role}"
        + _proposed(mark, " · proposed, not confirmed", ""),
        killed,
    ]


def score_figure(points: list[ScorePoint], period: Period | None) -> go.Figure:
    """The mean conflict-cooperation score per period, with the number of cooperation
    events (talks, agreements, releases) marked above the number of violent ones."""
    if not points or period is None:
        return empty_figure("No events match these filters.")
    x = [p.period_start.isoformat() for p in points]
    figure = go.Figure()
    figure.add_bar(
        name="Material conflict events",
        x=x,
        y=[p.material_conflict for p in points],
        width=bar_width_ms(period),
        yaxis="y2",
        marker_color=QUAD_COLOURS[4][0],
        opacity=0.35,
        hovertemplate="%{x}: %{y} violent event(s)<extra></extra>",
    )
    figure.add_scatter(
        name="Cooperation events",
        x=x,
        y=[p.cooperation or None for p in points],
        yaxis="y2",
        mode="markers",
        marker={"symbol": "diamond", "size": 12, "color": QUAD_COLOURS[1][1]},
        hovertemplate="%{x}: %{y} cooperation event(s)<extra></extra>",
    )
    figure.add_scatter(
        name="Mean PLOVER score",
        x=x,
        y=[round(p.mean_score, 2) for p in points],
        mode="lines+markers",
        line={"color": "#1d2330", "width": 2},
        hovertemplate="%{x}: mean score %{y}, %{customdata} event(s)<extra></extra>",
        customdata=[p.events for p in points],
    )
    figure.add_hline(y=0, line={"color": "#999", "dash": "dot"})
    figure.update_layout(
        height=360,
        margin={"l": 50, "r": 50, "t": 30, "b": 40},
        xaxis={"type": "date", "title": {"text": f"Start date (per {period.value})"}},
        yaxis={
            "title": {"text": "Mean score (−10 conflict … +10 cooperation)"},
            "range": [-10.5, 10.5],
        },
        yaxis2={
            "title": {"text": "Events"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def fatalities_figure(points: list[FatalityPoint], period: Period | None) -> go.Figure:
    """Fatalities per period: the best estimate, with the low-high band where known."""
    if not points or period is None:
        return empty_figure("No events with fatality figures match these filters.")
    x = [p.period_start.isoformat() for p in points]
    figure = go.Figure()
    figure.add_scatter(
        name="High",
        x=x,
        y=[p.high for p in points],
        mode="lines",
        line={"width": 0},
        showlegend=False,
        hoverinfo="skip",
    )
    figure.add_scatter(
        name="Low-high range",
        x=x,
        y=[p.low for p in points],
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor="rgba(213,94,0,0.2)",
        hoverinfo="skip",
    )
    figure.add_scatter(
        name="Best estimate",
        x=x,
        y=[p.best for p in points],
        mode="lines+markers",
        line={"color": QUAD_COLOURS[4][0], "width": 2},
        customdata=[[p.low, p.high, p.events_with_figures] for p in points],
        hovertemplate=(
            "%{x}: %{y} killed (range %{customdata[0]}–%{customdata[1]}) "
            "in %{customdata[2]} event(s)<extra></extra>"
        ),
    )
    figure.update_layout(
        height=320,
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        xaxis={"type": "date", "title": {"text": f"Start date (per {period.value})"}},
        yaxis={"title": {"text": "Killed"}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.3},
    )
    return figure
