"""Aggregations over a filter, computed in SQL: counts per period and type, date bounds.

Date bucketing differs between SQLite and PostgreSQL; `period_start` is the one place
that knows both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Date, cast, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from tracker.filters import EventFilter
from tracker.models import Event


class Period(StrEnum):
    """The width of one bin on a time axis."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class PeriodCount:
    """How many events of one type started in one period."""

    period_start: dt.date
    event_type: str
    quad_class: int
    count: int


def period_start(dialect: str, period: Period) -> ColumnElement:
    """SQL for the first day of the period holding Event.date_start.

    Weeks start on Monday."""
    if dialect == "postgresql":
        if period is Period.DAY:
            return Event.date_start
        return cast(func.date_trunc(period.value, Event.date_start), Date)
    # SQLite keeps dates as ISO text; its date() modifiers give the period's first day.
    match period:
        case Period.DAY:
            return func.date(Event.date_start)
        case Period.WEEK:
            # Forward to the week's Sunday (a Sunday stays), then back to its Monday.
            return func.date(Event.date_start, "weekday 0", "-6 days")
        case Period.MONTH:
            return func.date(Event.date_start, "start of month")
        case Period.YEAR:
            return func.date(Event.date_start, "start of year")


def choose_period(first: dt.date, last: dt.date) -> Period:
    """A bin width that gives a readable number of bars for the span first..last."""
    days = (last - first).days
    if days <= 92:
        return Period.DAY
    if days <= 3 * 365:
        return Period.WEEK
    return Period.MONTH


def date_bounds(
    session: Session, event_filter: EventFilter
) -> tuple[dt.date, dt.date] | None:
    """The earliest start and latest end of the matching events.

    None if no event matches."""
    query = select(
        func.min(Event.date_start),
        func.max(func.coalesce(Event.date_end, Event.date_start)),
    ).where(*event_filter.conditions())
    first, last = session.execute(query).one()
    if first is None:
        return None
    return _as_date(first), _as_date(last)


def count_events_by_period(
    session: Session, event_filter: EventFilter, period: Period
) -> list[PeriodCount]:
    """Matching events counted per period start and PLOVER type, in date order."""
    bucket = period_start(session.get_bind().dialect.name, period).label("period_start")
    query = (
        select(bucket, Event.event_type, Event.quad_class, func.count().label("n"))
        .where(*event_filter.conditions())
        .group_by(bucket, Event.event_type, Event.quad_class)
        .order_by(bucket, Event.event_type)
    )
    return [
        PeriodCount(_as_date(start), event_type, quad, count)
        for start, event_type, quad, count in session.execute(query)
    ]


def count_events_by_precision(
    session: Session, event_filter: EventFilter
) -> dict[str, int]:
    """How many matching events are dated to the day, week, month or year."""
    query = (
        select(Event.date_precision, func.count())
        .where(*event_filter.conditions())
        .group_by(Event.date_precision)
    )
    return {str(precision): int(count) for precision, count in session.execute(query)}


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """SQLite returns ISO text where PostgreSQL returns dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])
