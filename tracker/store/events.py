"""Create, find and save events, actors, places and sources: the one door for writes
to an event.

Every write to a stored event (create, update, retract, restore, import, accept,
reject, merge, purge) goes through this module, which records its history itself: a
write to one event claims the next version in `_recorded_write` and records the
fields it changed there, so no caller can change an event without its history entry.
The row writers it uses (`_event_columns`, `_write_participants`) stay private for
that reason; `tracker.store.bulk` writes an import's batches set-based and records
them with `record_imported`.

Functions flush, never commit: the caller's `session_scope` decides, so a batch that
fails anywhere writes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, delete, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from tracker.errors import (
    EditConflict,
    InvalidInput,
    NotFound,
    Problem,
    problems_from_validation_error,
)
from tracker.models import (
    READ_ONLY_RECORD_KEYS,
    Actor,
    ActorAlias,
    ActorCreate,
    ActorRef,
    ChangeAction,
    Event,
    EventActor,
    EventCreate,
    EventLink,
    EventRecord,
    EventSource,
    EventStatus,
    LinkIn,
    LinkRelation,
    Location,
    LocationIn,
    Source,
    SourceIn,
    SourceRecord,
    utc_now,
)
from tracker.store import registry
from tracker.store.history import (
    Author,
    changed_since,
    current_state,
    event_history,
    field_changes,
    record_change,
    record_changes,
    states_of,
)
from tracker.vocab import taxonomy

# Writes whose caller does not say who made them (library use, old scripts).
UNKNOWN_AUTHOR = Author(username="unknown")


class SaveOutcome(StrEnum):
    """What saving one record did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class SaveSummary:
    """Counts of what a batch save did, and the ids it touched in input order."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    event_ids: list[int] = field(default_factory=list)

    def count(self, outcome: SaveOutcome, event_id: int) -> None:
        """Record one saved record."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)
        self.event_ids.append(event_id)

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


# --- Validation at the door -----------------------------------------------------------

NO_SOURCE = (
    "give at least one source: its URL (or, for a report not online, its headline) "
    "and the quote the event rests on"
)


def validate_event_records(
    records: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    require_source: bool = False,
) -> list[EventCreate]:
    """Validate every (line, record) pair and return the validated events.

    Raise InvalidInput listing all problems if any record is invalid. With
    `require_source`, a record that cites no source is invalid too: an event a person
    enters one at a time (the dashboard's form, `tracker add`) must cite what it rests
    on, which the model itself does not ask, since an imported dataset is the source
    of its rows."""
    events: list[EventCreate] = []
    problems: list[Problem] = []
    for line, record in records:
        if not isinstance(record, Mapping):
            problems.append(Problem("record", "must be a JSON object", line=line))
            continue
        writable = {k: v for k, v in record.items() if k not in READ_ONLY_RECORD_KEYS}
        try:
            events.append(EventCreate.model_validate(writable))
        except ValidationError as error:
            problems.extend(problems_from_validation_error(error, line=line))
        if require_source and not record.get("sources"):
            problems.append(Problem("sources", NO_SOURCE, line=line))
    if problems:
        raise InvalidInput(problems)
    return events


# --- Registry look-ups ----------------------------------------------------------------


def find_actor(session: Session, name: str) -> Actor | None:
    """The registry actor called `name`, by its name or one of its aliases.

    The match ignores case."""
    key = name.strip().casefold()
    actor = session.exec(select(Actor).where(func.lower(Actor.name) == key)).first()
    if actor is not None:
        return actor
    return session.exec(
        select(Actor).join(ActorAlias).where(ActorAlias.alias_key == key)
    ).first()


def save_actor(session: Session, data: ActorCreate) -> Actor:
    """Create or update a registry actor by name.

    Any aliases the actor does not have yet are added."""
    actor = find_actor(session, data.name)
    if actor is None:
        actor = Actor(name=data.name, kind=data.kind.value, country=data.country)
        session.add(actor)
    else:
        actor.kind, actor.country = data.kind.value, data.country
    session.flush()
    for alias in data.aliases:
        key = alias.strip().casefold()
        owner = session.exec(
            select(ActorAlias).where(ActorAlias.alias_key == key)
        ).first()
        if owner is None:
            session.add(
                ActorAlias(actor_id=actor.id, alias=alias.strip(), alias_key=key)
            )
        elif owner.actor_id != actor.id:
            raise InvalidInput(
                [Problem("aliases", f"{alias!r} already names another actor")]
            )
    session.flush()
    return actor


def resolve_actor(session: Session, ref: ActorRef) -> Actor:
    """The registry actor `ref` names, created if unknown.

    A new actor is of kind 'other' unless `ref` gives a kind; ACLED's suffixed names
    resolve to the actor without the suffix (`tracker.store.registry`)."""
    return registry.resolve_actor(session, ref)


def _add_registry_row(session: Session, model: type, values: dict, *, key: str):
    """Insert a registry row (actor, place, source) and return it.

    Two writers may both find a name missing and insert it at once: the second
    insert does nothing and both go on with the one row, instead of the second
    failing on the unique key."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return session.exec(select(model).where(getattr(model, key) == values[key])).one()


def resolve_location(session: Session, data: LocationIn) -> Location:
    """The registry place matching `data`.

    It has the same name, admin1, country, coordinates and precision."""
    key = data.key()
    location = session.exec(
        select(Location).where(Location.location_key == key)
    ).first()
    if location is None:
        values = data.model_dump(exclude={"geo_precision"})
        values |= {"geo_precision": data.geo_precision.value, "location_key": key}
        location = _add_registry_row(session, Location, values, key="location_key")
    return location


def resolve_source(session: Session, data: SourceIn) -> Source:
    """The source `data` names, created if new.

    Missing publisher/title/date are filled in."""
    key = data.key()
    source = session.exec(select(Source).where(Source.source_key == key)).first()
    if source is None:
        values = data.model_dump(exclude={"quote"}) | {"source_key": key}
        return _add_registry_row(session, Source, values, key="source_key")
    for name in ("publisher", "title", "published"):
        if getattr(source, name) is None and getattr(data, name) is not None:
            setattr(source, name, getattr(data, name))
    return source


# --- Events ---------------------------------------------------------------------------


LATER_HASHED_FIELDS = ("figures_flag", "source_record")


def content_hash(data: EventCreate) -> str:
    """A stable fingerprint of a validated event, to tell an unchanged re-import."""
    # Fields added since hashes were first stored count only when set, so an
    # unchanged re-import still hashes as before them.
    later = {name for name in LATER_HASHED_FIELDS if getattr(data, name) is None}
    canonical = json.dumps(
        data.model_dump(mode="json", exclude=later), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _event_columns(session: Session, data: EventCreate) -> dict[str, Any]:
    """The event table's column values for `data`, with derived fields filled in."""
    location = resolve_location(session, data.location) if data.location else None
    return event_values(data, location.id if location else None)


def event_values(
    data: EventCreate, location_id: int | None, *, digest: str | None = None
) -> dict[str, Any]:
    """The event table's column values for `data` at a resolved location.

    Quad class and score are derived from type and mode; the content hash lets a
    re-import tell an unchanged record (`digest`: that hash, when already known)."""
    return {
        "title": data.title,
        "notes": data.notes,
        "event_type": data.event_type,
        "mode": data.mode,
        "contexts": data.contexts,
        "quad_class": taxonomy.quad_class(data.event_type),
        "score": taxonomy.score(data.event_type, data.mode),
        "acled_event_type": data.acled_event_type,
        "acled_sub_event_type": data.acled_sub_event_type,
        "date_start": data.date_start,
        "date_end": data.date_end,
        "date_precision": data.date_precision.value,
        "location_id": location_id,
        "fatalities_low": data.fatalities.low,
        "fatalities_best": data.fatalities.best,
        "fatalities_high": data.fatalities.high,
        "civilians_killed": data.civilians_killed,
        "children_killed": data.children_killed,
        "injured": data.injured,
        "status": data.status.value,
        "confidence": data.confidence,
        "tags": data.tags,
        "dataset": data.dataset,
        "external_id": data.external_id,
        "figures_flag": data.figures_flag,
        "content_hash": digest or content_hash(data),
    }


def _write_participants(session: Session, event: Event, data: EventCreate) -> None:
    """Replace the event's actors-in-roles and cited sources with those in `data`."""
    # A form or a restore gives the registry's names: the name an import gave
    # (ACLED's "... (2000-)") stays with the actor it still names in that role.
    given_before = {
        (link.actor_id, link.role): link.name_as_given
        for link in session.exec(
            select(EventActor).where(EventActor.event_id == event.id)
        )
    }
    session.exec(delete(EventActor).where(EventActor.event_id == event.id))
    session.exec(delete(EventSource).where(EventSource.event_id == event.id))
    resolved = registry.resolve_actor_names(
        session, {registry.name_key(ref.name): ref for ref in data.actors}
    )
    seen_roles: set[tuple[int, str]] = set()
    for ref in data.actors:
        actor = resolved[registry.name_key(ref.name)]
        if (actor.id, ref.role.value) not in seen_roles:
            seen_roles.add((actor.id, ref.role.value))
            given = (
                ref.name
                if actor.renamed
                else given_before.get((actor.id, ref.role.value))
            )
            session.add(
                EventActor(
                    event_id=event.id,
                    actor_id=actor.id,
                    role=ref.role.value,
                    name_as_given=given,
                )
            )
    cited: dict[int, EventSource] = {}
    for source_in in data.sources:
        source = resolve_source(session, source_in)
        if source.id in cited:  # two quotes from one source: keep both
            earlier = cited[source.id]
            earlier.quote = " […] ".join(
                q for q in (earlier.quote, source_in.quote) if q
            )
            continue
        cited[source.id] = EventSource(
            event_id=event.id, source_id=source.id, quote=source_in.quote
        )
        session.add(cited[source.id])
    if data.source_record is not None:  # an edit without one leaves the stored one
        row = data.source_record.model_dump()
        session.merge(
            SourceRecord(event_id=event.id, event_version=event.version, **row)
        )
    session.flush()


def find_event_by_external_id(
    session: Session, dataset: str, external_id: str
) -> Event | None:
    """The event a dataset knows as `external_id`, if stored."""
    return session.exec(
        select(Event).where(Event.dataset == dataset, Event.external_id == external_id)
    ).first()


def _save_event(
    session: Session, data: EventCreate
) -> tuple[Event, SaveOutcome, dict[str, Any] | None]:
    """Add `data`, or update the event with its dataset and external id, without its
    links or history (`save_events` writes both); also the fields before an update."""
    existing = (
        find_event_by_external_id(session, data.dataset, data.external_id)
        if data.dataset and data.external_id
        else None
    )
    if existing is not None and existing.content_hash == content_hash(data):
        return existing, SaveOutcome.UNCHANGED, None
    before = current_state(session, existing.id) if existing is not None else None
    columns = _event_columns(session, data)
    if existing is None:
        event = Event(**columns)
        session.add(event)
        session.flush()
        outcome = SaveOutcome.ADDED
    else:
        event = existing
        for name, value in columns.items():
            setattr(event, name, value)
        event.version += 1
        event.updated_at = utc_now()
        outcome = SaveOutcome.UPDATED
    _write_participants(session, event, data)
    return event, outcome, before


def _link_target(session: Session, event: Event, link: LinkIn) -> int | None:
    """The id of the event `link` points at, or None if there is no such event."""
    if link.id is not None:
        return link.id if session.get(Event, link.id) is not None else None
    dataset = link.dataset or event.dataset
    target = (
        find_event_by_external_id(session, dataset, link.external_id)
        if dataset
        else None
    )
    return target.id if target else None


def write_links(
    session: Session, event: Event, links: Sequence[LinkIn], *, line: int | None = None
) -> list[Problem]:
    """Replace the event's outgoing links.

    Return a Problem for each target not found."""
    session.exec(delete(EventLink).where(EventLink.event_id == event.id))
    problems, seen = [], set()
    for index, link in enumerate(links):
        target_id = _link_target(session, event, link)
        where = f"links.{index}"
        if target_id is None:
            target = link.id if link.id is not None else link.external_id
            problems.append(
                Problem(where, "no event with that id", line=line, value=target)
            )
        elif target_id == event.id:
            problems.append(Problem(where, "an event cannot link to itself", line=line))
        elif (target_id, link.relation) not in seen:
            seen.add((target_id, link.relation))
            session.add(
                EventLink(
                    event_id=event.id, target_id=target_id, relation=link.relation.value
                )
            )
    session.flush()
    return problems


def save_events(
    session: Session,
    events: Sequence[EventCreate],
    *,
    lines: Sequence[int] | None = None,
    author: Author = UNKNOWN_AUTHOR,
    action: ChangeAction = ChangeAction.CREATE,
) -> SaveSummary:
    """Save a batch: every event first, then their links, then their history.

    Saving links last lets records in the batch point at each other. Added events
    are recorded as `action` (create, or import); updated ones as updates with the
    fields that changed.

    Raises InvalidInput if any link points nowhere; the caller's transaction then rolls
    the whole batch back."""
    lines = list(lines) if lines is not None else list(range(1, len(events) + 1))
    summary = SaveSummary()
    saved: list[tuple[Event, SaveOutcome, dict[str, Any] | None]] = []
    for data in events:
        event, outcome, before = _save_event(session, data)
        saved.append((event, outcome, before))
        summary.count(outcome, event.id)
    problems: list[Problem] = []
    for (event, outcome, _), data, line in zip(saved, events, lines, strict=True):
        if outcome is not SaveOutcome.UNCHANGED:
            problems.extend(write_links(session, event, data.links, line=line))
    if problems:
        raise InvalidInput(problems)
    updated = [(e, before) for e, _, before in saved if before is not None]
    # What was stored, read back: the registry may have renamed an actor (an alias)
    # or joined two quotes, so the record, not the input, is what history compares.
    after = states_of(session, [event.id for event, _ in updated])
    for event, outcome, _ in saved:
        if outcome is SaveOutcome.ADDED:
            record_change(
                session, event.id, version=event.version, action=action, author=author
            )
    for event, before in updated:
        changes = field_changes(before, after[event.id])
        update = ChangeAction.IMPORT if action is ChangeAction.IMPORT else None
        record_change(
            session,
            event.id,
            version=event.version,
            action=update or _update_action(changes),
            author=author,
            changes=changes,
        )
    return summary


def _update_action(changes: dict[str, list]) -> ChangeAction:
    """An update that retracts the event is recorded as a retraction."""
    retracted = changes.get("status", [None, None])[1] == EventStatus.RETRACTED.value
    return ChangeAction.RETRACT if retracted else ChangeAction.UPDATE


def record_imported(
    session: Session,
    added: Sequence[int],
    updated: Mapping[int, tuple[int, dict[str, Any], list | None]],
    *,
    author: Author,
) -> None:
    """The history of a set-based import batch (`tracker.store.bulk`), in one insert.

    `added` are new events (version 1); `updated` maps an event id to its version
    after the write, its fields before, and the links the file gives it (None: the
    file gives none). Links are written once the whole file is in, so the stored
    ones read here are still the old ones."""
    after = states_of(session, list(updated))
    entries: list[tuple[int, int, dict[str, list] | None]] = [
        (event_id, 1, None) for event_id in added
    ]
    for event_id, (version, before, links) in updated.items():
        # An import without links leaves the stored ones alone (an analyst's
        # duplicate_of link on a merged-away event survives a re-import).
        state = after[event_id] | {
            "links": before.get("links", []) if links is None else links
        }
        entries.append((event_id, version, field_changes(before, state)))
    record_changes(session, entries, action=ChangeAction.IMPORT, author=author)


def create_event(
    session: Session, data: EventCreate, *, author: Author = UNKNOWN_AUTHOR
) -> Event:
    """Add one new event with its actors, place, sources and links."""
    summary = save_events(session, [data], author=author)
    return session.get(Event, summary.event_ids[0])


# --- The one door for writes to one stored event ------------------------------------


@contextmanager
def _recorded_write(
    session: Session,
    event_id: int,
    *,
    author: Author,
    action: ChangeAction | None,
    expected_version: int | None = None,
) -> Iterator[Event]:
    """Claim the event's next version, let the caller change it, record what changed.

    Every write to one stored event goes through here, so none can bump the version
    without a history entry, or leave one out: the entry compares the record read
    before with the record read back after. `action` None: an update, or a
    retraction when that is what it did. `expected_version` None: whatever version
    the event is at now. EditConflict when someone saved it after that version;
    NotFound if there is no such event."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"there is no event with id {event_id}")
    expected = event.version if expected_version is None else expected_version
    before = current_state(session, event_id)
    now = utc_now()
    # Compare-and-set in one statement, so two writers saving at once cannot both
    # pass the check: the second waits for the first's row lock, then matches nothing.
    claimed = session.exec(
        update(Event)
        .where(Event.id == event_id, Event.version == expected)
        .values(version=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(event)
        raise _edit_conflict(session, event, expected)
    event.version, event.updated_at = expected + 1, now
    yield event
    session.flush()
    changes = field_changes(before, current_state(session, event_id))
    record_change(
        session,
        event_id,
        version=event.version,
        action=action or _update_action(changes),
        author=author,
        changes=changes,
    )


# Set by the event's import or seed, not by an editor: an edit keeps them, so the
# record still answers to its dataset id and an unchanged re-import stays a no-op.
KEPT_ON_EDIT = ("dataset", "external_id", "content_hash")
FIGURE_NAMES = ("low", "best", "high")


def published_figures_kept(
    record: Mapping[str, Any], stored: EventRecord
) -> dict[str, Any]:
    """An edit's `record` of the `stored` event, with the stored figures_flag when its
    figures are still the ones the dataset published, else with no flag at all.

    An analyst who leaves flagged figures alone can save the other fields; figures
    changed are the analyst's, not the dataset's: they lose the flag and must be in
    order, as any typed in. A flag the record brings itself is never taken."""
    edited = {key: value for key, value in record.items() if key != "figures_flag"}
    given = edited.get("fatalities") or {}
    if not isinstance(given, Mapping) or not stored.figures_flag:
        return edited
    unchanged = all(
        _figure(given.get(name)) == stored.fatalities.get(name) for name in FIGURE_NAMES
    )
    return edited | {"figures_flag": stored.figures_flag} if unchanged else edited


def _figure(value: Any) -> Any:
    """A figure as a form sends it (5294, 5294.0, " 5294 ", "" or None) as a whole
    number or None; anything else as it is, for validation to refuse."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return value
    return int(number) if number.is_integer() else value


def update_event(
    session: Session,
    event_id: int,
    data: EventCreate,
    *,
    expected_version: int,
    author: Author = UNKNOWN_AUTHOR,
    action: ChangeAction | None = None,
) -> Event:
    """Replace an event's fields, actors, sources and links with `data`.

    The event keeps its id, dataset and external id; its version goes up by one and
    updated_at is now; the history records the fields that changed, as `action`
    (by default an update, or a retraction when that is what it does).
    `expected_version` is the version the editor started from: if someone saved the
    event meanwhile, EditConflict (field "version", with what they changed) is raised
    and nothing is changed. NotFound if there is no such event."""
    with _recorded_write(
        session,
        event_id,
        author=author,
        action=action,
        expected_version=expected_version,
    ) as event:
        columns = _event_columns(session, data)
        for name in KEPT_ON_EDIT:
            columns.pop(name)
        for name, value in columns.items():
            setattr(event, name, value)
        _write_participants(session, event, data)
        problems = write_links(session, event, data.links)
        if problems:
            raise InvalidInput(problems)
    return event


def _edit_conflict(session: Session, event: Event, expected: int) -> EditConflict:
    """The refusal of a stale save, saying what was changed meanwhile."""
    changed = {}
    if 1 <= expected < event.version:
        changed = changed_since(session, event.id, expected)
    who = f" ({event_history(session, event.id)[0].username})" if changed else ""
    meanwhile = f"; changed meanwhile: {', '.join(changed)}" if changed else ""
    reason = (
        f"event {event.id} was saved by someone else{who} after you opened it (it "
        f"is now at version {event.version}, you edited version {expected})"
        f"{meanwhile}. Reload it and make your changes again"
    )
    return EditConflict([Problem("version", reason)], changed)


def retract_event(
    session: Session,
    event_id: int,
    *,
    author: Author,
    action: ChangeAction = ChangeAction.RETRACT,
    tag: str | None = None,
    expected_version: int | None = None,
) -> Event:
    """Retract an event, kept and still retrievable, optionally tagging why.

    Recorded as `action` (a review's reject is a retraction too)."""
    with _recorded_write(
        session,
        event_id,
        author=author,
        action=action,
        expected_version=expected_version,
    ) as event:
        _retract(event, tag)
    return event


def _retract(event: Event, tag: str | None) -> None:
    event.status = EventStatus.RETRACTED.value
    if tag is not None:
        event.tags = sorted({*event.tags, tag})  # a new list: the JSON column sees it


@dataclass(frozen=True)
class MergeOutcome:
    """What merging one event into another did to the kept one's citations."""

    sources_added: int
    quotes_added: int


def merge_events(
    session: Session,
    *,
    keep: int,
    other: int,
    author: Author,
    tag: str | None = None,
) -> MergeOutcome:
    """Merge event `other` into `keep`, both recorded as a new version; nothing deleted.

    `keep` cites every source of `other` it did not (a quote it lacks is appended);
    `other` is retracted (tagged `tag` if given) and linked to `keep` as
    `duplicate_of`, so its history says it was retracted by a merge and which event
    it went into. The caller checks that the two may be merged."""
    said = f"{author.via}: " if author.via else ""
    into = Author(author.username, via=f"{said}event {other} merged into this one")
    with _recorded_write(session, keep, author=into, action=ChangeAction.MERGE):
        outcome = _cite_sources_of(session, other, keep)
    away = Author(author.username, via=f"{said}merged into event {keep}")
    with _recorded_write(
        session, other, author=away, action=ChangeAction.MERGE
    ) as gone:
        _retract(gone, tag)
        relation = LinkRelation.DUPLICATE_OF.value
        linked = session.exec(
            select(EventLink.id).where(
                EventLink.event_id == other,
                EventLink.target_id == keep,
                EventLink.relation == relation,
            )
        ).first()
        if linked is None:
            session.add(EventLink(event_id=other, target_id=keep, relation=relation))
    return outcome


def cite_sources(
    session: Session,
    event_id: int,
    sources: Sequence[SourceIn],
    *,
    author: Author,
) -> MergeOutcome:
    """Make the recorded event `event_id` cite `sources` too, as one new version.

    What an analyst does with a report of an event already recorded: instead of a
    second event that would be counted twice, the event gains the new source (a
    quote it lacks is appended to the one it has)."""
    with _recorded_write(session, event_id, author=author, action=ChangeAction.MERGE):
        cited = {
            row.source_id: row
            for row in session.exec(
                select(EventSource).where(EventSource.event_id == event_id)
            )
        }
        added = quoted = 0
        for data in sources:
            source = resolve_source(session, data)
            session.flush()
            ours = cited.get(source.id)
            if ours is None:
                cited[source.id] = EventSource(
                    event_id=event_id, source_id=source.id, quote=data.quote
                )
                session.add(cited[source.id])
                added += 1
            elif data.quote and data.quote not in (ours.quote or ""):
                ours.quote = " […] ".join(q for q in (ours.quote, data.quote) if q)
                quoted += 1
    return MergeOutcome(added, quoted)


def _cite_sources_of(session: Session, from_id: int, to_id: int) -> MergeOutcome:
    """Make `to_id` cite every source of `from_id`; a quote it lacks is appended."""
    cited = {
        row.source_id: row
        for row in session.exec(
            select(EventSource).where(EventSource.event_id == to_id)
        )
    }
    added = quoted = 0
    for theirs in session.exec(
        select(EventSource).where(EventSource.event_id == from_id)
    ):
        ours = cited.get(theirs.source_id)
        if ours is None:
            session.add(
                EventSource(
                    event_id=to_id, source_id=theirs.source_id, quote=theirs.quote
                )
            )
            added += 1
        elif theirs.quote and theirs.quote not in (ours.quote or ""):
            ours.quote = " […] ".join(q for q in (ours.quote, theirs.quote) if q)
            quoted += 1
    return MergeOutcome(added, quoted)


def find_locations(session: Session, name: str, *, limit: int = 10) -> list[Location]:
    """Registry places whose name starts with `name`, ignoring case; exact names first.

    SQLite folds the case of ASCII letters only, PostgreSQL of every letter."""
    key = " ".join(name.replace("\x00", "").split()).lower()
    if not key or len(key) > 200:  # no place name is longer: nothing can match
        return []
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    lowered = func.lower(Location.name)
    query = (
        select(Location)
        .where(lowered.like(pattern, escape="\\"))
        .order_by(case((lowered == key, 0), else_=1), Location.name, Location.id)
        .limit(limit)
    )
    return list(session.exec(query))


def list_actor_names(session: Session, *, limit: int = 5000) -> list[str]:
    """The names in the actor registry, alphabetically, at most `limit` of them."""
    return list(session.exec(select(Actor.name).order_by(Actor.name).limit(limit)))


def purge_event(session: Session, event_id: int, *, author: Author) -> None:
    """Delete a retracted event for good, with its roles, citations and links.

    Only an admin at the command line may; the history keeps an entry with every
    field's last value, so what was purged, by whom and when stays known. An event
    that linked to it loses that link, recorded as a new version of its own."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"there is no event with id {event_id}")
    if event.status != EventStatus.RETRACTED:
        raise InvalidInput(
            [
                Problem(
                    "status",
                    f"event {event_id} is {event.status}: only a retracted event "
                    "can be purged; retract it first",
                )
            ]
        )
    last = current_state(session, event_id)
    record_change(
        session,
        event_id,
        version=event.version + 1,
        action=ChangeAction.PURGE,
        author=author,
        changes={name: [value, None] for name, value in last.items()},
    )
    linking = session.exec(
        select(EventLink.event_id)
        .where(EventLink.target_id == event_id, EventLink.event_id != event_id)
        .distinct()
    ).all()
    said = f"{author.via}: " if author.via else ""
    unlinked = Author(author.username, via=f"{said}event {event_id} purged")
    for linking_id in sorted(linking):
        with _recorded_write(session, linking_id, author=unlinked, action=None):
            session.exec(
                delete(EventLink).where(
                    EventLink.event_id == linking_id, EventLink.target_id == event_id
                )
            )
    session.delete(event)
    session.flush()
