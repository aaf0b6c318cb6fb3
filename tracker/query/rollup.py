"""Where the timeline's counts and sums are read from for a filter: the `event_rollup`
table when the filter only asks for dates, countries, types and statuses (a few
thousand rows per year, whatever the number of events), else the `event` table.

Both sources offer the same aggregate expressions (`Tally`), so each aggregation is
written once. The rollup is kept exact by database triggers (migration 0006)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import ColumnElement, case, func

from tracker.models import Event, EventRollup
from tracker.query.filters import EventFilter, one_of

# The filter fields a rollup row can answer; any other narrows by something it
# does not keep (actors, places, modes, words, fatality thresholds, flagged figures).
ROLLUP_FIELDS = frozenset({"since", "until", "event_types", "countries", "statuses"})


@dataclass(frozen=True)
class Tally:
    """Columns to group by and aggregates to select, over one source, with the
    conditions that apply the filter to it."""

    date_start: ColumnElement
    date_last: ColumnElement
    event_type: ColumnElement
    quad_class: ColumnElement
    date_precision: ColumnElement
    where: list[ColumnElement[bool]]
    events: ColumnElement  # how many events
    events_if: Callable[[ColumnElement[bool]], ColumnElement]  # how many where ...
    score_sum: ColumnElement
    fatal_events: ColumnElement  # events with any fatality figure
    fatal_best: ColumnElement
    fatal_low: ColumnElement
    fatal_high: ColumnElement
    children_killed: ColumnElement


def uses_rollup(event_filter: EventFilter) -> bool:
    """True when every condition of the filter is one a rollup row can answer."""
    return all(
        _unset(getattr(event_filter, field.name))
        for field in fields(event_filter)
        if field.name not in ROLLUP_FIELDS
    )


def _unset(value: object) -> bool:
    """True when a filter field asks nothing: empty, or a yes/no left at no (False,
    but not a threshold of 0, which == False would also match)."""
    return value is None or value is False or value in ((), "")


def tally(event_filter: EventFilter) -> Tally:
    """The cheapest exact source for this filter's aggregates."""
    if uses_rollup(event_filter):
        return _rollup_tally(event_filter)
    return _event_tally(event_filter)


def _rollup_tally(event_filter: EventFilter) -> Tally:
    rollup = EventRollup
    where: list[ColumnElement[bool]] = []
    if event_filter.since is not None:
        where.append(rollup.date_last >= event_filter.since)
    if event_filter.until is not None:
        where.append(rollup.date_start <= event_filter.until)
    if event_filter.event_types:
        types = [t.upper() for t in event_filter.event_types]
        where.append(one_of(rollup.event_type, types))
    # As EventFilter.conditions: confirmed and disputed unless statuses are named.
    where.append(one_of(rollup.status, event_filter.counted_statuses()))
    if event_filter.countries:
        where.append(
            one_of(rollup.country, [c.upper() for c in event_filter.countries])
        )
    return Tally(
        date_start=rollup.date_start,
        date_last=rollup.date_last,
        event_type=rollup.event_type,
        quad_class=rollup.quad_class,
        date_precision=rollup.date_precision,
        where=where,
        events=func.sum(rollup.events),
        events_if=lambda condition: func.sum(case((condition, rollup.events), else_=0)),
        score_sum=func.sum(rollup.score_sum),
        fatal_events=func.sum(rollup.fatal_events),
        fatal_best=func.sum(rollup.fatal_best),
        fatal_low=func.sum(rollup.fatal_low),
        fatal_high=func.sum(rollup.fatal_high),
        children_killed=func.sum(rollup.children_killed),
    )


def _event_tally(event_filter: EventFilter) -> Tally:
    best = func.coalesce(
        Event.fatalities_best, Event.fatalities_low, Event.fatalities_high
    )
    return Tally(
        date_start=Event.date_start,
        date_last=func.coalesce(Event.date_end, Event.date_start),
        event_type=Event.event_type,
        quad_class=Event.quad_class,
        date_precision=Event.date_precision,
        where=event_filter.conditions(),
        events=func.count(),
        events_if=lambda condition: func.sum(case((condition, 1), else_=0)),
        score_sum=func.sum(Event.score),
        fatal_events=func.count(best),
        fatal_best=func.sum(best),
        fatal_low=func.sum(func.coalesce(Event.fatalities_low, best)),
        fatal_high=func.sum(func.coalesce(Event.fatalities_high, best)),
        children_killed=func.sum(Event.children_killed),
    )
