"""What the charts and the map share: colours per PLOVER type, text Plotly shows
literally, and the blank chart that says why it is blank."""

from __future__ import annotations

import copy
from functools import cache
from html import escape
from typing import Any

import plotly.graph_objects as go

from tracker.vocab import taxonomy

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


@cache
def _plotly_template() -> dict[str, Any]:
    return go.Figure().to_plotly_json()["layout"]["template"]


def default_template() -> dict[str, Any]:
    """The template `go.Figure()` gives its layout (Plotly's default), as plain data,
    for figures built as plain data; a copy, so no figure shares it with another."""
    return copy.deepcopy(_plotly_template())
