"""Set-based upkeep of the `actor_rollup` table, for a bulk writer that bypasses its
triggers: PostgreSQL's `session_replication_role = replica`, the bulk importer's
`tracker.store.rollup_writes.roles_by_statement` (migration 0011), or a loader that
drops them. Such a writer counts the roles of the events it wrote in
(`count_roles_in`), those it is about to delete or rewrite out first
(`count_roles_out`), or rebuilds whole years from the events (`rebuild_years`). A
writer that has the new events' roles and keys in hand sums them itself
(`role_sums`) and adds the sums with one upsert (`add_role_sums`), reading nothing.

Every other write is kept exact by the triggers: calling these as well would count
twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    cast,
    delete,
    distinct,
    extract,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from tracker.models import ActorRollup, Event, EventActor, Location
from tracker.store.rollup_writes import add_sums

CHUNK = 5000  # event ids per statement, within every driver's parameter limit
KEY = ("actor_id", "year_start", "year_last", "country", "event_type", "status")

# An event's part of the rollup key: start year, last year, country, type, status.
EventKey = tuple[int, int, str, str, str]


def _roles_by_key(sign: int):
    """The roles of events, summed per rollup key (times `sign`): a SELECT to
    narrow to some events."""
    key = (
        EventActor.actor_id,
        cast(extract("year", Event.date_start), Integer),
        cast(extract("year", func.coalesce(Event.date_end, Event.date_start)), Integer),
        func.coalesce(Location.country, ""),
        Event.event_type,
        Event.status,
    )
    return (
        select(
            *key,
            sign * func.count(distinct(EventActor.event_id)),
            sign * func.count(),
        )
        .select_from(EventActor)
        .join(Event, Event.id == EventActor.event_id)
        .outerjoin(Location, Location.id == Event.location_id)
        .group_by(*key)
    )


def _add(session: Session, rows) -> None:
    """Add the (key..., events, marks) rows of `rows` to the rollup."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ActorRollup).from_select([*KEY, "events", "marks"], rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "events": ActorRollup.events + statement.excluded.events,
            "marks": ActorRollup.marks + statement.excluded.marks,
        },
    )
    session.execute(statement)


def _count(session: Session, event_ids: Iterable[int], sign: int) -> None:
    ids = sorted(set(event_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _add(session, _roles_by_key(sign).where(EventActor.event_id.in_(chunk)))
    session.execute(delete(ActorRollup).where(ActorRollup.marks == 0))


def count_roles_in(session: Session, event_ids: Iterable[int]) -> None:
    """Count the roles of these events into the rollup: after writing them, or
    their new roles, with the triggers off."""
    _count(session, event_ids, 1)


def count_roles_out(session: Session, event_ids: Iterable[int]) -> None:
    """Take the roles of these events off the rollup: before deleting them, their
    roles, or changing their dates, place, type or status with the triggers off."""
    _count(session, event_ids, -1)


def rebuild_years(session: Session, years: Sequence[int]) -> None:
    """Recount the rollup rows of events starting in these years from the events
    themselves, whatever the rows held."""
    if not years:
        return
    session.execute(delete(ActorRollup).where(ActorRollup.year_start.in_(years)))
    starting = or_(
        *(
            Event.date_start.between(dt.date(year, 1, 1), dt.date(year, 12, 31))
            for year in years
        )
    )
    _add(session, _roles_by_key(1).where(starting))


def role_sums(
    roles: Iterable[tuple[int, int, EventKey]],
) -> dict[tuple[Any, ...], list[int]]:
    """The rollup rows (key -> [events, marks]) of the roles of new events, given
    as (event id, actor id, the event's key) once per role: what the triggers would
    count (migration 0010), an event once per actor however many its roles."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    pairs: set[tuple[int, int]] = set()
    for event_id, actor_id, event_key in roles:
        key = (actor_id, *event_key)
        row = sums.get(key)
        if row is None:
            row = sums[key] = [0, 0]
        if (event_id, actor_id) not in pairs:
            pairs.add((event_id, actor_id))
            row[0] += 1
        row[1] += 1
    return sums


def add_role_sums(session: Session, sums: dict[tuple[Any, ...], list[int]]) -> None:
    """Add rollup rows made by `role_sums` (roles inserted with the triggers off)
    to the rollup, one upsert for them all."""
    rows = [(*key, *row) for key, row in sums.items()]
    add_sums(session, ActorRollup.__table__, KEY, rows)
