"""Write batches of validated events with set-based statements, for `tracker.importing`.

A batch costs a handful of statements whatever its size: one SELECT tells which
(dataset, external id) pairs are stored; actors, places and sources are looked up in
a per-import cache, then with one SELECT ... IN for the keys it has not seen, and the
new ones inserted with one executemany (actors resolve by `tracker.store.registry`,
which adds ACLED's suffixed names as aliases in one statement too); events are
inserted (or updated) with one executemany and their ids read back by (dataset,
external id) through the unique index; event_actor, event_source and source_record
rows go in with one executemany each.

Plain executemany without RETURNING, on Core tables rather than ORM entities: with
`sort_by_parameter_order`, RETURNING made SQLAlchemy stitch the rows of every
sub-batch together again and again, and the ORM's bulk path builds a parameter set
per row; both cost more than the database work itself.

One idea, kept whole just past the usual 400 lines: a batch's write, from look-ups to
history, in the order it happens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from tracker.errors import Problem
from tracker.models import (
    Event,
    EventActor,
    EventCreate,
    EventSource,
    EventStatus,
    Location,
    Source,
    SourceRecord,
    utc_now,
)
from tracker.query.filters import one_of
from tracker.store.event_rows import content_hash, event_values, write_links
from tracker.store.events import record_imported
from tracker.store.history import Author, state_of, states_of
from tracker.store.registry import (
    Resolved,
    fill_in_admin2,
    first_admin2,
    resolve_actor_names,
)
from tracker.vocab.actor_names import name_key

# What a bulk write fills, in dependency order; PostgreSQL's statistics of them are
# refreshed after a large write (`refresh_statistics`).
WRITTEN_TABLES = (
    "actor",
    "actor_alias",
    "location",
    "source",
    "event",
    "event_actor",
    "event_source",
    "event_link",
    "source_record",
    "event_change",
    "event_rollup",
    "duplicate_candidate",
)
# Below this many events written, the statistics are left to autovacuum: ANALYZE
# samples up to 30,000 rows a table, about a second at a million events.
ANALYZE_AFTER_EVENTS = 1000
SQLITE_ANALYSIS_LIMIT = 1000  # rows read an index (`PRAGMA analysis_limit`)
# Registry ids kept per import; past this many the cache starts again, so memory stays
# bounded on files with millions of distinct places.
CACHE_LIMIT = 200_000
CHUNK = 1000  # keys per IN (...) list

EVENTS = Event.__table__
LOCATIONS, SOURCES = Location.__table__, Source.__table__

Stored = tuple[int, str | None, int, str]  # id, content hash, version, status


class BatchWriter:
    """Writes batches of validated events into the session's transaction.

    Counts each event as added, updated or unchanged in the `report` (an
    `ImportReport`); with `write` False it only counts."""

    def __init__(self, session: Session, report: Any, *, write: bool, author: Author):
        self.session, self.report, self.write = session, report, write
        self.author = author  # who imports, and which file: kept in the history
        self.linked: list[tuple[int, int, EventCreate]] = []  # (event id, line, data)
        self.actors = RegistryCache(CACHE_LIMIT)
        self.locations = RegistryCache(CACHE_LIMIT)
        self.sources = RegistryCache(CACHE_LIMIT)
        # Places known to have an admin2 (written or filled in by this import), so
        # each is filled in at most once (`location_ids`).
        self.named_places: set[str] = set()
        self.written = 0  # events added or updated
        self.analysed_at = 0  # `written` when the statistics were last refreshed
        self.sampled_at = 0  # ... by a sample for the import's own look-ups

    def _on_postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _look_up(self, query) -> list[Any]:
        """The rows of a per-batch look-up, planned for the tables as they are now.

        A long import is one transaction. Once a statement has run five times,
        PostgreSQL may keep a generic plan made while the tables were nearly empty:
        the `external_id IN (...)` look-ups then scanned the whole event table, each
        batch longer than the last (at 40,000 rows 10 ms became 0.9 s a look-up, and
        the import quadratic: issue 19). Only the look-ups are planned each time: the
        same setting for the inserts would re-plan the rollup trigger's statements
        for every row (a 10,000-row import took 20% longer)."""
        if not self._on_postgresql():
            return self.session.execute(query).all()
        self.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        try:
            return self.session.execute(query).all()
        finally:
            self.session.execute(text("SET LOCAL plan_cache_mode TO DEFAULT"))

    def refresh_statistics(self) -> None:
        """After a large write, ANALYZE the tables it filled, if not just done.

        Without it PostgreSQL's planner keeps the statistics of the tables before
        the import until autovacuum comes by (never, where it is off): the
        dashboard's queries over freshly imported events were planned for empty
        tables and timed out. SQLite keeps none unless asked: an export of 100,000
        events read them through the status index and sorted each batch again
        (issue 19). SQLite samples at most `SQLITE_ANALYSIS_LIMIT` rows an index, so
        this stays a fraction of a second at a million events. In the import's
        transaction, so the statistics commit (or roll back) with the rows."""
        if self.written >= ANALYZE_AFTER_EVENTS and self.written > self.analysed_at:
            self._analyse()

    def keep_statistics_up(self) -> None:
        """While a long import writes, ANALYZE each time the events it wrote have
        doubled (1,000, 2,000, 4,000 ... events: a dozen times in a million).

        The import's own look-ups are planned on the statistics too. With those of
        the tables before it, PostgreSQL took `dataset = 'acled'` for a handful of
        rows and read every event of the dataset for each batch's `external_id IN
        (...)` look-up, and hashed every place for each batch's rollup: an import
        of a million rows ran at a third of the speed of 100,000 (issue 19)."""
        doubled = self.written >= 2 * max(self.analysed_at, self.sampled_at)
        if self.written >= ANALYZE_AFTER_EVENTS and doubled:
            self._analyse(sample=True)

    def _analyse(self, *, sample: bool = False) -> None:
        """ANALYZE the written tables; with `sample`, on PostgreSQL, from a small
        sample: enough for the import's look-ups, which need each table's size and
        rough spread, not the histograms the dashboard's queries want (the full
        ANALYZE of a dozen tables took 1-2 s at 100,000 events, and an import ran
        five of them). `refresh_statistics` takes a full one at the end."""
        if not self._on_postgresql():
            self.analysed_at = self.written
            self._analyse_sqlite()
            return
        if not sample:
            self.analysed_at = self.written
            self.session.execute(text(f"ANALYZE {', '.join(WRITTEN_TABLES)}"))
            return
        self.sampled_at = self.written
        target = self.session.execute(text("SHOW default_statistics_target"))
        target = int(target.scalar_one())
        # 300 rows a unit of target: 3,000 rows a table instead of 30,000.
        self.session.execute(text("SET LOCAL default_statistics_target = 10"))
        self.session.execute(text(f"ANALYZE {', '.join(WRITTEN_TABLES)}"))
        self.session.execute(text(f"SET LOCAL default_statistics_target = {target}"))

    def _analyse_sqlite(self) -> None:
        self.session.execute(text(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"))
        for table in WRITTEN_TABLES:
            self.session.execute(text(f"ANALYZE {table}"))

    def save(self, batch: Sequence[tuple[int, EventCreate]]) -> None:
        """Classify each event as added / updated / unchanged and write the changes."""
        if not batch:
            return
        existing = self._existing(batch)
        new, changed = [], []
        for line, event in batch:
            found = existing.get((event.dataset, event.external_id))
            file_hash = content_hash(event)
            if found is None:
                new.append((line, event, file_hash))
            elif found[1] == file_hash:
                self.report.unchanged += 1
            else:
                if found[3] == EventStatus.RETRACTED:
                    # An analyst retracted it (or merged it away): a newer export of
                    # the dataset updates its content but never brings it back.
                    event = event.model_copy(update={"status": EventStatus.RETRACTED})
                changed.append((line, event, file_hash, found[0], found[2]))
        self.report.added += len(new)
        self.report.updated += len(changed)
        if not self.write or not (new or changed):
            return
        written = new + [change[:3] for change in changed]
        self.written += len(written)
        events = [event for _, event, _ in written]
        locations = self._location_ids(events)
        rows = [
            event_values(
                event,
                locations.get(event.location.key()) if event.location else None,
                digest=file_hash,
            )
            for _, event, file_hash in written
        ]
        before = states_of(self.session, [change[3] for change in changed])
        ids = self._insert(rows[: len(new)]) + self._update(rows[len(new) :], changed)
        self._write_participants(ids, events)
        versions = [1] * len(new) + [change[4] + 1 for change in changed]
        self._write_source_records(ids, events, versions, replace=ids[len(new) :])
        self._record_history(ids[: len(new)], changed, before)
        self.report.event_ids.extend(ids)
        for event_id, (line, event, _) in zip(ids, written, strict=True):
            if event.links:
                self.linked.append((event_id, line, event))
        self.keep_statistics_up()

    def _record_history(
        self, added: list[int], changed: list, before: dict[int, dict[str, Any]]
    ) -> None:
        """One history entry per written event, through `tracker.store.events`."""
        updated = {
            event_id: (
                version + 1,
                before[event_id],
                state_of(event)["links"] if event.links else None,
            )
            for _, event, _, event_id, version in changed
        }
        record_imported(self.session, added, updated, author=self.author)

    def finish(self) -> list[Problem]:
        """Write links once every event exists; return the links that point nowhere."""
        problems: list[Problem] = []
        for event_id, line, event in self.linked:
            problems.extend(
                write_links(
                    self.session,
                    self.session.get(Event, event_id),
                    event.links,
                    line=line,
                )
            )
        return problems

    def _existing(
        self, batch: Sequence[tuple[int, EventCreate]]
    ) -> dict[tuple[str, str], Stored]:
        return self.existing_keys([(e.dataset, e.external_id) for _, e in batch])

    def existing_keys(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Stored]:
        """(dataset, external id) -> (id, content hash, version, status) if stored."""
        found: dict[tuple[str, str], Stored] = {}
        columns = (EVENTS.c.id, EVENTS.c.content_hash, EVENTS.c.version)
        for dataset, ids in _by_dataset(keys).items():
            for chunk in _chunks(ids):
                query = select(EVENTS.c.external_id, *columns, EVENTS.c.status).where(
                    EVENTS.c.dataset == dataset, one_of(EVENTS.c.external_id, chunk)
                )
                for external_id, *stored in self._look_up(query):
                    found[(dataset, external_id)] = tuple(stored)
        return found

    def ids_of(self, keys: Sequence[tuple[str, str]]) -> list[int]:
        """The ids of stored events by (dataset, external id), in the order given."""
        ids: dict[tuple[str, str], int] = {}
        for dataset, external_ids in _by_dataset(keys).items():
            for chunk in _chunks(external_ids):
                query = select(EVENTS.c.external_id, EVENTS.c.id).where(
                    EVENTS.c.dataset == dataset, one_of(EVENTS.c.external_id, chunk)
                )
                ids.update(((dataset, e), i) for e, i in self._look_up(query))
        return [ids[key] for key in keys]

    def _insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert new events; their ids, in the order of `rows`."""
        if not rows:
            return []
        now = utc_now()
        for row in rows:
            row.update(created_at=now, updated_at=now, version=1)
        self.session.execute(EVENTS.insert(), rows)
        return self.ids_of([(row["dataset"], row["external_id"]) for row in rows])

    def _update(self, rows: list[dict[str, Any]], changed) -> list[int]:
        """Update changed events in place; drop their actors and sources to rewrite."""
        if not rows:
            return []
        now = utc_now()
        for row, (_, _, _, event_id, version) in zip(rows, changed, strict=True):
            # the stored hash stays the file's content, before any kept status
            row.update(id=event_id, updated_at=now, version=version + 1)
        self.session.execute(update(Event), rows)
        ids = [row["id"] for row in rows]
        for chunk in _chunks(ids):
            self.session.execute(
                delete(EventActor).where(EventActor.event_id.in_(chunk))
            )
            self.session.execute(
                delete(EventSource).where(EventSource.event_id.in_(chunk))
            )
        return ids

    def _write_participants(self, ids: list[int], events: list[EventCreate]) -> None:
        actors = self._actor_ids(events)
        sources = self._source_ids(events)
        roles: dict[tuple[int, int, str], str | None] = {}
        cited: dict[tuple[int, int], str | None] = {}
        for event_id, event in zip(ids, events, strict=True):
            for ref in event.actors:
                actor = actors[name_key(ref.name)]
                given = ref.name if actor.renamed else None
                roles.setdefault((event_id, actor.id, ref.role.value), given)
            for source in event.sources:
                pair = (event_id, sources[source.key()])
                earlier = cited.get(pair)
                cited[pair] = (
                    " […] ".join(q for q in (earlier, source.quote) if q) or None
                )
        if roles:
            self.session.execute(
                EventActor.__table__.insert(),
                [
                    {"event_id": e, "actor_id": a, "role": r, "name_as_given": given}
                    for (e, a, r), given in roles.items()
                ],
            )
        if cited:
            self.session.execute(
                EventSource.__table__.insert(),
                [
                    {"event_id": e, "source_id": s, "quote": q}
                    for (e, s), q in cited.items()
                ],
            )

    def _write_source_records(
        self,
        ids: list[int],
        events: list[EventCreate],
        versions: list[int],
        *,
        replace: list[int],
    ) -> None:
        """Store each event's source record; an updated event's replaces its old one."""
        for chunk in _chunks(replace):
            self.session.execute(
                delete(SourceRecord).where(SourceRecord.event_id.in_(chunk))
            )
        rows = [
            {
                "event_id": event_id,
                "event_version": version,
                **event.source_record.model_dump(),
            }
            for event_id, event, version in zip(ids, events, versions, strict=True)
            if event.source_record is not None
        ]
        if rows:
            self.session.execute(SourceRecord.__table__.insert(), rows)

    def _actor_ids(self, events: list[EventCreate]) -> dict[str, Resolved]:
        """The registry actor of every actor named, by `name_key`; unknown actors
        and new aliases are inserted with one statement each (`actor_registry`)."""
        # The first time a file names an actor gives its kind and country, whichever
        # batch that falls in (`tracker.store.bulk_rows` writes in other batches).
        wanted: dict[str, Any] = {}
        for event in events:
            for ref in event.actors:
                wanted.setdefault(name_key(ref.name), ref)

        def resolve(refs: dict[str, Any]) -> dict[str, Resolved]:
            return resolve_actor_names(self.session, refs)

        # resolve() finds or creates every name it is given: nothing is left to add.
        return self.actors.ids(wanted, resolve, resolve)

    def _location_ids(self, events: list[EventCreate]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for event in events:
            location = event.location
            if location is None:
                continue
            key = location.key()
            if key not in wanted:
                wanted[key] = {
                    **location.model_dump(exclude={"geo_precision"}),
                    "geo_precision": location.geo_precision.value,
                    "location_key": key,
                }
            else:
                first_admin2(wanted[key], location.admin2)
        return self.location_ids(wanted)

    def location_ids(self, wanted: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Registry ids of places by key, `wanted` giving each new place's row.

        A place gets the first admin2 the import names for it, in file order: a
        place stored without one (a row without it, an import before admin2 was
        read) is filled in, one that has one keeps it (migration 0013)."""
        named = self.named_places
        if len(named) > CACHE_LIMIT:
            named.clear()  # bounded, as the caches are: a place is filled in again

        def add(missing: dict[str, dict[str, Any]]) -> dict[str, int]:
            named.update(k for k, row in missing.items() if row.get("admin2"))
            return self._add_keyed(LOCATIONS.c.location_key, missing)

        ids = self.locations.ids(
            wanted,
            lambda keys: self._stored_keys(LOCATIONS.c.location_key, keys),
            add,
        )
        unnamed = {
            key: row["admin2"]
            for key, row in wanted.items()
            if row.get("admin2") and key not in named
        }
        fill_in_admin2(self.session, unnamed)
        named.update(unnamed)
        return ids

    def _source_ids(self, events: list[EventCreate]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for event in events:
            for source in event.sources:
                if (key := source.key()) not in wanted:
                    wanted[key] = {
                        **source.model_dump(exclude={"quote"}),
                        "source_key": key,
                    }
        return self.source_ids(wanted)

    def source_ids(self, wanted: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Registry ids of sources by key, `wanted` giving each new source's row."""
        return self.sources.ids(
            wanted,
            lambda keys: self._stored_keys(SOURCES.c.source_key, keys),
            lambda missing: self._add_keyed(SOURCES.c.source_key, missing),
        )

    def _stored_keys(self, key_column, keys: Iterable[str]) -> dict[str, int]:
        """Ids of registry rows by their unique key, for the keys stored."""
        table, found = key_column.table, {}
        for chunk in _chunks(list(keys)):
            query = select(key_column, table.c.id).where(one_of(key_column, chunk))
            found.update(self._look_up(query))
        return found

    def _add_keyed(self, key_column, rows: dict[str, dict[str, Any]]) -> dict[str, int]:
        self._insert_new(key_column.table, list(rows.values()))
        return self._stored_keys(key_column, rows)

    def _insert_new(self, table, rows: list[dict[str, Any]]) -> None:
        """Insert registry rows; one another writer added meanwhile is left alone."""
        insert = postgresql_insert if self._on_postgresql() else sqlite_insert
        self.session.execute(insert(table).on_conflict_do_nothing(), rows)


class RegistryCache:
    """Registry ids (actors, places, sources) by key, remembered across batches.

    At most `limit` keys: past that it forgets them all and starts again."""

    def __init__(self, limit: int):
        self.limit, self.known = limit, {}

    def ids(
        self,
        wanted: dict[str, Any],
        stored: Callable[[dict[str, Any]], dict[str, int]],
        add: Callable[[dict[str, Any]], dict[str, int]],
    ) -> dict[str, int]:
        """The id of every key in `wanted`: from memory, else `stored` (one look-up
        for all unknown keys), else `add` (one insert for all new ones)."""
        known = self.known
        unknown = {key: value for key, value in wanted.items() if key not in known}
        if not unknown:
            return {key: known[key] for key in wanted}
        found = stored(unknown)
        missing = {k: v for k, v in unknown.items() if k not in found}
        if missing:
            found.update(add(missing))
        ids = {key: known[key] if key in known else found[key] for key in wanted}
        if len(known) + len(found) > self.limit:
            self.known = {}
        self.known.update(found)
        return ids


def _by_dataset(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for dataset, external_id in keys:
        grouped.setdefault(dataset, []).append(external_id)
    return grouped


def _chunks(items: Sequence) -> Iterable[Sequence]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
