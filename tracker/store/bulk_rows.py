"""Write new events given as plain rows (`NewEvent`), straight through the driver
(issue 19).

The bulk import's fast way: a format that maps whole chunks of rows at once
(`tracker.formats.acled.frames`) hands over `NewEvent`s, and they are written here
with one executemany per table of plain tuples (PostgreSQL: one COPY), each value
converted by its column's own SQLAlchemy type once per distinct value, and their
timeline sums added per rollup row with one upsert (`tracker.store.rollup_writes`).
What the rows become is what `tracker.store.bulk.BatchWriter` makes of the same
events (the same registry look-ups and caches, the same history entry): only
events not stored yet are written here; a stored event whose content changed goes
back to the importer for the row way, which updates it with its history."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Table
from sqlmodel import Session

from tracker.models import (
    NEW_EVENT_COLUMNS,
    ActorKind,
    ActorRef,
    ActorRole,
    ChangeAction,
    Event,
    EventActor,
    EventChange,
    EventSource,
    NewEvent,
    SourceRecord,
    utc_now,
)
from tracker.store.actor_rollup import EventKey, add_role_sums, role_sums
from tracker.store.bulk import BatchWriter, _chunks
from tracker.store.registry import Resolved, first_admin2, resolve_actor_names
from tracker.store.rollup_writes import (
    RollupRow,
    add_sums_to_rollup,
    roles_by_statement,
    rollup_by_statement,
    rollup_sums,
)
from tracker.vocab.actor_names import name_key

# SQLite's page cache while a bulk import writes, in KiB (2 MiB by default): the
# indexes of a million events are visited all over, and with the default cache the
# event insert cost grew from 18 to 38 us a row between 20,000 and 200,000 rows
# (25 us with this one).
SQLITE_BULK_CACHE_KIB = 131072

EVENT_COLUMNS = (
    *NEW_EVENT_COLUMNS,
    "location_id",
    "created_at",
    "updated_at",
    "version",
)
QUOTE_JOIN = " […] "


@contextmanager
def bulk_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache for the block, the connection's own after it."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


class RowWriter:
    """Writes `NewEvent`s through a `BatchWriter`'s session, caches and report."""

    def __init__(self, batches: BatchWriter):
        self.batches = batches
        self.session = batches.session
        self.dialect = self.session.get_bind().dialect
        self.converters: dict[tuple[str, str], Callable[[Any], Any]] = {}

    def save(self, events: Sequence[NewEvent]) -> list[int]:
        """Write the events not stored yet, count the unchanged; return the lines of
        stored events whose content changed, for the row way to update."""
        batches, report = self.batches, self.batches.report
        stored = batches.existing_keys([event.key for event in events])
        new, changed = [], []
        for event in events:
            found = stored.get(event.key)
            if found is None:
                new.append(event)
            elif found[1] == event.content_hash:
                report.unchanged += 1
            else:
                changed.append(event.line)
        report.added += len(new)
        if batches.write and new:
            ids = self._insert(new)
            report.event_ids.extend(ids)
            batches.written += len(new)
            batches.keep_statistics_up()
        return changed

    def _insert(self, events: list[NewEvent]) -> list[int]:
        locations = self._location_ids(events)
        now = utc_now()
        rows = [
            (
                *event.values,
                locations[event.place[0]] if event.place else None,
                now,
                now,
                1,
            )
            for event in events
        ]
        with rollup_by_statement(self.session):
            self._execute(Event.__table__, EVENT_COLUMNS, rows)
            add_sums_to_rollup(self.session, rollup_sums(map(_rollup_row, events)))
        ids = self.batches.ids_of([event.key for event in events])
        self._write_roles(ids, events)
        self._write_citations(ids, events)
        self._write_records(ids, events)
        self._write_history(ids, now)
        return ids

    # --- registry ---------------------------------------------------------------

    def _location_ids(self, events: list[NewEvent]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for event in events:
            if event.place is None:
                continue
            key, name, country, admin1, admin2, lat, lon, precision = event.place
            if key in wanted:
                first_admin2(wanted[key], admin2)
            else:
                wanted[key] = {
                    "name": name,
                    "country": country,
                    "admin1": admin1,
                    "admin2": admin2,
                    "latitude": lat,
                    "longitude": lon,
                    "geo_precision": precision,
                    "location_key": key,
                }
        return self.batches.location_ids(wanted)

    def _actor_ids(self, events: list[NewEvent]) -> dict[str, Resolved]:
        wanted: dict[str, tuple[str, str, str | None, str | None]] = {}
        for event in events:
            for actor in event.actors:
                wanted.setdefault(name_key(actor[0]), actor)

        def resolve(found: dict[str, tuple]) -> dict[str, Resolved]:
            refs = {
                key: ActorRef.model_construct(
                    name=name,
                    role=ActorRole(role),
                    kind=ActorKind(kind) if kind else None,
                    country=country,
                )
                for key, (name, role, kind, country) in found.items()
            }
            return resolve_actor_names(self.session, refs)

        return self.batches.actors.ids(wanted, resolve, resolve)

    def _source_ids(self, events: list[NewEvent]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for event in events:
            for url, publisher, title, published, _ in event.sources:
                key = source_key(url, publisher, title, published)
                if key not in wanted:
                    wanted[key] = {
                        "url": url,
                        "publisher": publisher,
                        "title": title,
                        "published": published,
                        "source_key": key,
                    }
        return self.batches.source_ids(wanted)

    # --- rows of each event -------------------------------------------------------

    def _write_roles(self, ids: list[int], events: list[NewEvent]) -> None:
        actors = self._actor_ids(events)
        roles: dict[tuple[int, int, str], str | None] = {}
        keys: dict[int, EventKey] = {}
        for event_id, event in zip(ids, events, strict=True):
            keys[event_id] = _actor_rollup_key(event)
            for name, role, _, _ in event.actors:
                actor = actors[name_key(name)]
                roles.setdefault(
                    (event_id, actor.id, role), name if actor.renamed else None
                )
        rows = [(*key, given) for key, given in roles.items()]
        columns = ("event_id", "actor_id", "role", "name_as_given")
        # The actor rollup's trigger (per row on SQLite; per statement on PostgreSQL,
        # but looking each new role up again) cost more than writing the roles: they
        # are summed here from the values in hand instead, as the event rollup is.
        with roles_by_statement(self.session):
            self._execute(EventActor.__table__, columns, rows)
        sums = role_sums((e, a, keys[e]) for e, a, _ in roles)
        add_role_sums(self.session, sums)

    def _write_citations(self, ids: list[int], events: list[NewEvent]) -> None:
        sources = self._source_ids(events)
        cited: dict[tuple[int, int], str | None] = {}
        for event_id, event in zip(ids, events, strict=True):
            for url, publisher, title, published, quote in event.sources:
                pair = (event_id, sources[source_key(url, publisher, title, published)])
                earlier = cited.get(pair)
                cited[pair] = QUOTE_JOIN.join(q for q in (earlier, quote) if q) or None
        self._execute(
            EventSource.__table__,
            ("event_id", "source_id", "quote"),
            [(*pair, quote) for pair, quote in cited.items()],
        )

    def _write_records(self, ids: list[int], events: list[NewEvent]) -> None:
        columns_json: dict[int, str] = {}  # the same header list on every row
        rows = []
        for event_id, event in zip(ids, events, strict=True):
            if event.record is None:
                continue
            form, columns, cells = event.record
            text = columns_json.get(id(columns))
            if text is None:
                text = columns_json[id(columns)] = json.dumps(columns)
            rows.append((event_id, form, text, cells, 1))
        self._execute(
            SourceRecord.__table__,
            ("event_id", "format", "columns", "cells", "event_version"),
            rows,
            json_text=("columns", "cells"),
        )

    def _write_history(self, ids: list[int], now: Any) -> None:
        author = self.batches.author
        action = ChangeAction.IMPORT.value
        self._execute(
            EventChange.__table__,
            ("event_id", "version", "action", "username", "via", "at", "changes"),
            [(i, 1, action, author.username, author.via, now, None) for i in ids],
        )

    # --- the driver -----------------------------------------------------------------

    def _execute(
        self,
        table: Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        *,
        json_text: Sequence[str] = (),
    ) -> None:
        """INSERT `rows` into `table` with one executemany of plain tuples (COPY on
        PostgreSQL); each value
        converted as its column's type would bind it (once per distinct value); JSON
        columns as JSON text (`json_text`: given so already)."""
        if not rows:
            return
        # `impl_instance`: a JSON column may be typed by a TypeDecorator over JSON
        # (tracker.tables.JSONList).
        json_columns = {
            name
            for name in columns
            if isinstance(getattr(table.c[name].type, "impl_instance", None), JSON)
            or isinstance(table.c[name].type, JSON)
        }
        converters = [
            None
            if name in json_text
            else json.dumps
            if name in json_columns
            else self._converter(table, name)
            for name in columns
        ]
        json_text = {*json_text, *json_columns}
        converted = list(zip(*rows, strict=True))
        for position, convert in enumerate(converters):
            if convert is not None:
                converted[position] = _convert_column(converted[position], convert)
        values = zip(*converted, strict=True)
        if self.dialect.name == "postgresql":
            # COPY: the rows stream to the server in one round trip; JSON columns
            # are text to it like any other.
            driver = self.session.connection().connection.driver_connection
            with driver.cursor() as cursor:
                copy = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(copy) as stream:
                    for row in values:
                        stream.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        for chunk in _chunks(list(values)):
            self.session.connection().exec_driver_sql(statement, list(chunk))

    def _converter(self, table: Table, name: str) -> Callable[[Any], Any] | None:
        key = (table.name, name)
        if key not in self.converters:
            column_type = table.c[name].type
            self.converters[key] = column_type.bind_processor(self.dialect)
        return self.converters[key]


def _rollup_row(event: NewEvent) -> RollupRow:
    """The event's rollup key and figures (`rollup_sums`), from its values."""
    values = dict(zip(NEW_EVENT_COLUMNS, event.values, strict=True))
    country = (event.place[2] if event.place else None) or ""
    key = (
        values["date_start"],
        values["date_end"] or values["date_start"],
        country,
        values["event_type"],
        values["quad_class"],
        values["date_precision"],
        values["status"],
    )
    return (
        key,
        values["score"],
        values["fatalities_low"],
        values["fatalities_best"],
        values["fatalities_high"],
        values["children_killed"],
    )


def _actor_rollup_key(event: NewEvent) -> EventKey:
    """The event's part of its roles' actor-rollup key (`role_sums`)."""
    values = dict(zip(NEW_EVENT_COLUMNS, event.values, strict=True))
    start, end = values["date_start"], values["date_end"] or values["date_start"]
    country = (event.place[2] if event.place else None) or ""
    return start.year, end.year, country, values["event_type"], values["status"]


def _convert_column(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` of each value, once per distinct value (lists by their items)."""
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        if key not in done:
            done[key] = convert(value)
        out.append(done[key])
    return out


def source_key(
    url: str | None, publisher: str | None, title: str | None, published: Any
) -> str:
    """`SourceIn.key` of a source given as its fields."""
    if url is not None:
        return url
    return "|".join([title or "", publisher or "", str(published or "")])
