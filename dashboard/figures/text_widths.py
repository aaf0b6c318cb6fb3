"""How wide a chart's labels are drawn, known before the browser draws them.

Plotly's automargin measures the axis labels after drawing a chart and, when they
do not fit the margin given, draws the whole chart again: half of its drawing time
(bench/GAPS.md). A margin computed here from the labels is the one automargin would
settle on, so the chart is drawn once. The charts are set in Arial, or a font with
its widths (Liberation Sans on Linux, Helvetica on macOS), so the widths below hold
on every machine that has one of them; where none is installed the browser's
fallback font may be wider, and automargin, left on, still makes room: nothing is
cut, the chart is only drawn twice."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable

CHART_FONT_FAMILY = 'Arial, "Liberation Sans", Helvetica, sans-serif'
TICK_FONT_PX = 12  # Plotly's default size, which the charts keep

# What a one-line axis title, the tick marks and the gaps between them take beside
# the labels: measured in Chromium, the left margin Plotly settles on minus the
# widest label, 37.5-38.2 px for every set of labels tried.
AXIS_TITLE_AND_TICKS_PX = 38
SLACK_PX = 3

# Advance widths in thousandths of an em of Arial's printable ASCII (the metrics
# Arial shares with Helvetica and Liberation Sans), as Chromium measures them.
# fmt: off
_ADVANCE = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        (
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,
            278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
            584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
            500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
            667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
            278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
            278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ),
        strict=True,
    )
)
# fmt: on
# Letters of other scripts (Cyrillic runs from 365 to 1010 in Arial, CJK 1000):
# a width near the wide ones, so a long name in them rarely needs a second draw,
# without giving every such name a margin for the widest letter.
_OTHER_ADVANCE = 750


def text_width_px(text: str, size_px: float = TICK_FONT_PX) -> float:
    """The width of `text` in Arial at `size_px`, without kerning (which only
    narrows it). An accented letter is as wide as its base letter."""
    thousandths = 0
    for character in unicodedata.normalize("NFD", text):
        if unicodedata.combining(character):
            continue
        thousandths += _ADVANCE.get(character, _OTHER_ADVANCE)
    return thousandths * size_px / 1000


def left_margin_for_labels(labels: Iterable[str]) -> int:
    """The left margin that holds a y axis's tick `labels` and its one-line title."""
    widest = max((text_width_px(label) for label in labels), default=0.0)
    return math.ceil(widest) + AXIS_TITLE_AND_TICKS_PX + SLACK_PX
