"""The timeline's numbers, computed in SQL over a filter: headline figures, the
conflict-cooperation score and fatalities per period, and actor swimlanes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlmodel import Session

from tracker.models import Actor, Event, EventActor, EventStatus
from tracker.query.actor_counts import actor_counts
from tracker.query.filters import EventFilter
from tracker.query.rollup import tally
from tracker.query.stats import Period, as_date, bin_start, window_bounds

# The most events a walk by date imposed on PostgreSQL is expected to read: about
# 0.2 s on a loaded machine at 7,000 (1M events, PostgreSQL 15, no VACUUM). The
# same as `_walk_by_date`'s "cheap whatever the actors".
IMPOSED_WALK_EVENTS = 20_000


@dataclass(frozen=True)
class Headlines:
    """The row of figures above the charts."""

    events: int
    fatalities_best: int
    fatalities_low: int
    fatalities_high: int
    children_killed: int
    actors: int | None  # None: not counted (see headline_figures)
    first_date: dt.date | None
    last_date: dt.date | None


def headline_figures(
    session: Session, event_filter: EventFilter, *, count_actors: bool = True
) -> Headlines:
    """Events, fatalities (best, low-high), children killed, actors and date span.

    With `count_actors` False the actors are left uncounted (None): the one figure
    that takes a pass over the events' actors, which `actor_swimlanes` also gives
    (`actors_involved`) for a caller that draws both."""
    source = tally(event_filter)
    row = session.execute(
        select(
            source.events,
            source.fatal_best,
            source.fatal_low,
            source.fatal_high,
            source.children_killed,
            func.min(source.date_start),
            func.max(source.date_last),
        ).where(*source.where)
    ).one()
    actors = None
    if count_actors:
        actors = session.execute(
            select(func.count()).select_from(actor_counts(event_filter).subquery())
        ).scalar_one()
    count, total, low, high, children, first, last = row
    if first is not None:
        first, last = window_bounds(event_filter, as_date(first), as_date(last))
    return Headlines(
        events=int(count or 0),
        fatalities_best=int(total or 0),
        fatalities_low=int(low or 0),
        fatalities_high=int(high or 0),
        children_killed=int(children or 0),
        actors=actors,
        first_date=first,
        last_date=last,
    )


@dataclass(frozen=True)
class ScorePoint:
    """One period of the conflict-cooperation line."""

    period_start: dt.date
    mean_score: float
    events: int
    cooperation: int  # talks, agreements, releases...: quad classes 1 and 2
    material_conflict: int  # strikes, assaults...: quad class 4


def score_by_period(
    session: Session, event_filter: EventFilter, period: Period
) -> list[ScorePoint]:
    """Mean PLOVER score per period, with counts of cooperation and of violence."""
    source = tally(event_filter)
    dialect = session.get_bind().dialect.name
    bucket = bin_start(dialect, period, event_filter, source.date_start).label(
        "period_start"
    )
    query = (
        select(
            bucket,
            source.score_sum,
            source.events,
            source.events_if(source.quad_class <= 2),
            source.events_if(source.quad_class == 4),
        )
        .where(*source.where)
        .group_by(bucket)
        .order_by(bucket)
    )
    return [
        ScorePoint(as_date(start), float(total) / n, int(n), int(coop), int(violence))
        for start, total, n, coop, violence in session.execute(query)
    ]


@dataclass(frozen=True)
class FatalityPoint:
    """Deaths in events starting in one period: best, with its low-high band."""

    period_start: dt.date
    best: int
    low: int
    high: int
    events_with_figures: int


def fatalities_by_period(
    session: Session, event_filter: EventFilter, period: Period
) -> list[FatalityPoint]:
    """Fatalities per period (best, and the sums of lows and highs where known)."""
    source = tally(event_filter)
    dialect = session.get_bind().dialect.name
    bucket = bin_start(dialect, period, event_filter, source.date_start).label(
        "period_start"
    )
    query = (
        select(
            bucket,
            source.fatal_best,
            source.fatal_low,
            source.fatal_high,
            source.fatal_events,
        )
        .where(*source.where)
        .group_by(bucket)
        .having(source.fatal_events > 0)
        .order_by(bucket)
    )
    return [
        FatalityPoint(as_date(start), int(b), int(lo), int(hi), int(n))
        for start, b, lo, hi, n in session.execute(query)
    ]


@dataclass(frozen=True)
class LaneMark:
    """One event drawn in one actor's lane."""

    actor: str
    role: str
    event_id: int
    title: str
    event_type: str
    quad_class: int
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str
    fatalities_best: int | None
    status: str = "confirmed"  # a proposal is drawn apart: not yet confirmed


@dataclass(frozen=True)
class Swimlanes:
    """The busiest actors (with event counts) and the marks drawn in their lanes."""

    actors: list[tuple[str, int]]
    marks: list[LaneMark]
    total_marks: int
    actors_involved: int = 0  # distinct actors among all matching events


def actor_swimlanes(
    session: Session, event_filter: EventFilter, *, lanes: int = 8, limit: int = 2000
) -> Swimlanes:
    """The `lanes` busiest actors among matching events and up to `limit` of their
    events, the most recent first, so a million events never reach the browser."""
    # Each actor's events and marks (an actor in two roles of one event has two
    # marks), and, by a window over the actors, how many there are.
    per_actor = actor_counts(event_filter).subquery()
    busiest = session.execute(
        select(
            Actor.id,
            Actor.name,
            per_actor.c.events,
            per_actor.c.marks,
            func.count().over().label("actors"),
        )
        .join(per_actor, per_actor.c.actor_id == Actor.id)
        .order_by(per_actor.c.events.desc(), Actor.name)
        .limit(lanes)
    ).all()
    if not busiest:
        return Swimlanes([], [], 0, 0)
    actor_ids = [row.id for row in busiest]
    total = int(sum(row.marks for row in busiest))
    dialect = session.get_bind().dialect.name
    # Only a walk known to be short is imposed on PostgreSQL: for a filter that
    # matches few events over a long range (an actor's), its own plan reads fewer.
    # Known short, it is also what `_walk_by_date` would pick (it counts only the
    # matching events of the range), so that count is spared.
    impose = (
        dialect == "postgresql"
        and _walk_reads(session, event_filter, total, limit) <= IMPOSED_WALK_EVENTS
    )
    by_date = impose or _walk_by_date(session, event_filter, actor_ids, total, limit)
    query = _newest_marks(event_filter, actor_ids, limit, by_date, dialect)
    with _walking_in_date_order(session, impose):
        rows = session.execute(query).all()
    marks = [
        LaneMark(*row[:6], as_date(row[6]), _date_or_none(row[7]), *row[8:])
        for row in rows
    ]
    return Swimlanes(
        [(row.name, int(row.events)) for row in busiest],
        marks,
        total,
        int(busiest[0].actors),
    )


def _walk_by_date(
    session: Session,
    event_filter: EventFilter,
    actor_ids: list[int],
    marks: int,
    limit: int,
) -> bool:
    """Whether walking the matching events newest first reads fewer rows than
    reading every event of the lanes' actors, in any period, by the actor index.

    The walk stops once `limit` of the `marks` are found: about
    events x limit / marks rows, all of them at most."""
    source = tally(event_filter)
    events = session.execute(select(source.events).where(*source.where)).scalar() or 0
    walk = events * min(1.0, limit / marks)
    if walk <= IMPOSED_WALK_EVENTS:  # cheap whatever the actors: skip counting theirs
        return True
    everywhere = session.execute(
        select(func.count()).where(EventActor.actor_id.in_(actor_ids))
    ).scalar_one()
    return walk <= everywhere


def _walk_reads(
    session: Session, event_filter: EventFilter, marks: int, limit: int
) -> float:
    """About how many events the walk newest first reads before it has `limit`
    of the lanes' `marks`, were they spread evenly over the filter's dates.

    It reads every event of the date range, matching the rest of the filter or
    not (the date index knows no other condition), so the range is counted
    without the rest, in every status."""
    dates_only = EventFilter(
        since=event_filter.since,
        until=event_filter.until,
        statuses=tuple(status.value for status in EventStatus),
    )
    source = tally(dates_only)
    in_range = session.execute(select(source.events).where(*source.where)).scalar()
    return (in_range or 0) * min(1.0, limit / marks)


def _newest_marks(
    event_filter: EventFilter,
    actor_ids: list[int],
    limit: int,
    by_date: bool,
    dialect: str,
):
    """The newest `limit` marks of these actors' lanes, newest first."""
    return (
        _lane_marks(event_filter, actor_ids, by_date=by_date, dialect=dialect)
        .order_by(Event.date_start.desc(), Event.id.desc())
        .limit(limit)
    )


@contextmanager
def _walking_in_date_order(session: Session, impose: bool) -> Iterator[None]:
    """If `impose`, plan the next statement without sorting (and without JIT).

    Counts (`_walk_by_date`, `_walk_reads`) say that reading the matching events
    newest first and stopping at the limit reads few; PostgreSQL may still read
    every event of the range and sort them, when it takes the range for small: a
    `since` bound is a CASE over a subquery, which it estimates at 0.5% of the
    events (125,000 in a year at 1M: 1 s against 0.2 s for the walk, issue 19).
    Without sorting, the date index read backwards is the only way to the order
    asked for, whatever the estimates. JIT off: were a sort ever needed, its
    penalty in the cost would set off seconds of compiling."""
    if not impose:
        yield
        return
    session.execute(text("SET LOCAL enable_sort = off"))
    session.execute(text("SET LOCAL jit = off"))
    yield
    # Not in a `finally`: after a failed statement (a timeout) the transaction
    # takes no more commands, and it ends, settings and all, with the error.
    session.execute(text("SET LOCAL enable_sort TO DEFAULT"))
    session.execute(text("SET LOCAL jit TO DEFAULT"))


def _lane_marks(
    event_filter: EventFilter,
    actor_ids: list[int],
    *,
    by_date: bool,
    dialect: str = "sqlite",
):
    """The marks of these actors' lanes among matching events.

    Two ways to find the most recent: walk the matching events newest first and
    stop at the limit (`by_date`), or read each actor's events through the actor
    index; `_walk_by_date` picks. When walking by date, `+ 0` keeps the database
    from choosing the actor index, or reaching events from their roles (and on
    PostgreSQL, `_walking_in_date_order` keeps it from sorting the range)."""
    in_lanes = EventActor.actor_id + 0 if by_date else EventActor.actor_id
    conditions = event_filter.conditions()
    walked_id = Event.id
    if by_date and dialect == "sqlite":
        # Events lead: without statistics SQLite would scan every role instead.
        # (PostgreSQL plans this walk well from its statistics, which the hint
        # would blind.)
        walked_id = Event.id + 0
    return (
        select(
            Actor.name,
            EventActor.role,
            Event.id,
            Event.title,
            Event.event_type,
            Event.quad_class,
            Event.date_start,
            Event.date_end,
            Event.date_precision,
            Event.fatalities_best,
            Event.status,
        )
        .join(EventActor, EventActor.event_id == walked_id)
        .join(Actor, Actor.id == EventActor.actor_id)
        .where(*conditions, in_lanes.in_(actor_ids))
    )


def _date_or_none(value) -> dt.date | None:
    return as_date(value) if value is not None else None
