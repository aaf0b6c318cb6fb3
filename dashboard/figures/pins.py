"""Annotations drawn on the timeline's date charts: a labelled vertical line for a
day, a light band for a span, seen by everyone (issue 14)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import plotly.graph_objects as go

from tracker.query.annotations import Pin

PIN_COLOUR = "#5b4a8b"  # apart from the PLOVER quad colours of the marks
# Labels of pins close together are drawn at staggered heights, so they do not
# cover each other; the top margin makes room for the highest.
LABEL_STEPS = 3
LABEL_STEP_PX = 15
PINNED_TOP_MARGIN = 30 + LABEL_STEPS * LABEL_STEP_PX


def add_pin_marks(
    figure: go.Figure,
    pins: Sequence[Pin],
    span: tuple[dt.datetime, dt.datetime],
) -> go.Figure:
    """Draw `pins` that touch the x axis's `span` on `figure` (its first x axis,
    across every panel), each with its label above the plot; `figure` itself."""
    first, last = span
    shown = [
        pin
        for pin in pins
        if _midnight(pin.starts) <= last and _midnight(pin.ends or pin.starts) >= first
    ]
    for step, pin in enumerate(shown):
        start = max(_midnight(pin.starts), first)
        if pin.ends is None:
            figure.add_shape(
                type="line",
                xref="x",
                yref="paper",
                x0=start,
                x1=start,
                y0=0,
                y1=1,
                line={"color": PIN_COLOUR, "width": 1.5, "dash": "dash"},
            )
        else:
            end = min(_midnight(pin.ends + dt.timedelta(days=1)), last)
            figure.add_shape(
                type="rect",
                xref="x",
                yref="paper",
                x0=start,
                x1=end,
                y0=0,
                y1=1,
                fillcolor=PIN_COLOUR,
                opacity=0.12,
                line={"width": 0},
                layer="below",
            )
        figure.add_annotation(
            x=start,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="left",
            yshift=(step % LABEL_STEPS) * LABEL_STEP_PX,
            text=pin.label,
            showarrow=False,
            font={"color": PIN_COLOUR, "size": 12},
            hovertext=_when(pin),
        )
    if shown:
        top = max(figure.layout.margin.t or 0, PINNED_TOP_MARGIN)
        figure.update_layout(margin={"t": top})
    return figure


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _when(pin: Pin) -> str:
    if pin.ends is None:
        return f"{pin.label}: {pin.starts:%-d %b %Y}"
    return f"{pin.label}: {pin.starts:%-d %b %Y} – {pin.ends:%-d %b %Y}"
