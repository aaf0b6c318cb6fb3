"""Read events: keyset-paged listings, counts, and whole records.

Whole records are assembled in a few queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from tracker.errors import NotFound
from tracker.filters import EventFilter
from tracker.models import (
    Actor,
    Event,
    EventActor,
    EventLink,
    EventRecord,
    EventSource,
    Location,
    Source,
)

# Order of listings and exports: chronological, ties broken by id, so paging is stable.
Cursor = tuple[dt.date, int]


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


def list_events(
    session: Session,
    event_filter: EventFilter,
    *,
    limit: int = 50,
    after: Cursor | None = None,
) -> list[EventRow]:
    """Up to `limit` matching events in date order, starting after the cursor.

    This is keyset paging."""
    query = (
        select(
            Event.id,
            Event.date_start,
            Event.date_end,
            Event.date_precision,
            Event.event_type,
            Event.mode,
            Event.title,
            Location.name,
            Location.country,
            Event.fatalities_best,
            Event.status,
        )
        .outerjoin(Location, Location.id == Event.location_id)
        .where(*event_filter.conditions())
        .order_by(Event.date_start, Event.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(_after(after))
    return [EventRow(*row) for row in session.execute(query)]


def _after(cursor: Cursor):
    date_start, event_id = cursor
    return or_(
        Event.date_start > date_start,
        and_(Event.date_start == date_start, Event.id > event_id),
    )


def count_events(session: Session, event_filter: EventFilter) -> int:
    """How many events match the filter."""
    query = select(func.count()).select_from(Event).where(*event_filter.conditions())
    return session.execute(query).scalar_one()


def iter_event_records(
    session: Session, event_filter: EventFilter, *, batch_size: int = 1000
) -> Iterator[EventRecord]:
    """Every matching event as a full record, in date order.

    Records are fetched in keyset batches."""
    after: Cursor | None = None
    while True:
        query = (
            select(Event.id, Event.date_start)
            .where(*event_filter.conditions())
            .order_by(Event.date_start, Event.id)
            .limit(batch_size)
        )
        if after is not None:
            query = query.where(_after(after))
        page = session.execute(query).all()
        if not page:
            return
        yield from event_records(session, [row.id for row in page])
        after = (page[-1].date_start, page[-1].id)


def get_event_record(session: Session, event_id: int) -> EventRecord:
    """The whole record of one event; NotFound if there is no such id."""
    records = event_records(session, [event_id])
    if not records:
        raise NotFound(f"there is no event with id {event_id}")
    return records[0]


def event_records(session: Session, ids: Sequence[int]) -> list[EventRecord]:
    """Whole records for `ids`, in the order given.

    Five queries fetch them, whatever their number."""
    if not ids:
        return []
    events = {
        e.id: e
        for e in session.execute(select(Event).where(Event.id.in_(ids))).scalars()
    }
    location_ids = {e.location_id for e in events.values() if e.location_id is not None}
    locations = {
        loc.id: loc
        for loc in session.execute(
            select(Location).where(Location.id.in_(location_ids))
        ).scalars()
    }
    actors: dict[int, list[dict]] = defaultdict(list)
    actor_rows = session.execute(
        select(
            EventActor.event_id, EventActor.role, Actor.name, Actor.kind, Actor.country
        )
        .join(Actor, Actor.id == EventActor.actor_id)
        .where(EventActor.event_id.in_(ids))
        .order_by(EventActor.event_id, EventActor.role, Actor.name)
    )
    for event_id, role, name, kind, country in actor_rows:
        actors[event_id].append(
            {"name": name, "role": role, "kind": kind, "country": country}
        )
    sources: dict[int, list[dict]] = defaultdict(list)
    source_rows = session.execute(
        select(EventSource.event_id, EventSource.quote, Source)
        .join(Source, Source.id == EventSource.source_id)
        .where(EventSource.event_id.in_(ids))
        .order_by(EventSource.event_id, Source.id)
    )
    for event_id, quote, source in source_rows:
        sources[event_id].append(
            {
                "url": source.url,
                "publisher": source.publisher,
                "title": source.title,
                "published": source.published,
                "quote": quote,
            }
        )
    links: dict[int, list[dict]] = defaultdict(list)
    link_rows = session.execute(
        select(
            EventLink.event_id,
            EventLink.relation,
            Event.id,
            Event.external_id,
            Event.dataset,
        )
        .join(Event, Event.id == EventLink.target_id)
        .where(EventLink.event_id.in_(ids))
        .order_by(EventLink.event_id, EventLink.id)
    )
    for event_id, relation, target_id, external_id, dataset in link_rows:
        links[event_id].append(
            {
                "relation": relation,
                "id": target_id,
                "external_id": external_id,
                "dataset": dataset,
            }
        )
    return [
        _record(
            events[i],
            locations.get(events[i].location_id),
            actors[i],
            sources[i],
            links[i],
        )
        for i in ids
        if i in events
    ]


def _record(
    event: Event, location: Location | None, actors: list, sources: list, links: list
) -> EventRecord:
    place = None
    if location is not None:
        place = {
            "name": location.name,
            "country": location.country,
            "admin1": location.admin1,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "geo_precision": location.geo_precision,
        }
    return EventRecord(
        **event.model_dump(
            exclude={
                "location_id",
                "content_hash",
                "fatalities_low",
                "fatalities_best",
                "fatalities_high",
            }
        ),
        location=place,
        actors=actors,
        fatalities={
            "low": event.fatalities_low,
            "best": event.fatalities_best,
            "high": event.fatalities_high,
        },
        sources=sources,
        links=links,
    )
