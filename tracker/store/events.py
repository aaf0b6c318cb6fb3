"""Create, save, update, retract and purge events: the one door for writes to an event.
One idea, kept whole past the usual 400 lines: every write here claims the event's
version and records its history in this module, which the door test
(`tests/unit/test_event_write_door.py`) holds to.

Every write to a stored event (create, update, retract, restore, import, accept,
reject, merge, purge) goes through this module, and so does a note of a decision
that changes no field (`note_decision`), which records its history itself: a
write to one event claims the next version in `recorded_write` and records the
fields it changed there, so no caller can change an event without its history entry.
The rows an event is made of are written by `tracker.store.event_rows`, called only
from here and from `tracker.store.bulk`, which writes an import's batches set-based
and records them with `record_imported`; merging and citing (`tracker.store.merging`)
are recorded writes too. The registry of actors, places and sources is
`tracker.store.registry`.

Functions flush, never commit: the caller's `session_scope` decides, so a batch that
fails anywhere writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, update
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
    ChangeAction,
    Event,
    EventCreate,
    EventLink,
    EventRecord,
    EventStatus,
    utc_now,
)
from tracker.query.events import find_event_by_external_id
from tracker.store.event_rows import (
    content_hash,
    event_columns,
    write_links,
    write_participants,
)
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


def link_problems(
    session: Session, record: Mapping[str, Any], *, event_id: int | None = None
) -> list[Problem]:
    """The links by id of `record` that its write would refuse: a target that is not
    there, or `event_id` itself (the event being edited).

    Found before writing, so a form hears of them with its other problems in one
    round rather than after they are all fixed; the write checks again. Ids that are
    not whole numbers are left to validation, and links by external id to the write."""
    links = record.get("links")
    wanted = {
        index: int(link["id"])
        for index, link in enumerate(links if isinstance(links, list) else [])
        if isinstance(link, Mapping) and str(link.get("id", "")).strip().isdigit()
    }
    found = set(
        session.exec(select(Event.id).where(Event.id.in_(set(wanted.values()))))
        if wanted
        else ()
    )
    problems = []
    for index, target in wanted.items():
        if target == event_id:
            problems.append(Problem(f"links.{index}", "an event cannot link to itself"))
        elif target not in found:
            problems.append(
                Problem(f"links.{index}", "no event with that id", value=target)
            )
    return problems


# --- Batches of events ----------------------------------------------------------------


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
    columns = event_columns(session, data)
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
    write_participants(session, event, data)
    return event, outcome, before


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
def recorded_write(
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


def validated_entered_event(
    record: Mapping[str, Any], stored: EventRecord | None = None
) -> EventCreate:
    """An event a person entered (the dashboard's form, the API), validated; or
    InvalidInput with every problem at once. It must cite a source
    (`validate_event_records(require_source=True)`).

    Figures are checked strictly: only an edit of `stored` that leaves its flagged
    figures as the dataset published them keeps the flag (and so the figures)."""
    if stored is not None:
        record = published_figures_kept(record, stored)
    else:
        record = {k: v for k, v in record.items() if k != "figures_flag"}
    [data] = validate_event_records([(1, record)], require_source=True)
    return data


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
    with recorded_write(
        session,
        event_id,
        author=author,
        action=action,
        expected_version=expected_version,
    ) as event:
        columns = event_columns(session, data)
        for name in KEPT_ON_EDIT:
            columns.pop(name)
        for name, value in columns.items():
            setattr(event, name, value)
        write_participants(session, event, data)
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
    with recorded_write(
        session,
        event_id,
        author=author,
        action=action,
        expected_version=expected_version,
    ) as event:
        mark_retracted(event, tag)
    return event


def note_decision(
    session: Session, event_id: int, *, action: ChangeAction, author: Author
) -> None:
    """Record in the event's history a decision about it that changes none of its
    fields (a pair judged not to be duplicates), at its current version.

    No new version: the record is what it was, and claiming one would refuse an
    editor's save already begun. NotFound if there is no such event."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"there is no event with id {event_id}")
    record_change(
        session, event_id, version=event.version, action=action, author=author
    )


def mark_retracted(event: Event, tag: str | None) -> None:
    """Set the event's status to retracted, tagged `tag` if given (inside a
    `recorded_write`, which records it)."""
    event.status = EventStatus.RETRACTED.value
    if tag is not None:
        event.tags = sorted({*event.tags, tag})  # a new list: the JSON column sees it


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
        with recorded_write(session, linking_id, author=unlinked, action=None):
            session.exec(
                delete(EventLink).where(
                    EventLink.event_id == linking_id, EventLink.target_id == event_id
                )
            )
    session.delete(event)
    session.flush()
