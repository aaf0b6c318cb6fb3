"""The lines of tracker's own CSV, assembled by the database.

An export of a million events spends its time per row, so the database makes nearly
every byte: it joins the place, joins each role's actors, the source URLs, the quotes
and the links into their cells, writes the JSON columns and the timestamps as text,
puts the apostrophe before a cell a spreadsheet would run as a formula, quotes the
cells as `csv.writer` does and joins them into stretches of the line. Python adds the
four numbers with a fraction (score, latitude, longitude, confidence), whose shortest
text only Python writes the same on both databases, and writes the line. The lines
are the ones `tracker.formats.native.cells.native_cells` and `csv.writer` make of a
record, byte for byte (tests/storage/test_native_csv_golden.py holds both to the
same files).

Events come in keyset batches in date order, one statement a batch: the batch's events
in a common table expression, and the actors, sources and links of those events each
grouped by event in one aggregate, joined in their order (actors by role then name,
sources and links by id; see `tracker.query.sql_text.joined_text`). Several batches
are read at once, on connections that share one snapshot (`tracker.export_batches`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.export_batches import (
    AFTER,
    LOOKAHEAD,
    UNTIL,
    BatchStatements,
    iter_batch_lines,
)
from tracker.formats.native.cells import FORMULA_PREFIXES, LIST_SEPARATOR
from tracker.models import (
    Actor,
    ActorRole,
    Event,
    EventActor,
    EventLink,
    EventSource,
    Location,
    Source,
)
from tracker.query.events import keyset_after
from tracker.query.filters import EventFilter
from tracker.query.sql_text import (
    csv_field,
    iso_date,
    iso_utc,
    joined_text,
    json_array_items,
    json_array_length,
    json_value,
    mostly_true,
    sql_string,
)

BATCH = 2000  # events per statement
# Connections reading batches at once. One: on the shared 2-core machine (load 4-8)
# two cost 8-20% more CPU and were slower in wall time too, rows being handed
# between threads (bench/EXPORT-NOTES.md, 2026-12-06); measure again when quiet.
WORKERS = 1
# A text cell starting with one of these gets an apostrophe before it (see
# `tracker.formats.native.cells.escape_cell`): a formula, or an apostrophe of its own.
ESCAPED_STARTS = (*FORMULA_PREFIXES, "'")


def _quoting_characters() -> tuple[str, ...]:
    """The characters that make `csv.writer` (as `tracker.exporting` sets it up)
    quote a field: the delimiter, the quote, and the line end ("\r" only in some
    Python versions)."""
    found = []
    for character in (",", '"', "\n", "\r"):
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(["a" + character + "b"])
        if line.getvalue().startswith('"'):
            found.append(character)
    return tuple(found)


QUOTING_CHARACTERS = _quoting_characters()
LINE_END = "\n"


def iter_native_lines(
    session: Session,
    event_filter: EventFilter,
    *,
    batch_size: int = BATCH,
    workers: int = WORKERS,
) -> Iterator[str]:
    """The CSV line (with its line end) of every matching event, in date order, in
    `CSV_COLUMNS` order, all read from one snapshot of the database, `workers`
    batches at once (`tracker.export_batches`)."""
    statements = BatchStatements(
        first=native_lines_query(event_filter, None, batch_size),
        rest=native_lines_query(event_filter, AFTER, batch_size),
        first_until=native_lines_query(event_filter, None, batch_size, UNTIL),
        between=native_lines_query(event_filter, AFTER, batch_size, UNTIL),
        first_starts=batch_starts_query(None, batch_size),
        next_starts=batch_starts_query(AFTER, batch_size),
    )
    return iter_batch_lines(
        session, statements, _line, batch_size=batch_size, workers=workers
    )


def batch_starts_query(after: tuple | None, batch_size: int) -> Select:
    """The keys (date, id) of every `batch_size`-th event after `after`, whatever
    the filter, for the next `LOOKAHEAD` stretches: read from the date index alone
    (a filter's columns would cost a read of every event's row), a stretch holds
    at most `batch_size` matching events."""
    keys = select(Event.date_start, Event.id).order_by(Event.date_start, Event.id)
    if after is not None:
        keys = keys.where(keyset_after(after))
    keys = keys.limit(batch_size * LOOKAHEAD).subquery()
    position = func.row_number().over(order_by=(keys.c.date_start, keys.c.id))
    numbered = select(keys.c.date_start, keys.c.id, position.label("n")).subquery()
    return (
        select(numbered.c.date_start, numbered.c.id)
        .where(numbered.c.n % batch_size == 0)
        .order_by(numbered.c.n)
    )


def matching_events(
    events: Select,
    event_filter: EventFilter,
    after: tuple | None,
    until: tuple | None = None,
) -> Select:
    conditions = event_filter.conditions()
    if conditions:
        # Read in date order whatever the filter: the batches walk the date index
        # once in all, where a sort would sort every match again for each batch.
        events = events.where(mostly_true(and_(*conditions)))
    if after is not None:
        events = events.where(keyset_after(after))
    if until is not None:
        date, event_id = until
        # The date alone first: the bound an index on the date can stop at.
        events = events.where(
            Event.date_start <= date,
            or_(Event.date_start < date, Event.id <= event_id),
        )
    return events


def _line(row) -> str:
    start, score, middle, latitude, longitude, rest, confidence, end = row[:8]
    return (
        f"{start},{score},{middle},{_number(latitude)},{_number(longitude)},"
        f"{rest},{_number(confidence)},{end}{LINE_END}"
    )


def _number(value: float | None) -> str:
    return "" if value is None else str(value)  # what csv.writer writes of it


def native_lines_query(
    event_filter: EventFilter,
    after: tuple | None,
    batch_size: int,
    until: tuple | None = None,
) -> Select:
    """The statement of one batch: up to `batch_size` events after `after`, each as
    stretches of its CSV line around the four fractional numbers (`_line`), then its
    date and id for the next batch's keyset. `after` is a date and an id, or
    `AFTER` to bind them at each run; `until` (or `UNTIL`) the last key to read."""
    batch = batch_of_events(event_filter, after, batch_size, until)
    e = batch.c
    actors, sources, links = (
        actors_of_batch(batch),
        sources_of_batch(batch),
        links_of_batch(batch),
    )
    text, a, s, k = _text, actors.c, sources.c, links.c
    stretches = [
        [_whole(e.id), text(e.title), _plain(e.event_type), text(e.mode)]
        + [_whole(e.quad_class)],
        [_list_cell(e.contexts), text(e.acled_event_type)]
        + [text(e.acled_sub_event_type), _plain(iso_date(e.date_start))]
        + [_plain(iso_date(e.date_end)), _plain(e.date_precision), text(e.place_name)]
        + [text(e.admin1), text(e.admin2), text(e.country)],
        [_plain(e.geo_precision), *(text(a[role.value]) for role in CSV_ROLES)]
        + [_whole(e.fatalities_low), _whole(e.fatalities_best)]
        + [_whole(e.fatalities_high), _whole(e.civilians_killed)]
        + [_whole(e.children_killed), _whole(e.injured), _plain(e.status)],
        [_list_cell(e.tags), text(s.urls), text(s.quotes), text(k.cell)]
        + [text(e.notes), text(e.dataset), text(e.external_id)]
        + [_plain(iso_utc(e.created_at)), _plain(iso_utc(e.updated_at))]
        + [_whole(e.version), _plain(a.json), _plain(s.json), _plain(k.json)]
        + [text(e.figures_flag)],
    ]
    start, middle, rest, end = (_joined_fields(cells) for cells in stretches)
    return (
        select(
            start,
            e.score,
            middle,
            e.latitude,
            e.longitude,
            rest,
            e.confidence,
            end,
            type_coerce(e.date_start, String()),
            e.id,
        )
        .select_from(batch)
        .outerjoin(actors, actors.c.event_id == e.id)
        .outerjoin(sources, sources.c.event_id == e.id)
        .outerjoin(links, links.c.event_id == e.id)
        .order_by(e.date_start, e.id)
    )


_EVENT_FIELDS = (
    "id",
    "title",
    "event_type",
    "mode",
    "quad_class",
    "score",
    "contexts",
    "acled_event_type",
    "acled_sub_event_type",
    "date_start",
    "date_end",
    "date_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "status",
    "confidence",
    "tags",
    "notes",
    "dataset",
    "external_id",
    "created_at",
    "updated_at",
    "version",
    "figures_flag",
)
# The role of each of the actor columns, in `CSV_COLUMNS` order.
CSV_ROLES = (
    ActorRole.INITIATOR,
    ActorRole.TARGET,
    ActorRole.PARTICIPANT,
    ActorRole.MEDIATOR,
    ActorRole.HOST,
)


def batch_of_events(
    event_filter: EventFilter,
    after: tuple | None,
    batch_size: int,
    until: tuple | None = None,
) -> CTE:
    """The events of one batch with their place's columns, as the common table
    expression `batch` that the actors, sources and links of the batch join."""
    return events_of_batch(event_filter, after, batch_size, until).cte("batch")


def events_of_batch(
    event_filter: EventFilter,
    after: tuple | None,
    batch_size: int,
    until: tuple | None = None,
) -> Select:
    """The statement of the events of one batch with their place's columns (the
    event's own columns by name, the place's name as `place_name`)."""
    events = (
        select(*event_and_place_columns())
        .outerjoin(Location, Location.id == Event.location_id)
        .order_by(Event.date_start, Event.id)
        .limit(batch_size)
    )
    return matching_events(events, event_filter, after, until)


def event_and_place_columns() -> list[ColumnElement]:
    """The event's own columns an export reads, by name, then its place's (the
    name as `place_name`, NULL when the event has no place): a batch's columns,
    for a statement that joins the place to the event."""
    return [
        *(getattr(Event, name) for name in _EVENT_FIELDS),
        Location.name.label("place_name"),
        Location.admin1,
        Location.admin2,
        Location.country,
        Location.latitude,
        Location.longitude,
        Location.geo_precision,
    ]


def _joined_fields(fields: list[ColumnElement[str]]) -> ColumnElement[str]:
    line = fields[0]
    for field in fields[1:]:
        line = line + sql_string(",") + field
    return line


def _plain(cell: ColumnElement) -> ColumnElement[str]:
    """A cell written as it is (quoted if it must be)."""
    return csv_field(cell, QUOTING_CHARACTERS)


def _text(cell: ColumnElement) -> ColumnElement[str]:
    """A text cell: empty when empty, an apostrophe before a formula."""
    return csv_field(cell, QUOTING_CHARACTERS, marked_when_starting_with=ESCAPED_STARTS)


def _whole(number: ColumnElement[int]) -> ColumnElement[str]:
    # A whole number's text is the same in both databases and in Python.
    return func.coalesce(cast(number, String()), sql_string(""))


def _list_cell(column: ColumnElement) -> ColumnElement[str]:
    """The texts of a JSON array column (contexts, tags) joined, as a text cell."""
    value, key = literal_column("value"), literal_column("key")
    joined = joined_text(value, LIST_SEPARATOR, key)
    # The cell is made inside the subquery: outside, each mention of the subquery
    # in the cell's expression would run it again.
    cell = select(_text(joined)).select_from(json_array_items(column))
    # Nearly every event has none: the test spares a subquery a row.
    return case(
        (json_array_length(column) == 0, sql_string("")),
        else_=func.coalesce(cell.scalar_subquery(), sql_string("")),
    )


def _grouped(rows: Select, name: str) -> Subquery:
    """`rows` (ordered by event first: `actor_rows` ...) as a subquery.

    SQLite before 3.44 joins an aggregate's texts in the order its rows come; its
    GROUP BY sort keeps the order of rows of one event (its sorter is stable)."""
    return rows.subquery(name)


def json_members(opening: str, **members: ColumnElement) -> ColumnElement[str]:
    """`"key":value,...` in the order given, as `json.dumps` writes them compactly,
    after `opening`: "{" to open an object, "," to go on with one."""
    text: ColumnElement[str] | None = None
    for key, value in members.items():
        part = sql_string(f'{opening}"{key}":') + json_value(value)
        text = part if text is None else text + part
        opening = ","
    assert text is not None
    return text


def _json_object(**members: ColumnElement) -> ColumnElement[str]:
    """`{"key":value,...}` in the order given, as `json.dumps` writes it compactly."""
    return json_members("{", **members) + sql_string("}")


def json_array(items: ColumnElement[str], *order: ColumnElement) -> ColumnElement:
    """`[item,item]` of a group's JSON items in the order of `order`; NULL when the
    group has none (an empty list is an empty cell)."""
    return sql_string("[") + joined_text(items, ",", *order) + sql_string("]")


# An actor's JSON object is made of four pieces: the registry's (the head and the
# tail, the same in every event), and the event's (its role, and the name it gave).
# The Parquet export joins them itself (`tracker.event_arrow`); both write the
# same text.
ACTOR_HEAD = json_members("{", name=Actor.name)
ACTOR_ROLE = json_members(",", role=EventActor.role)
ACTOR_TAIL = json_members(",", kind=Actor.kind, country=Actor.country)
# The name the event gave, only when it gave another than the registry's.
ACTOR_GIVEN = case(
    (EventActor.name_as_given.is_(None), sql_string("")),
    else_=json_members(",", name_as_given=EventActor.name_as_given),
)


def actor_rows(event_ids: Select) -> Select:
    """Each actor of the events `event_ids` selects, one row per event and role:
    the event's id, the role, the actor's name and the actor as a JSON object;
    ordered by event, role and name (the order of the cells)."""
    return (
        select(
            EventActor.event_id,
            EventActor.role,
            Actor.name,
            ACTOR_HEAD + ACTOR_ROLE + ACTOR_TAIL + ACTOR_GIVEN + sql_string("}"),
        )
        .join(Actor, Actor.id == EventActor.actor_id)
        .where(EventActor.event_id.in_(event_ids))
        .order_by(EventActor.event_id, EventActor.role, Actor.name)
    )


def actors_of_batch(batch: CTE) -> Subquery:
    """Per event of the batch: each role's actor names, and the actors as JSON."""
    rows = _grouped(actor_rows(select(batch.c.id)), "actor_rows")
    event_id, role, name, item = rows.c
    names = {
        r.value: joined_text(case((role == r.value, name)), LIST_SEPARATOR, role, name)
        for r in CSV_ROLES
    }
    return (
        select(
            event_id.label("event_id"),
            *(cell.label(r) for r, cell in names.items()),
            json_array(item, role, name).label("json"),
        )
        .group_by(event_id)
        .subquery("actors")
    )


# A source's JSON object: the registry's members, then the event's quote.
SOURCE_HEAD = json_members(
    "{",
    url=Source.url,
    publisher=Source.publisher,
    title=Source.title,
    published=Source.published,
)
SOURCE_QUOTE = json_members(",", quote=EventSource.quote)


def source_rows(event_ids: Select) -> Select:
    """Each source of the events `event_ids` selects: the event's id, the source's
    id, its URL and the event's quote (NULL for none or empty), the source as a
    JSON object; ordered by event and source."""
    return (
        select(
            EventSource.event_id,
            EventSource.source_id,
            func.nullif(Source.url, sql_string("")),
            func.nullif(EventSource.quote, sql_string("")),
            SOURCE_HEAD + SOURCE_QUOTE + sql_string("}"),
        )
        .join(Source, Source.id == EventSource.source_id)
        .where(EventSource.event_id.in_(event_ids))
        .order_by(EventSource.event_id, EventSource.source_id)
    )


def sources_of_batch(batch: CTE) -> Subquery:
    """Per event of the batch: its source URLs, its quotes, its sources as JSON."""
    rows = _grouped(source_rows(select(batch.c.id)), "source_rows")
    event_id, source_id, url, quote, item = rows.c
    return (
        select(
            event_id.label("event_id"),
            joined_text(url, LIST_SEPARATOR, source_id).label("urls"),
            joined_text(quote, LIST_SEPARATOR, source_id).label("quotes"),
            json_array(item, source_id).label("json"),
        )
        .group_by(event_id)
        .subquery("sources")
    )


LINK_TARGET = aliased(Event, name="target")


def link_rows(event_ids: Select) -> Select:
    """Each link of the events `event_ids` selects: the event's id, the link's id,
    the link as "relation:id" and as a JSON object; ordered by event and link."""
    target = LINK_TARGET
    return (
        select(
            EventLink.event_id,
            EventLink.id,
            EventLink.relation + sql_string(":") + cast(target.id, String()),
            _json_object(
                relation=EventLink.relation,
                id=target.id,
                external_id=target.external_id,
                dataset=target.dataset,
            ),
        )
        .join(target, target.id == EventLink.target_id)
        .where(EventLink.event_id.in_(event_ids))
        .order_by(EventLink.event_id, EventLink.id)
    )


def links_of_batch(batch: CTE) -> Subquery:
    """Per event of the batch: its links as "relation:id", and as JSON."""
    rows = _grouped(link_rows(select(batch.c.id)), "link_rows")
    event_id, link_id, cell, item = rows.c
    return (
        select(
            event_id.label("event_id"),
            joined_text(cell, LIST_SEPARATOR, link_id).label("cell"),
            json_array(item, link_id).label("json"),
        )
        .group_by(event_id)
        .subquery("links")
    )
