"""The summary table (a pivot): matching events and their fatalities per period, in
rows by one dimension (admin1, country, actor, PLOVER type, ACLED type or dataset),
with totals, computed in SQL.

Periods are the timeline's bins (`tracker.query.stats.bin_start`): an event counts
in the period it starts in, or in the window's first when it began before `since`,
so a summary and the timeline of one filter give the same figures. Fatalities are
the headline's: the best estimate, else the low, else the high one.

By actor, an event counts once in the row of each actor it names (an actor in two
roles of one event, once), so the rows add up to more than the events: the totals
row counts each event once, and says so."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session

from tracker.models import Actor, Event, EventActor, EventRollup, Location
from tracker.query.filters import EventFilter
from tracker.query.rollup import tally, uses_rollup
from tracker.query.stats import (
    Period,
    as_date,
    bin_start,
    period_end,
    period_floor,
)

# Rows beyond this many are left off the page (the busiest are kept); the CSV
# download has them all.
SHOWN_ROWS = 200


class GroupBy(StrEnum):
    """What the summary's rows are."""

    ADMIN1 = "admin1"
    COUNTRY = "country"
    ACTOR = "actor"
    EVENT_TYPE = "event_type"
    ACLED_TYPE = "acled_event_type"
    DATASET = "dataset"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]

    @property
    def filter_field(self) -> str:
        """The EventFilter field that narrows to one row's events."""
        return FILTER_FIELDS[self]


GROUP_LABELS = {
    GroupBy.ADMIN1: "Admin1",
    GroupBy.COUNTRY: "Country",
    GroupBy.ACTOR: "Actor",
    GroupBy.EVENT_TYPE: "PLOVER type",
    GroupBy.ACLED_TYPE: "ACLED type",
    GroupBy.DATASET: "Dataset",
}
FILTER_FIELDS = {
    GroupBy.ADMIN1: "admin1",
    GroupBy.COUNTRY: "countries",
    GroupBy.ACTOR: "actors",
    GroupBy.EVENT_TYPE: "event_types",
    GroupBy.ACLED_TYPE: "acled_event_types",
    GroupBy.DATASET: "datasets",
}
# The column of each dimension but the actor (see _by_actor).
ROW_COLUMNS = {
    GroupBy.ADMIN1: Location.admin1,
    GroupBy.COUNTRY: Location.country,
    GroupBy.EVENT_TYPE: Event.event_type,
    GroupBy.ACLED_TYPE: Event.acled_event_type,
    GroupBy.DATASET: Event.dataset,
}
# The rows the timeline's rollup can give.
ROLLUP_GROUPS = (GroupBy.COUNTRY, GroupBy.EVENT_TYPE)
# The periods a summary offers (a day per column is a listing, not a summary).
SUMMARY_PERIODS = (Period.WEEK, Period.MONTH, Period.YEAR)


@dataclass(frozen=True)
class Cell:
    """Events and their fatalities in one row and period (or a total)."""

    events: int = 0
    fatalities: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.events + other.events, self.fatalities + other.fatalities)


@dataclass(frozen=True)
class SummaryRow:
    """One row: its value (None: events without one, such as no admin1), its cells
    by period start, and its total."""

    value: str | None
    cells: dict[dt.date, Cell]
    total: Cell


@dataclass(frozen=True)
class Summary:
    """The whole table for one filter, period and dimension."""

    period: Period
    group_by: GroupBy
    periods: list[dt.date]  # the columns: every period holding a matching event
    rows: list[SummaryRow]  # busiest first (events, then fatalities, then name)
    period_totals: dict[dt.date, Cell]  # each event once
    total: Cell  # each event once

    @property
    def rows_add_up(self) -> bool:
        """Whether the rows sum to the totals (not by actor: see the module)."""
        return self.group_by is not GroupBy.ACTOR


def summarise(
    session: Session, event_filter: EventFilter, period: Period, group_by: GroupBy
) -> Summary:
    """The summary table of the events matching `event_filter`."""
    dialect = session.get_bind().dialect.name
    found: dict[str | None, dict[dt.date, Cell]] = {}
    for value, start, events, fatalities in session.execute(
        _grouped(event_filter, period, group_by, dialect)
    ):
        cells = found.setdefault(None if value is None else str(value), {})
        cells[as_date(start)] = Cell(int(events), int(fatalities or 0))
    period_totals = _period_totals(session, event_filter, period, dialect)
    rows = [
        SummaryRow(value, cells, sum(cells.values(), Cell()))
        for value, cells in found.items()
    ]
    # Busiest first; events without a value (no admin1, no actor ...) last.
    rows.sort(
        key=lambda r: (r.value is None, -r.total.events, -r.total.fatalities, r.value)
    )
    return Summary(
        period=period,
        group_by=group_by,
        periods=_every_period(
            period, _column_span(event_filter, period, period_totals)
        ),
        rows=rows,
        period_totals=period_totals,
        total=sum(period_totals.values(), Cell()),
    )


def _grouped(
    event_filter: EventFilter, period: Period, group_by: GroupBy, dialect: str
) -> Select:
    """SELECT value, period start, events, fatalities per row value and period."""
    if group_by in ROLLUP_GROUPS and uses_rollup(event_filter):
        # The rollup keeps both: a few thousand rows a year, whatever the events.
        source = tally(event_filter)
        column = (
            EventRollup.event_type
            if group_by is GroupBy.EVENT_TYPE
            else func.nullif(EventRollup.country, "")  # '' there: no country
        )
        bucket = bin_start(dialect, period, event_filter, source.date_start)
        return (
            select(column, bucket, source.events, source.fatal_best)
            .where(*source.where)
            .group_by(column, bucket)
        )
    bucket = bin_start(dialect, period, event_filter, Event.date_start)
    best = func.coalesce(
        Event.fatalities_best, Event.fatalities_low, Event.fatalities_high
    )
    conditions = event_filter.conditions()
    if group_by is GroupBy.ACTOR:
        return _by_actor(bucket, best, conditions)
    column = ROW_COLUMNS[group_by]
    query = select(column, bucket, func.count(), func.sum(best)).select_from(Event)
    if column.table is Location.__table__:
        # Outer: events without a place get a row of their own.
        query = query.outerjoin(Location, Location.id == Event.location_id)
    return query.where(*conditions).group_by(column, bucket)


def _by_actor(bucket: ColumnElement, best: ColumnElement, conditions) -> Select:
    """Per actor and period: each matching event once per actor it names, whatever
    the actor's roles in it; events without an actor in a row of their own."""
    named = (
        select(
            Event.id,
            EventActor.actor_id,
            bucket.label("period_start"),
            best.label("killed"),
        )
        .outerjoin(EventActor, EventActor.event_id == Event.id)
        .where(*conditions)
        .distinct()
        .subquery()
    )
    return (
        select(
            Actor.name,
            named.c.period_start,
            func.count(),
            func.sum(named.c.killed),
        )
        .select_from(named)
        .outerjoin(Actor, Actor.id == named.c.actor_id)
        .group_by(Actor.name, named.c.period_start)
    )


def _period_totals(
    session: Session, event_filter: EventFilter, period: Period, dialect: str
) -> dict[dt.date, Cell]:
    """Each period's matching events, each counted once, and their fatalities."""
    source = tally(event_filter)
    bucket = bin_start(dialect, period, event_filter, source.date_start)
    query = (
        select(bucket, source.events, source.fatal_best)
        .where(*source.where)
        .group_by(bucket)
    )
    return {
        as_date(start): Cell(int(events), int(fatalities or 0))
        for start, events, fatalities in session.execute(query)
    }


def _column_span(
    event_filter: EventFilter, period: Period, found: dict[dt.date, Cell]
) -> tuple[dt.date, dt.date] | None:
    """The first and last column: the filter's dates where it gives them (2023 by
    month is twelve columns, even when January is empty), else the periods of the
    first and last matching events. None: no event matches, no column."""
    if not found:
        return None
    first, last = min(found), max(found)
    if event_filter.since is not None:
        first = event_filter.since  # its bin starts there (stats.bin_start)
    if event_filter.until is not None:
        last = max(last, period_floor(event_filter.until, period))
    return first, last


def _every_period(
    period: Period, span: tuple[dt.date, dt.date] | None
) -> list[dt.date]:
    """Every period from the first to the last, the empty ones too: a month
    without events is a column of zeros, not a missing column."""
    if span is None:
        return []
    first, last = span
    periods = [first]
    while periods[-1] < last:
        periods.append(period_end(periods[-1], period) + dt.timedelta(days=1))
    return periods


def row_filter(event_filter: EventFilter, group_by: GroupBy, value: str) -> EventFilter:
    """The filter narrowed to one row's events (a cell's link, with the period's
    dates); the row's value replaces any the filter had for that field."""
    return replace(event_filter, **{group_by.filter_field: (value,)})


def period_filter(
    event_filter: EventFilter, period: Period, start: dt.date
) -> EventFilter:
    """The filter narrowed to one period's dates (inside the filter's own)."""
    end = period_end(start, period)
    since = max(start, event_filter.since) if event_filter.since else start
    until = min(end, event_filter.until) if event_filter.until else end
    return replace(event_filter, since=since, until=until)


def period_label(period: Period, start: dt.date) -> str:
    """A column's heading: 2022-W09, 2022-03 or 2022."""
    match period:
        case Period.WEEK:
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        case Period.MONTH:
            return f"{start:%Y-%m}"
        case Period.YEAR:
            return f"{start:%Y}"
        case _:
            return start.isoformat()


def summary_csv(summary: Summary) -> str:
    """The table as CSV: a row per value (all of them), events and fatalities per
    period and in all, the totals (each event once) last."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [summary.group_by.label]
    for start in summary.periods:
        label = period_label(summary.period, start)
        header += [f"{label} events", f"{label} fatalities"]
    writer.writerow([*header, "total events", "total fatalities"])
    for row in summary.rows:
        cells = [row.cells.get(start, Cell()) for start in summary.periods]
        writer.writerow(
            [
                row.value if row.value is not None else "",
                *[v for c in cells for v in (c.events, c.fatalities)],
                row.total.events,
                row.total.fatalities,
            ]
        )
    totals = [summary.period_totals.get(s, Cell()) for s in summary.periods]
    label = "Total (each event once)"
    writer.writerow(
        [
            label,
            *[v for c in totals for v in (c.events, c.fatalities)],
            summary.total.events,
            summary.total.fatalities,
        ]
    )
    return out.getvalue()
