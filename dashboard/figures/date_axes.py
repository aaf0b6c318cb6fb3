"""Date and count axes that read as what they measure, whatever the number of points.

Left to itself Plotly picks ticks from the range alone: one day of data gets hourly
ticks ("23:59:59.999 May 18"), and a count of 3 gets ticks at 0.5. Here the ticks
come from the chart's period (days, weeks, months, years) and counts tick on whole
numbers from zero."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from dashboard.figures.text_widths import left_margin_for_labels
from tracker.query.stats import Period, next_period, period_floor

DAY_MS = 86_400_000
MAX_TICKS = 8  # more labels than this overlap on a card's width

TICK_FORMATS = {
    Period.DAY: "%-d %b %Y",
    Period.WEEK: "%-d %b %Y",
    Period.MONTH: "%b %Y",
    Period.YEAR: "%Y",
}
HOVER_FORMATS = {
    Period.DAY: "%-d %b %Y",
    Period.WEEK: "week of %-d %b %Y",
    Period.MONTH: "%B %Y",
    Period.YEAR: "%Y",
}


def periods_between(first: dt.date, last: dt.date, period: Period) -> list[dt.date]:
    """Every period start from the period of `first` to that of `last`, so that a
    period without data can be drawn as what it is (a gap, or zero)."""
    starts, current, end = [], period_floor(first, period), period_floor(last, period)
    while current <= end:
        starts.append(current)
        current = next_period(current, period)
    return starts


def period_range(
    first: dt.date,
    last: dt.date,
    period: Period,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """The x range of a chart whose points sit on the period starts `first`..`last`,
    padded by half a period so the end bars are drawn whole.

    With a window (the filter's `since`, `until`) the range is the window's periods,
    with or without data at its ends: the chart covers what was asked. A bin outside
    them widens the range rather than vanish; `tracker.query.stats` bins an event that
    began before `since` at the window's start, so there is none."""
    low = min(first, period_floor(since, period)) if since else first
    high = max(last, period_floor(until, period)) if until else last
    before = (low - _previous_period(low, period)) / 2
    after = (next_period(high, period) - high) / 2
    return _midnight(low) - before, _midnight(high) + after


def date_axis(
    period: Period,
    start: dt.datetime,
    end: dt.datetime,
    title: str,
    *,
    label_periods: bool = False,
) -> dict[str, Any]:
    """An x axis over `start`..`end` that ticks on period starts and labels them
    without a time of day: at most `MAX_TICKS` ticks, a whole number of periods
    apart, whatever the number of points.

    With `label_periods`, when the ticks are one period apart each label sits in
    the middle of its period (a day's label across that day), for marks drawn
    over whole days rather than at period starts."""
    count = len(periods_between(start.date(), end.date(), period))
    step = max(1, math.ceil(count / MAX_TICKS))
    tick0 = _first_period_from(start, period)
    if period is Period.MONTH and step > 6:
        # A year or more apart: on Januaries, not on whichever month came first.
        step, tick0 = 12 * math.ceil(step / 12), tick0.replace(month=1)
    dtick: int | str = {
        Period.DAY: step * DAY_MS,
        Period.WEEK: step * 7 * DAY_MS,
        Period.MONTH: f"M{step}",
        Period.YEAR: f"M{12 * step}",
    }[period]
    return {
        "ticklabelmode": "period" if label_periods and step == 1 else "instant",
        "type": "date",
        "title": {"text": title},
        "range": [_plotly_date(start), _plotly_date(end)],
        "autorange": False,
        "tick0": tick0.isoformat(),
        "dtick": dtick,
        "tickformat": TICK_FORMATS[period],
        "hoverformat": HOVER_FORMATS[period],
        "showgrid": True,
    }


def count_axis(largest: int, title: str) -> dict[str, Any]:
    """A y axis for counts: from zero, on whole-number ticks, a little above the
    largest count so the tallest mark is not cut."""
    step = _round_step(largest / 5)
    return {
        "title": {"text": title},
        "range": [0, _count_axis_top(largest)],
        "autorange": False,
        "rangemode": "tozero",
        "tick0": 0,
        "dtick": step,
        "tickformat": "d",
    }


def count_axis_margin(largest: int) -> int:
    """The left margin that holds the labels and the one-line title of
    `count_axis(largest, ...)`, so that Plotly need not widen it and draw the chart
    twice (`text_widths`)."""
    step = _round_step(largest / 5)
    longest_label = int(_count_axis_top(largest) // step) * step
    return left_margin_for_labels([str(longest_label)])


def _count_axis_top(largest: int) -> float:
    return max(1, largest) * 1.12


def _round_step(at_least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `at_least`."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step >= at_least:
                return step
        magnitude *= 10


def _previous_period(start: dt.date, period: Period) -> dt.date:
    """The first day of the period before the one starting on `start`."""
    return period_floor(start - dt.timedelta(days=1), period)


def _first_period_from(moment: dt.datetime, period: Period) -> dt.date:
    """The first period start at or after `moment`: where the ticks begin."""
    start = period_floor(moment.date(), period)
    return start if _midnight(start) >= moment else next_period(start, period)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _plotly_date(moment: dt.datetime) -> str:
    """A date Plotly reads on a date axis, to the minute."""
    return moment.strftime("%Y-%m-%d %H:%M")
