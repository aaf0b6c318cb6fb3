"""The edit history of events: every write recorded, any earlier version restorable.

Each write adds an `EventChange` row: who, when, through what (a form, a command, a
file) and, for each field of the event's record that changed, its value before and
after. A created event records no fields: its first version is what the later
changes started from. So the event as it was at version N is today's record with the
changes after N undone, newest first; `revert_event` saves exactly that, as a new
version whose own change is recorded too.

Records are compared in the shape `EventCreate` dumps to JSON, so a field that did
not change never shows up as changed because of formatting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from tracker.errors import NotFound
from tracker.models import (
    READ_ONLY_RECORD_KEYS,
    ChangeAction,
    Event,
    EventChange,
    EventCreate,
    EventRecord,
    utc_now,
)
from tracker.query.events import event_records, get_event_record

# The fields of an exported record that are not part of what an editor writes.
# The source record is the dataset's row, not the event: an edit never changes it.
NOT_EDITED = READ_ONLY_RECORD_KEYS | {"dataset", "external_id", "source_record"}


@dataclass(frozen=True)
class Author:
    """Who made a write, and through what: shown beside every history entry."""

    username: str
    via: str | None = None


def writable_state(record: EventRecord) -> dict[str, Any]:
    """The editable fields of a stored event, in EventCreate's JSON shape."""
    values = record.model_dump(mode="json")
    writable = {k: v for k, v in values.items() if k not in READ_ONLY_RECORD_KEYS}
    # History names actors as the registry does, as forms and restores give them.
    writable["actors"] = [
        {k: v for k, v in actor.items() if k != "name_as_given"}
        for actor in writable["actors"]
    ]
    return state_of(EventCreate.model_validate(writable))


def state_of(data: EventCreate) -> dict[str, Any]:
    """The editable fields of `data`, in the shape history compares and stores."""
    values = data.model_dump(mode="json")
    state = {k: v for k, v in values.items() if k not in NOT_EDITED}
    # An actor's kind and country belong to the registry, not to one event.
    state["actors"] = [
        {"name": a["name"], "role": a["role"]} for a in state.get("actors", [])
    ]
    return state


def current_state(session: Session, event_id: int) -> dict[str, Any]:
    """The stored event's editable fields now."""
    return writable_state(get_event_record(session, event_id))


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """Each field whose value differs, as [before, after]."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record_change(
    session: Session,
    event_id: int,
    *,
    version: int,
    action: ChangeAction,
    author: Author,
    changes: dict[str, list] | None = None,
) -> None:
    """Add one history entry; flushed with the write it describes."""
    session.add(
        EventChange(
            event_id=event_id,
            version=version,
            action=action.value,
            username=author.username,
            via=author.via,
            changes=changes,
        )
    )
    session.flush()


def record_changes(
    session: Session,
    entries: Iterable[tuple[int, int, dict[str, list] | None]],
    *,
    action: ChangeAction,
    author: Author,
) -> None:
    """Many entries (event id, version after, field changes) in one set-based insert."""
    now = utc_now()
    rows = [
        {
            "event_id": event_id,
            "version": version,
            "action": action.value,
            "username": author.username,
            "via": author.via,
            "at": now,
            "changes": changes,
        }
        for event_id, version, changes in entries
    ]
    if rows:
        session.execute(insert(EventChange), rows)


def states_of(session: Session, event_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The editable fields of many stored events, read with a few queries."""
    return {r.id: writable_state(r) for r in event_records(session, event_ids)}


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded write, as the event page and the CLI show it."""

    version: int
    action: str
    username: str
    via: str | None
    at: dt.datetime
    changes: dict[str, list] | None


def event_history(session: Session, event_id: int) -> list[HistoryEntry]:
    """Every recorded write to the event, newest first."""
    query = (
        select(EventChange)
        .where(EventChange.event_id == event_id)
        .order_by(EventChange.version.desc(), EventChange.id.desc())
    )
    return [
        HistoryEntry(c.version, c.action, c.username, c.via, c.at, c.changes)
        for c in session.exec(query)
    ]


def state_at(session: Session, event_id: int, version: int) -> dict[str, Any]:
    """The event's editable fields as they were at `version`."""
    record = get_event_record(session, event_id)
    if not 1 <= version <= record.version:
        raise NotFound(
            f"event {event_id} has versions 1 to {record.version}, not {version}"
        )
    state = writable_state(record)
    for change in event_history(session, event_id):
        if change.version <= version:
            break
        for name, (before, _after) in (change.changes or {}).items():
            state[name] = before
    return state


def changed_since(
    session: Session, event_id: int, version: int
) -> dict[str, list[Any]]:
    """What writes after `version` changed: field -> [value at `version`, now]."""
    return field_changes(
        state_at(session, event_id, version), current_state(session, event_id)
    )


def revert_event(
    session: Session,
    event_id: int,
    *,
    to_version: int,
    expected_version: int,
    author: Author,
) -> Event:
    """Save the event as it was at `to_version`, as a new version of its own.

    Refused like any edit when someone saved the event after `expected_version`."""
    from tracker.store.events import (
        update_event,  # crud records its writes through this module
    )

    record = get_event_record(session, event_id)
    restored = state_at(session, event_id, to_version)
    kept = {"dataset": record.dataset, "external_id": record.external_id}
    data = EventCreate.model_validate(restored | kept)
    return update_event(
        session,
        event_id,
        data,
        expected_version=expected_version,
        author=Author(author.username, via=f"restored version {to_version}"),
        action=ChangeAction.REVERT,
    )


def last_change_at(session: Session, event_id: int) -> dt.datetime | None:
    """When the event was last written, by its history."""
    history = event_history(session, event_id)
    return history[0].at if history else None
