"""Keyset-paged listings of events, built from the Core tables alone.

`tracker list` reads its lines through `list_events` on a plain connection, without
importing SQLModel, pydantic or the models (about a second of start-up, issue #19);
the dashboard calls it with a session. Both go through this one function and the
one filter object, so their lines cannot differ. Whole records are in
`tracker.query.events`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from tracker.query.filters import EventFilter
from tracker.tables import event, location

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

# Listings sort by one of these keys; each ends with columns that make the order total
# (date, then id), so a cursor of the key's values pages without skipping or repeating
# rows. Type and fatalities sort within a value by date, which reads better than by id
# and, for type, follows the index (event_type, date_start) and its implicit id.
SORT_KEYS = ("date_start", "event_type", "fatalities_best")
# Unknown fatalities sort as -1: below zero, so first ascending and last descending.
UNKNOWN_FATALITIES = -1

Cursor = tuple[Any, ...]


@dataclass(frozen=True)
class EventRow:
    """One line of a listing: enough to show and sort, not the whole record."""

    id: int
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str
    event_type: str
    mode: str | None
    title: str
    place: str | None
    country: str | None
    fatalities_best: int | None
    status: str
    figures_flag: str | None = None  # why the figures are out of order, if they are
    version: int = 1  # what a write checks it started from (the table's bulk edit)

    def cursor(self, sort: str = "date_start") -> Cursor:
        """The keyset cursor that resumes a listing sorted by `sort` after this row."""
        _check_sort(sort)
        if sort == "event_type":
            return (self.event_type, self.date_start, self.id)
        if sort == "fatalities_best":
            fatalities = self.fatalities_best
            known = fatalities if fatalities is not None else UNKNOWN_FATALITIES
            return (known, self.date_start, self.id)
        return (self.date_start, self.id)


def _check_sort(sort: str) -> None:
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort by {sort!r}; expected one of {SORT_KEYS}")


def _sort_columns(sort: str) -> list[ColumnElement]:
    _check_sort(sort)
    if sort == "event_type":
        return [event.c.event_type, event.c.date_start, event.c.id]
    if sort == "fatalities_best":
        known = func.coalesce(event.c.fatalities_best, UNKNOWN_FATALITIES)
        return [known, event.c.date_start, event.c.id]
    return [event.c.date_start, event.c.id]


def list_events(
    session: Session | Connection,
    event_filter: EventFilter,
    *,
    limit: int = 50,
    after: Cursor | None = None,
    sort: str = "date_start",
    descending: bool = False,
    offset: int = 0,
) -> list[EventRow]:
    """Up to `limit` matching events sorted by `sort`, starting after the cursor.

    This is keyset paging: `after` is `EventRow.cursor(sort)` of the last row seen,
    e.g. `(date_start, id)` for the default date order. `offset` is only for a caller
    that jumps to a page whose cursor it does not know; it costs a scan of the rows
    skipped, so deep pages should always come with a cursor."""
    columns = _sort_columns(sort)
    order = [c.desc() for c in columns] if descending else columns
    query = (
        select(
            event.c.id,
            event.c.date_start,
            event.c.date_end,
            event.c.date_precision,
            event.c.event_type,
            event.c.mode,
            event.c.title,
            location.c.name,
            location.c.country,
            event.c.fatalities_best,
            event.c.status,
            event.c.figures_flag,
            event.c.version,
        )
        .outerjoin(location, location.c.id == event.c.location_id)
        .where(*event_filter.conditions())
        .order_by(*order)
        .limit(limit)
    )
    if after is not None:
        query = query.where(_beyond(columns, after, descending=descending))
    if offset:
        query = query.offset(offset)
    return [EventRow(*row) for row in session.execute(query).all()]


def _beyond(
    columns: Sequence[ColumnElement], cursor: Cursor, *, descending: bool = False
) -> ColumnElement[bool]:
    """Rows after `cursor` in the order of `columns`, compared lexicographically.

    Spelled out as OR/AND (not a row-value comparison) so each comparison binds its
    value with its column's type, the same way on SQLite and PostgreSQL."""
    if len(cursor) != len(columns):
        raise ValueError(
            f"a cursor for this order has {len(columns)} values, got {len(cursor)}"
        )
    condition: ColumnElement[bool] | None = None
    for column, value in reversed(list(zip(columns, cursor, strict=True))):
        step = column < value if descending else column > value
        condition = (
            step if condition is None else or_(step, and_(column == value, condition))
        )
    # Redundant but exact: a bound on the first column alone, which an index on it
    # can start from (PostgreSQL applies the OR above only as a filter, after
    # reading every row from the filter's start to the cursor).
    first, value = columns[0], cursor[0]
    return and_(first <= value if descending else first >= value, condition)


def cursor_to_token(cursor: Cursor) -> list[str | int]:
    """A cursor as JSON-friendly values (dates as ISO text), e.g. for a page store."""
    return [v.isoformat() if isinstance(v, dt.date) else v for v in cursor]


def cursor_from_token(sort: str, token: Sequence[Any]) -> Cursor:
    """Read back a `cursor_to_token` value for a listing sorted by `sort`.

    Raises ValueError when the token does not fit that order."""
    _check_sort(sort)
    kinds: dict[str, tuple[type, ...]] = {
        "date_start": (dt.date, int),
        "event_type": (str, dt.date, int),
        "fatalities_best": (int, dt.date, int),
    }
    expected = kinds[sort]
    if len(token) != len(expected):
        raise ValueError(f"a {sort} cursor has {len(expected)} values, got {token!r}")
    values: list[Any] = []
    for kind, value in zip(expected, token, strict=True):
        if kind is dt.date:
            values.append(dt.date.fromisoformat(str(value)))
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"expected a whole number in a cursor, got {value!r}")
            values.append(value)
        else:
            values.append(str(value))
    return tuple(values)


def keyset_after(cursor: Cursor) -> ColumnElement[bool]:
    """Events after `cursor` (a date_start and an id) in date order."""
    return _beyond(_sort_columns("date_start"), cursor)
