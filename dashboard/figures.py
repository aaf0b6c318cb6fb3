"""Pure figure builders: small result rows in, Plotly figures out."""

from __future__ import annotations

import plotly.graph_objects as go

from tracker import taxonomy
from tracker.stats import Period, PeriodCount

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


def type_colour(event_type: str) -> str:
    """The colour of a PLOVER type: its quad class's hue, in a shade of its own."""
    quad = taxonomy.quad_class(event_type)
    siblings = [t for t in taxonomy.event_types() if taxonomy.quad_class(t) == quad]
    shades = QUAD_COLOURS[quad]
    return shades[siblings.index(event_type) % len(shades)]


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
        legend={"groupclick": "toggleitem"},
    )
    return figure
