"""Dates with their precision.

The interval an event may cover, and how to say it honestly."""

from __future__ import annotations

import calendar
import datetime as dt

from tracker.vocab.codes import DatePrecision


def covered_interval(
    date_start: dt.date, date_end: dt.date | None, precision: str
) -> tuple[dt.date, dt.date]:
    """The first and last day an event may fall on, given its dates and precision.

    An explicit end wins; otherwise a week spans Monday to Sunday, a month its month
    and a year its year, so a month-precision event is drawn across its month."""
    if date_end is not None:
        return date_start, date_end
    match DatePrecision(precision):
        case DatePrecision.WEEK:
            monday = date_start - dt.timedelta(days=date_start.weekday())
            return monday, monday + dt.timedelta(days=6)
        case DatePrecision.MONTH:
            last = calendar.monthrange(date_start.year, date_start.month)[1]
            return date_start.replace(day=1), date_start.replace(day=last)
        case DatePrecision.YEAR:
            return date_start.replace(month=1, day=1), date_start.replace(
                month=12, day=31
            )
        case _:
            return date_start, date_start


def describe_date(date_start: dt.date, date_end: dt.date | None, precision: str) -> str:
    """Describe a date range at its precision.

    E.g. '24 May 2025 (day)', '24–25 May 2025 (week)', 'May 2025 (month)',
    '2025 (year)'."""
    start, end = date_start, date_end or date_start
    if precision == DatePrecision.YEAR and start.year == end.year:
        text = str(start.year)
    elif precision == DatePrecision.MONTH and (start.year, start.month) == (
        end.year,
        end.month,
    ):
        text = start.strftime("%B %Y")
    elif start == end:
        text = f"{start.day} {start:%B %Y}"
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{end.day} {start:%B %Y}"
    elif start.year == end.year:
        text = f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    else:
        text = f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
    return f"{text} ({precision})"
