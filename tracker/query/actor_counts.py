"""Each actor's matching events and marks, which rank the swimlanes: read from the
`actor_rollup` table when the filter only asks for dates, countries, types and
statuses, else counted over the events' roles.

The rollup counts per start and last year. Rows whose years lie inside the filter's
dates match whole; events in a year the filter cuts (since 15 March) are counted
from the events themselves, only those: whole years and the event table's edges
add up to the matching events, each counted once. Migration 0009 keeps the rollup
exact."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, distinct, func, select, union_all

from tracker.models import ActorRollup, Event, EventActor
from tracker.query.filters import EventFilter, one_of
from tracker.query.rollup import uses_rollup


def actor_counts(event_filter: EventFilter) -> Select:
    """SELECT actor_id, events, marks: per actor with matching events, the events
    it is in and its roles in them (an actor in two roles of one event: two marks)."""
    if not uses_rollup(event_filter):
        return _counted(event_filter.conditions())
    first, last = _whole_years(event_filter)
    if first is not None and last is not None and first > last:
        return _counted(event_filter.conditions())  # within one year: no whole year
    parts = [_from_rollup(event_filter, first, last)]
    matching = event_filter.conditions()
    if event_filter.since is not None and first != event_filter.since.year:
        # Events ending in the year `since` cuts.
        before = dt.date(event_filter.since.year, 12, 31)
        parts.append(
            _counted(
                [
                    *matching,
                    func.coalesce(Event.date_end, Event.date_start) <= before,
                    Event.date_start <= before,  # the same, for the date index
                ]
            )
        )
    if event_filter.until is not None and last != event_filter.until.year:
        # Events starting in the year `until` cuts, less those counted just above.
        after = [*matching, Event.date_start >= dt.date(event_filter.until.year, 1, 1)]
        if len(parts) > 1:
            after.append(
                func.coalesce(Event.date_end, Event.date_start)
                > dt.date(event_filter.since.year, 12, 31)
            )
        parts.append(_counted(after))
    if len(parts) == 1:
        return parts[0]
    both = union_all(*parts).subquery()
    return select(
        both.c.actor_id,
        func.sum(both.c.events).label("events"),
        func.sum(both.c.marks).label("marks"),
    ).group_by(both.c.actor_id)


def _whole_years(event_filter: EventFilter) -> tuple[int | None, int | None]:
    """The first and last year the filter's dates take whole (None: unbounded)."""
    first = last = None
    if (since := event_filter.since) is not None:
        first = since.year if (since.month, since.day) == (1, 1) else since.year + 1
    if (until := event_filter.until) is not None:
        last = until.year if (until.month, until.day) == (12, 31) else until.year - 1
    return first, last


def _from_rollup(event_filter: EventFilter, first: int | None, last: int | None):
    rollup = ActorRollup
    where = [one_of(rollup.status, event_filter.counted_statuses())]
    if first is not None:
        where.append(rollup.year_last >= first)
    if last is not None:
        where.append(rollup.year_start <= last)
    if event_filter.event_types:
        where.append(
            one_of(rollup.event_type, [t.upper() for t in event_filter.event_types])
        )
    if event_filter.countries:
        where.append(
            one_of(rollup.country, [c.upper() for c in event_filter.countries])
        )
    return (
        select(
            rollup.actor_id,
            func.sum(rollup.events).label("events"),
            func.sum(rollup.marks).label("marks"),
        )
        .where(*where)
        .group_by(rollup.actor_id)
    )


def _counted(conditions) -> Select:
    """Per actor, the events matching `conditions` and the roles in them."""
    matching = select(Event.id).where(*conditions)
    return (
        select(
            EventActor.actor_id,
            func.count(distinct(EventActor.event_id)).label("events"),
            func.count().label("marks"),
        )
        .where(EventActor.event_id.in_(matching))
        .group_by(EventActor.actor_id)
    )
