"""The summary (pivot) table equals an independent count, on SQLite and PostgreSQL
(issue 14): every event's date, admin1, country, type, ACLED type, dataset, actors
and fatalities are read with plain SQL, binned and summed here in Python, and
compared cell by cell, row total by row total and with the totals row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

import pytest
from sqlalchemy import text

from tests.conftest import require_shared
from tracker.db import session_scope
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.importing import import_file
from tracker.query.events import count_events
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import Period, period_end
from tracker.query.summary import (
    Cell,
    GroupBy,
    period_filter,
    row_filter,
    summarise,
    summary_csv,
)

FACTS = text(
    """
    SELECT e.id, e.date_start, l.admin1, l.country, e.event_type, e.acled_event_type,
           e.dataset, e.status,
           coalesce(e.fatalities_best, e.fatalities_low, e.fatalities_high)
    FROM event e LEFT JOIN location l ON l.id = e.location_id
    """
)
ROLES = text(
    "SELECT DISTINCT ea.event_id, a.name"
    " FROM event_actor ea JOIN actor a ON a.id = ea.actor_id"
)


def _first_day(period: Period, day: dt.date) -> dt.date:
    if period is Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def independent_table(
    session, group_by: GroupBy, period: Period, since: dt.date, until: dt.date
):
    """{row value: {period start: Cell}} and {period start: Cell}, for confirmed and
    disputed one-day events (all of this test's) inside since..until."""
    actors = defaultdict(set)
    for event_id, name in session.execute(ROLES):
        actors[event_id].add(name)
    cells: dict = defaultdict(lambda: defaultdict(Cell))
    totals: dict = defaultdict(Cell)
    column = {
        GroupBy.ADMIN1: 2,
        GroupBy.COUNTRY: 3,
        GroupBy.EVENT_TYPE: 4,
        GroupBy.ACLED_TYPE: 5,
        GroupBy.DATASET: 6,
    }
    for row in session.execute(FACTS):
        day = row[1] if isinstance(row[1], dt.date) else dt.date.fromisoformat(row[1])
        if row[7] not in ("confirmed", "disputed") or not since <= day <= until:
            continue
        start = max(_first_day(period, day), since)
        cell = Cell(1, row[8] or 0)
        totals[start] += cell
        values = (
            actors[row[0]] or {None}
            if group_by is GroupBy.ACTOR
            else {row[column[group_by]]}
        )
        for value in values:
            cells[value][start] += cell
    return cells, totals


@pytest.fixture
def acled_sample(engine):
    path = require_shared() / "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
    with session_scope(engine) as session:
        import_file(session, path, format_name=ACLED_FORMAT.name)
    return engine


@pytest.mark.parametrize("group_by", list(GroupBy))
@pytest.mark.parametrize("period", [Period.WEEK, Period.MONTH, Period.YEAR])
def test_every_cell_and_total_equals_an_independent_count(
    acled_sample, group_by, period
):
    since, until = dt.date(2023, 3, 15), dt.date(2024, 2, 20)
    event_filter = EventFilter(since=since, until=until)
    with session_scope(acled_sample) as session:
        summary = summarise(session, event_filter, period, group_by)
        cells, totals = independent_table(session, group_by, period, since, until)
        counted = count_events(session, event_filter)
    assert summary.total.events == counted == sum(c.events for c in totals.values())
    assert summary.total.fatalities == sum(c.fatalities for c in totals.values())
    assert summary.period_totals == dict(totals)
    assert {row.value: row.cells for row in summary.rows} == {
        value: dict(by_period) for value, by_period in cells.items()
    }
    for row in summary.rows:
        assert row.total == sum(row.cells.values(), Cell())
    if group_by is not GroupBy.ACTOR:
        assert sum((row.total for row in summary.rows), Cell()) == summary.total
    # Columns run without a gap from the first period to the last.
    starts = summary.periods
    assert starts[0] == since
    assert starts[-1] == _first_day(period, until)
    for before, after in zip(starts, starts[1:], strict=False):
        assert after == period_end(before, period) + dt.timedelta(days=1)
    assert summary.total.events > 500  # the sample's 2023-24 events are here


def test_a_cells_link_filter_lists_exactly_its_events(acled_sample):
    """The filter a cell links to (its row's value, its period's dates) counts what
    the cell says, for every cell of a month-by-admin1 table."""
    event_filter, _ = parse_filter(
        {"datasets": ["acled"], "since": "2023-01-01", "until": "2023-12-31"}
    )
    with session_scope(acled_sample) as session:
        summary = summarise(session, event_filter, Period.MONTH, GroupBy.ADMIN1)
        for row in summary.rows[:6]:
            narrowed = row_filter(event_filter, GroupBy.ADMIN1, row.value)
            assert count_events(session, narrowed) == row.total.events
            for start, cell in row.cells.items():
                one = period_filter(narrowed, Period.MONTH, start)
                assert count_events(session, one) == cell.events, (row.value, start)


def test_the_csv_holds_every_row_and_both_measures(acled_sample):
    event_filter = EventFilter(since=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31))
    with session_scope(acled_sample) as session:
        summary = summarise(session, event_filter, Period.YEAR, GroupBy.ACTOR)
    lines = list(csv.reader(io.StringIO(summary_csv(summary))))
    assert lines[0] == [
        "Actor",
        "2023 events",
        "2023 fatalities",
        "total events",
        "total fatalities",
    ]
    assert len(lines) == 1 + len(summary.rows) + 1
    assert lines[-1] == [
        "Total (each event once)",
        str(summary.total.events),
        str(summary.total.fatalities),
        str(summary.total.events),
        str(summary.total.fatalities),
    ]
    by_actor = {line[0]: int(line[1]) for line in lines[1:-1]}
    assert by_actor == {row.value or "": row.total.events for row in summary.rows}


def test_an_empty_filter_gives_an_empty_table(engine):
    with session_scope(engine) as session:
        summary = summarise(session, EventFilter(), Period.MONTH, GroupBy.ADMIN1)
    assert summary.rows == [] and summary.periods == [] and summary.total == Cell()
