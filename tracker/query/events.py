"""Read events: counts and whole records; the keyset-paged listing is
`tracker.query.listing`'s, imported here for its callers.

Whole records are assembled in a few queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.errors import NotFound
from tracker.models import (
    Actor,
    Event,
    EventActor,
    EventLink,
    EventRecord,
    EventSource,
    Location,
    Source,
    SourceRecord,
)
from tracker.query.filters import EventFilter, id_in
from tracker.query.listing import (  # noqa: F401 - the listing, here for its callers
    SORT_KEYS,
    UNKNOWN_FATALITIES,
    Cursor,
    EventRow,
    cursor_from_token,
    cursor_to_token,
    keyset_after,
    list_events,
)
from tracker.query.rollup import tally


def count_events(session: Session, event_filter: EventFilter) -> int:
    """How many events match the filter (from the rollup when the filter allows)."""
    source = tally(event_filter)
    return int(
        session.execute(select(source.events).where(*source.where)).scalar_one() or 0
    )


def count_by_status(session: Session, event_ids: Sequence[int]) -> dict[str, int]:
    """How many of `event_ids` have each status, counted in SQL a chunk at a time
    (an import's ids can run to millions)."""
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(event_ids), 10_000):
        chunk = [int(i) for i in event_ids[start : start + 10_000]]
        for status, count in session.execute(_STATUS_COUNTS, {"ids": chunk}):
            counts[str(status)] += int(count)
    return dict(counts)


# Built once: the ids bound as one JSON array (10,000 bound one by one were
# expanded into the statement and parsed again by the driver at every chunk).
_STATUS_COUNTS = (
    select(Event.status, func.count()).where(id_in(Event.id)).group_by(Event.status)
)


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
            query = query.where(keyset_after(after))
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


@dataclass(frozen=True)
class LinkedEvent:
    """An event linked to a given one, and which way the link points."""

    id: int
    title: str
    relation: str  # a LinkRelation value, read from the pointing event's side
    incoming: bool  # True when this event points at the given one
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str


def list_linked_events(session: Session, event_id: int) -> list[LinkedEvent]:
    """Events `event_id` points at, then events pointing at it, with their titles.

    A threat shows both the event it responds to and the walk-back pointing at it."""
    shown = (Event.id, Event.title, EventLink.relation)
    dates = (Event.date_start, Event.date_end, Event.date_precision)
    outgoing = session.execute(
        select(*shown, *dates)
        .join(EventLink, EventLink.target_id == Event.id)
        .where(EventLink.event_id == event_id)
        .order_by(EventLink.id)
    ).all()
    incoming = session.execute(
        select(*shown, *dates)
        .join(EventLink, EventLink.event_id == Event.id)
        .where(EventLink.target_id == event_id)
        .order_by(Event.date_start, Event.id, EventLink.id)
    ).all()
    return [
        LinkedEvent(row.id, row.title, row.relation, flag, *row[3:])
        for flag, rows in ((False, outgoing), (True, incoming))
        for row in rows
    ]


def event_records(session: Session, ids: Sequence[int]) -> list[EventRecord]:
    """Whole records for `ids`, in the order given (`event_record_values`, checked
    into `EventRecord`s)."""
    return [EventRecord(**values) for values in event_record_values(session, ids)]


def event_record_values(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Whole records for `ids`, in the order given, as plain dicts keyed by
    `EventRecord`'s fields in its order: what a record holds, unchecked, for a
    reader that only writes them out (the API's pages: building 500 models took
    longer than reading them).

    Five statements fetch them, whatever their number (the place joined to the
    event's columns), each built once with the ids as one parameter. Rows are read
    as plain tuples, not ORM objects: an export of a million events spends its
    time here."""
    if not ids:
        return []
    connection = session.connection()
    bound = {"ids": [int(i) for i in ids]}
    events = {row[0]: row for row in connection.execute(_RECORD_ROWS, bound).all()}
    actors, sources, links = _parts(connection, bound)
    records = _source_records(connection, bound)
    return [
        _record_values(
            events[i],
            actors.get(i, []),
            sources.get(i, []),
            links.get(i, []),
            records.get(i),
        )
        for i in ids
        if i in events
    ]


def _source_records(
    connection: Connection, bound: dict[str, list[int]]
) -> dict[int, dict[str, Any]]:
    """The source records (rows as imported) of events `bound["ids"]`, by event id."""
    return {
        event_id: {
            "format": fmt,
            "columns": columns,
            "cells": cells,
            "event_version": version,
        }
        for event_id, fmt, columns, cells, version in connection.execute(
            _SOURCE_RECORD_ROWS, bound
        ).all()
    }


def _parts(
    connection: Connection, bound: dict[str, list[int]]
) -> tuple[dict[int, list[dict]], dict[int, list[dict]], dict[int, list[dict]]]:
    """The actors, sources and links of events `bound["ids"]`, each by event id,
    as records and exports show them; plain rows, no ORM bookkeeping per row."""
    actors: dict[int, list[dict]] = defaultdict(list)
    for event_id, role, name, kind, country, given in connection.execute(
        _ACTOR_ROWS, bound
    ).all():
        actor = {"name": name, "role": role, "kind": kind, "country": country}
        if given is not None:  # the event named it otherwise (ACLED's "(2000-)")
            actor["name_as_given"] = given
        actors[event_id].append(actor)
    sources: dict[int, list[dict]] = defaultdict(list)
    for event_id, *source in connection.execute(_SOURCE_ROWS, bound).all():
        sources[event_id].append(dict(zip(_SOURCE_KEYS, source, strict=True)))
    links: dict[int, list[dict]] = defaultdict(list)
    for event_id, relation, target_id, external_id, dataset in connection.execute(
        _LINK_ROWS, bound
    ).all():
        links[event_id].append(
            {
                "relation": relation,
                "id": target_id,
                "external_id": external_id,
                "dataset": dataset,
            }
        )
    return actors, sources, links


# The event columns a record shows as they are; fatalities and the place are nested.
_NESTED_FIELDS = (
    "location",
    "actors",
    "fatalities",
    "sources",
    "links",
    "source_record",
)
_RECORD_FIELDS = tuple(EventRecord.model_fields)
_FLAT_FIELDS = tuple(name for name in _RECORD_FIELDS if name not in _NESTED_FIELDS)
# A record's fields in its order, picked from the flat fields followed by the
# nested ones (`_record_values`): one C call instead of a dict built twice.
_IN_RECORD_ORDER = itemgetter(
    *(
        _FLAT_FIELDS.index(name)
        if name in _FLAT_FIELDS
        else len(_FLAT_FIELDS) + _NESTED_FIELDS.index(name)
        for name in _RECORD_FIELDS
    )
)
# After the flat fields, in this order: `_record_values` reads them by position.
_RECORD_COLUMNS = (
    *(getattr(Event, name) for name in _FLAT_FIELDS),
    Event.location_id,
    Event.fatalities_low,
    Event.fatalities_best,
    Event.fatalities_high,
)
_PLACE_KEYS = (
    "name",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "geo_precision",
)
_PLACE_COLUMNS = tuple(getattr(Location, key) for key in _PLACE_KEYS)
_SOURCE_KEYS = ("url", "publisher", "title", "published", "quote")

# The statements of a record's parts, built once; executed with {"ids": [...]}.
_RECORD_ROWS = (
    select(*_RECORD_COLUMNS, *_PLACE_COLUMNS)
    .join_from(Event, Location, Location.id == Event.location_id, isouter=True)
    .where(id_in(Event.id))
)
_ACTOR_ROWS = (
    select(
        EventActor.event_id,
        EventActor.role,
        Actor.name,
        Actor.kind,
        Actor.country,
        EventActor.name_as_given,
    )
    .join(Actor, Actor.id == EventActor.actor_id)
    .where(id_in(EventActor.event_id))
    .order_by(EventActor.event_id, EventActor.role, Actor.name)
)
_SOURCE_ROWS = (
    select(
        EventSource.event_id,
        Source.url,
        Source.publisher,
        Source.title,
        Source.published,
        EventSource.quote,
    )
    .join(Source, Source.id == EventSource.source_id)
    .where(id_in(EventSource.event_id))
    .order_by(EventSource.event_id, Source.id)
)
_LINK_TARGET = aliased(Event)
_LINK_ROWS = (
    select(
        EventLink.event_id,
        EventLink.relation,
        _LINK_TARGET.id,
        _LINK_TARGET.external_id,
        _LINK_TARGET.dataset,
    )
    .join(_LINK_TARGET, _LINK_TARGET.id == EventLink.target_id)
    .where(id_in(EventLink.event_id))
    .order_by(EventLink.event_id, EventLink.id)
)
_SOURCE_RECORD_ROWS = select(
    SourceRecord.event_id,
    SourceRecord.format,
    SourceRecord.columns,
    SourceRecord.cells,
    SourceRecord.event_version,
).where(id_in(SourceRecord.event_id))


def _record_values(
    event: Sequence[Any],
    actors: list,
    sources: list,
    links: list,
    source_record: dict | None,
) -> dict[str, Any]:
    """A record's values, in `EventRecord`'s field order, from a row of
    `_RECORD_COLUMNS` (the id first) then `_PLACE_COLUMNS`, and its parts."""
    at = len(_FLAT_FIELDS)  # then location_id, the three fatalities, the place
    location = (
        dict(zip(_PLACE_KEYS, event[at + 4 :], strict=True))
        if event[at] is not None
        else None
    )
    fatalities = {"low": event[at + 1], "best": event[at + 2], "high": event[at + 3]}
    flat_then_nested = (
        *event[:at],
        location,
        actors,
        fatalities,
        sources,
        links,
        source_record,
    )
    return dict(zip(_RECORD_FIELDS, _IN_RECORD_ORDER(flat_then_nested), strict=True))


def find_event_by_external_id(
    session: Session, dataset: str, external_id: str
) -> Event | None:
    """The event a dataset knows as `external_id`, if stored."""
    return session.scalars(
        select(Event).where(Event.dataset == dataset, Event.external_id == external_id)
    ).first()
