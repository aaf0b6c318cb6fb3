"""Whole records as JSON text, written by the database (issue 15).

A page of the JSON API holds 500 whole records. Read as Python values from five
statements (`tracker.query.events.event_record_values`) and written by pydantic's
serializer, they were about 30 ms (in process, warm) of a 65 ms page at a million
events: every place, actor, source and cell became a Python object only to become
text again; this statement takes 20-25. Here one
statement writes each record's JSON, with the same pieces the CSV export writes
its JSON cells with (`tracker.native_export`). Python adds only the four numbers
with a fraction (score, latitude, longitude, confidence), whose shortest text only
Python writes the same on both databases, written by the same serializer as the
records' path.

The text is, byte for byte, what `pydantic_core.to_json` writes of the records
`event_record_values` reads (tests/storage/test_record_json.py holds the two
together over every awkward value of the CSV's golden test, on both databases)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlmodel import Session

from tracker.models import Event, Location, SourceRecord
from tracker.native_export import (
    actor_rows,
    event_and_place_columns,
    json_array,
    json_members,
    link_rows,
    source_rows,
)
from tracker.query.filters import id_in
from tracker.query.sql_text import (
    iso_date,
    iso_utc,
    joined,
    json_texts,
    sql_string,
)


def event_records_json(session: Session, ids: Sequence[int]) -> list[str]:
    """The whole record of each event of `ids` that exists, as JSON text, in the
    order given (what `to_json(event_record_values(session, ids))` writes of each).
    One statement, built once, with the ids as one parameter."""
    if not ids:
        return []
    rows = session.connection().execute(_RECORDS, {"ids": [int(i) for i in ids]})
    rows = rows.all()
    # Every fraction of the page through the serializer at once: one call, not
    # four a record. A number's text never holds a comma.
    fractions = to_json([n for row in rows for n in row[2:9:2]]).decode()[1:-1]
    numbers = iter(fractions.split(","))
    written: dict[int, str] = {}
    for event_id, head, _, place, _, longitude_key, _, middle, _, tail in rows:
        score, latitude, longitude, confidence = (next(numbers) for _ in range(4))
        if not longitude_key:  # no place: "location":null, no coordinates written
            latitude = longitude = ""
        written[event_id] = (
            f"{head}{score}{place}{latitude}{longitude_key}{longitude}"
            f"{middle}{confidence}{tail}"
        )
    return [written[i] for i in ids if i in written]


def _records() -> Select:
    """The statement: per event, its id, then its JSON in stretches around the four
    fractions (stretch, fraction, stretch ... stretch)."""
    batch = (
        select(*event_and_place_columns())
        .outerjoin(Location, Location.id == Event.location_id)
        .where(id_in(Event.id))
        .cte("batch")
    )
    e = batch.c
    actors = _grouped(actor_rows(select(e.id)), "actor_rows", "role", "name")
    sources = _grouped(source_rows(select(e.id)), "source_rows", "source_id")
    links = _grouped(link_rows(select(e.id)), "link_rows", "id")
    record = SourceRecord
    source_record = (
        json_members("{", format=record.format)
        + sql_string(',"columns":')
        + json_texts(record.columns)
        + sql_string(',"cells":')
        + json_texts(record.cells, keyed=True)
        + json_members(",", event_version=record.event_version)
        + sql_string("}")
    )
    no_place = e.place_name.is_(None)  # a place always has a name
    head = (
        json_members(
            "{",
            id=e.id,
            title=e.title,
            notes=e.notes,
            event_type=e.event_type,
            mode=e.mode,
        )
        + sql_string(',"contexts":')
        + json_texts(e.contexts)
        + json_members(",", quad_class=e.quad_class)
        + sql_string(',"score":')
    )
    place = (
        json_members(
            ",",
            acled_event_type=e.acled_event_type,
            acled_sub_event_type=e.acled_sub_event_type,
            date_start=iso_date(e.date_start),
            date_end=iso_date(e.date_end),
            date_precision=e.date_precision,
        )
        + sql_string(',"location":')
        + case(
            (no_place, sql_string("null")),
            else_=json_members(
                "{",
                name=e.place_name,
                country=e.country,
                admin1=e.admin1,
                admin2=e.admin2,
            )
            + sql_string(',"latitude":'),
        )
    )
    longitude_key = case((no_place, sql_string("")), else_=sql_string(',"longitude":'))
    after_place = case(
        (no_place, sql_string("")),
        else_=json_members(",", geo_precision=e.geo_precision) + sql_string("}"),
    )
    actors_to_confidence = (
        after_place
        + sql_string(',"actors":')
        + func.coalesce(actors.c.json, sql_string("[]"))
        + sql_string(',"fatalities":')
        + json_members(
            "{", low=e.fatalities_low, best=e.fatalities_best, high=e.fatalities_high
        )
        + sql_string("}")
        + json_members(
            ",",
            civilians_killed=e.civilians_killed,
            children_killed=e.children_killed,
            injured=e.injured,
            status=e.status,
        )
        + sql_string(',"confidence":')
    )
    tail = (
        sql_string(',"tags":')
        + json_texts(e.tags)
        + sql_string(',"sources":')
        + func.coalesce(sources.c.json, sql_string("[]"))
        + sql_string(',"links":')
        + func.coalesce(links.c.json, sql_string("[]"))
        + json_members(
            ",",
            dataset=e.dataset,
            external_id=e.external_id,
            figures_flag=e.figures_flag,
            created_at=_utc_z(e.created_at),
            updated_at=_utc_z(e.updated_at),
            version=e.version,
        )
        + sql_string(',"source_record":')
        + case(
            (record.event_id.is_(None), sql_string("null")),
            else_=source_record,
        )
        + sql_string("}")
    )
    return (
        select(
            e.id,
            joined(head),
            e.score,
            joined(place),
            e.latitude,
            longitude_key,
            e.longitude,
            joined(actors_to_confidence),
            e.confidence,
            joined(tail),
        )
        .select_from(batch)
        .outerjoin(actors, actors.c.event_id == e.id)
        .outerjoin(sources, sources.c.event_id == e.id)
        .outerjoin(links, links.c.event_id == e.id)
        .outerjoin(record, record.event_id == e.id)
    )


def _grouped(rows: Select, name: str, *order: str):
    """Per event, the JSON items of `rows` (ordered by event first, then `order`)
    as one array, in column `json`."""
    items = rows.subquery(name)
    event_id, item = items.c.event_id, list(items.c)[-1]
    return (
        select(event_id, json_array(item, *(items.c[o] for o in order)).label("json"))
        .group_by(event_id)
        .subquery(f"{name}_json")
    )


def _utc_z(column: ColumnElement) -> ColumnElement[str]:
    """A UTC timestamp as pydantic writes an aware one: "Z" for "+00:00"."""
    return func.replace(iso_utc(column), sql_string("+00:00"), sql_string("Z"))


_RECORDS = _records()
