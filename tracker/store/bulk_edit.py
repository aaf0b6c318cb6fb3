"""One change to many events at once: add a tag, set a status, or retract them.

The table's bulk actions (issue #14) go through `edit_events`: every event is checked
against the version the analyst saw before any is written, then each is written
through `tracker.store.events.recorded_write`, so each gets its own version and
history entry. It flushes, never commits: the caller's `session_scope` makes the
batch all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from tracker.errors import EditConflict, InvalidInput, NotFound, Problem
from tracker.models import ChangeAction, Event, EventStatus
from tracker.query.filter_values import MAX_TAG_LENGTH
from tracker.store.accounts import Action, Principal, authorize
from tracker.store.events import mark_retracted, recorded_write
from tracker.store.history import Author

# Enough for a screenful of selected rows; a larger change is an import's job.
MAX_BULK_EVENTS = 500
# Statuses a bulk action may set; retracting has its own action (and permission).
SETTABLE_STATUSES = (EventStatus.CONFIRMED.value, EventStatus.DISPUTED.value)


class BulkKind(StrEnum):
    """The changes a bulk action can make."""

    ADD_TAG = "add_tag"
    SET_STATUS = "set_status"
    RETRACT = "retract"


@dataclass(frozen=True)
class BulkEdit:
    """One change for every selected event: a tag to add, or a status to set."""

    kind: BulkKind
    value: str | None = None

    def action(self) -> Action:
        """The permission the change needs."""
        return Action.RETRACT if self.kind is BulkKind.RETRACT else Action.EDIT

    def problems(self) -> list[Problem]:
        """What is wrong with the change itself, before any event is read."""
        value = (self.value or "").strip()
        if self.kind is BulkKind.ADD_TAG and not value:
            return [Problem("tag", "give the tag to add")]
        if self.kind is BulkKind.ADD_TAG and len(value) > MAX_TAG_LENGTH:
            return [Problem("tag", f"at most {MAX_TAG_LENGTH} characters")]
        if self.kind is BulkKind.SET_STATUS and value not in SETTABLE_STATUSES:
            allowed = " or ".join(SETTABLE_STATUSES)
            return [Problem("status", f"set the status to {allowed}, not {value!r}")]
        return []


def edit_events(
    session: Session,
    versions: Mapping[int, int],
    edit: BulkEdit,
    *,
    principal: Principal | None,
    via: str | None = None,
) -> list[int]:
    """Apply `edit` to each event of `versions` (event id -> the version the analyst
    saw); the ids written, in order.

    PermissionDenied when `principal` may not make the change; InvalidInput for an
    empty, oversized or malformed change; NotFound naming every missing event;
    EditConflict naming every event saved by someone else since its version. All
    are raised before anything is written; an event the change would leave as it is
    (already tagged, already at that status) is skipped and gets no new version."""
    authorize(principal, edit.action())
    problems = edit.problems()
    if not versions:
        problems.append(Problem("events", "select at least one event"))
    if len(versions) > MAX_BULK_EVENTS:
        problems.append(
            Problem("events", f"at most {MAX_BULK_EVENTS} events in one step")
        )
    if problems:
        raise InvalidInput(problems)
    events = _check_versions(session, versions)
    author = Author(principal.username, via=via)
    written: list[int] = []
    for event in events:
        if _already(event, edit):
            continue
        action = ChangeAction.RETRACT if edit.kind is BulkKind.RETRACT else None
        with recorded_write(
            session,
            event.id,
            author=author,
            action=action,
            expected_version=versions[event.id],
        ) as claimed:
            _apply(claimed, edit)
        written.append(event.id)
    return written


def _check_versions(session: Session, versions: Mapping[int, int]) -> list[Event]:
    """The events, in id order, once every one exists and is at its expected version."""
    ids = sorted(versions)
    events = list(session.exec(select(Event).where(Event.id.in_(ids))).all())
    found = {event.id for event in events}
    missing = [str(event_id) for event_id in ids if event_id not in found]
    if missing:
        raise NotFound(f"there is no event with id {', '.join(missing)}")
    stale = [e for e in events if e.version != versions[e.id]]
    if stale:
        raise EditConflict(
            [
                Problem(
                    "version",
                    f"event {e.id} was saved by someone else after you opened the "
                    f"table (it is now at version {e.version}, you saw version "
                    f"{versions[e.id]}). Reload the table and try again",
                )
                for e in stale
            ],
            {},
        )
    return sorted(events, key=lambda e: e.id)


def _already(event: Event, edit: BulkEdit) -> bool:
    """Whether the change would leave the event as it is."""
    value = (edit.value or "").strip()
    if edit.kind is BulkKind.ADD_TAG:
        return value in event.tags
    if edit.kind is BulkKind.SET_STATUS:
        return event.status == value
    return event.status == EventStatus.RETRACTED.value


def _apply(event: Event, edit: BulkEdit) -> None:
    """Make the change on the claimed event (inside `recorded_write`)."""
    value = (edit.value or "").strip()
    if edit.kind is BulkKind.ADD_TAG:
        event.tags = sorted({*event.tags, value})  # a new list: the JSON column sees it
    elif edit.kind is BulkKind.SET_STATUS:
        event.status = value
    else:
        mark_retracted(event, None)
