"""Annotations drawn on the timeline's date charts: a labelled vertical line for a
day, a light band for a span, seen by everyone (issue 14)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tracker.query.annotations import Pin

PIN_COLOUR = "#5b4a8b"  # apart from the PLOVER quad colours of the marks
# Labels of pins close together are drawn at staggered heights, so they do not
# cover each other; the top margin makes room for the highest.
LABEL_STEPS = 3
LABEL_STEP_PX = 15
PINNED_TOP_MARGIN = 30 + LABEL_STEPS * LABEL_STEP_PX


def add_pin_marks(
    figure: dict[str, Any],
    pins: Sequence[Pin],
    span: tuple[dt.datetime, dt.datetime],
) -> dict[str, Any]:
    """Draw `pins` that touch the x axis's `span` on `figure` (plain data: its
    first x axis, across every panel), each with its label above the plot;
    `figure` itself."""
    first, last = span
    shown = [
        pin
        for pin in pins
        if _midnight(pin.starts) <= last and _midnight(pin.ends or pin.starts) >= first
    ]
    if not shown:
        return figure
    layout = figure["layout"]
    shapes = layout.setdefault("shapes", [])
    annotations = layout.setdefault("annotations", [])
    for step, pin in enumerate(shown):
        start = max(_midnight(pin.starts), first).isoformat()
        if pin.ends is None:
            shapes.append(
                {
                    "line": {"color": PIN_COLOUR, "dash": "dash", "width": 1.5},
                    "type": "line",
                    "x0": start,
                    "x1": start,
                    "xref": "x",
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                }
            )
        else:
            end = min(_midnight(pin.ends + dt.timedelta(days=1)), last)
            shapes.append(
                {
                    "fillcolor": PIN_COLOUR,
                    "layer": "below",
                    "line": {"width": 0},
                    "opacity": 0.12,
                    "type": "rect",
                    "x0": start,
                    "x1": end.isoformat(),
                    "xref": "x",
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                }
            )
        annotations.append(
            {
                "font": {"color": PIN_COLOUR, "size": 12},
                "hovertext": _when(pin),
                "showarrow": False,
                "text": pin.label,
                "x": start,
                "xanchor": "left",
                "xref": "x",
                "y": 1,
                "yanchor": "bottom",
                "yref": "paper",
                "yshift": (step % LABEL_STEPS) * LABEL_STEP_PX,
            }
        )
    margin = layout.setdefault("margin", {})
    margin["t"] = max(margin.get("t") or 0, PINNED_TOP_MARGIN)
    return figure


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _when(pin: Pin) -> str:
    if pin.ends is None:
        return f"{pin.label}: {pin.starts:%-d %b %Y}"
    return f"{pin.label}: {pin.starts:%-d %b %Y} – {pin.ends:%-d %b %Y}"
