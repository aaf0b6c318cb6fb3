"""The table's bulk actions (issue #14) on SQLite and PostgreSQL: one change to many
events, each with its own version and history entry, all or nothing, refused whole
for a viewer or when any event was saved meanwhile."""

from __future__ import annotations

import pytest

from tracker.db import session_scope
from tracker.errors import EditConflict, InvalidInput, NotFound, PermissionDenied
from tracker.models import EventCreate, Role
from tracker.query.events import get_event_record
from tracker.store.accounts import Principal
from tracker.store.bulk_edit import BulkEdit, BulkKind, edit_events
from tracker.store.events import create_event, retract_event
from tracker.store.history import Author, event_history

EDITOR = Principal("ed", Role.EDITOR)
VIEWER = Principal("vi", Role.VIEWER)


def _event(n: int) -> dict:
    return {
        "title": f"Shelling of village {n}",
        "event_type": "ASSAULT",
        "date_start": f"2024-03-{n:02d}",
        "fatalities": {"best": n},
        "sources": [{"url": f"https://example.org/{n}", "quote": "Shells fell."}],
    }


def _create(engine, count: int = 3) -> list[int]:
    with session_scope(engine) as session:
        return [
            create_event(session, EventCreate.model_validate(_event(n))).id
            for n in range(1, count + 1)
        ]


def _states(engine, ids):
    with session_scope(engine) as session:
        records = [get_event_record(session, i) for i in ids]
        return [(r.version, r.status, r.tags) for r in records]


def _edit(engine, versions, edit, principal=EDITOR):
    with session_scope(engine) as session:
        return edit_events(session, versions, edit, principal=principal, via="table")


def test_edit_events_add_tag_records_one_version_and_entry_per_event(engine):
    ids = _create(engine)
    written = _edit(engine, dict.fromkeys(ids[:2], 1), BulkEdit(BulkKind.ADD_TAG, "x"))
    assert written == ids[:2]
    assert _states(engine, ids) == [
        (2, "confirmed", ["x"]),
        (2, "confirmed", ["x"]),
        (1, "confirmed", []),
    ]
    with session_scope(engine) as session:
        latest = event_history(session, ids[0])[0]
    assert (latest.version, latest.action, latest.username, latest.via) == (
        2,
        "update",
        "ed",
        "table",
    )
    assert latest.changes == {"tags": [[], ["x"]]}


def test_edit_events_set_status_and_retract_record_their_actions(engine):
    ids = _create(engine, 2)
    _edit(engine, dict.fromkeys(ids, 1), BulkEdit(BulkKind.SET_STATUS, "disputed"))
    _edit(engine, dict.fromkeys(ids, 2), BulkEdit(BulkKind.RETRACT))
    assert _states(engine, ids) == [(3, "retracted", [])] * 2
    with session_scope(engine) as session:
        actions = [(h.version, h.action) for h in event_history(session, ids[1])]
    assert actions == [(3, "retract"), (2, "update"), (1, "create")]


def test_edit_events_skips_an_event_it_would_leave_unchanged(engine):
    ids = _create(engine, 2)
    _edit(engine, {ids[0]: 1}, BulkEdit(BulkKind.ADD_TAG, "x"))
    written = _edit(engine, {ids[0]: 2, ids[1]: 1}, BulkEdit(BulkKind.ADD_TAG, "x"))
    assert written == [ids[1]]
    assert _states(engine, ids) == [(2, "confirmed", ["x"])] * 2


def test_edit_events_one_stale_version_refuses_all_and_changes_nothing(engine):
    ids = _create(engine, 3)
    with session_scope(engine) as session:
        retract_event(session, ids[1], author=Author("someone"))
    before = _states(engine, ids)
    with pytest.raises(EditConflict, match=rf"event {ids[1]} was saved by someone"):
        _edit(engine, dict.fromkeys(ids, 1), BulkEdit(BulkKind.ADD_TAG, "x"))
    assert _states(engine, ids) == before


def test_edit_events_a_viewer_is_refused_and_nothing_changes(engine):
    ids = _create(engine, 2)
    before = _states(engine, ids)
    with pytest.raises(PermissionDenied, match="vi is a viewer and may not edit"):
        _edit(engine, dict.fromkeys(ids, 1), BulkEdit(BulkKind.ADD_TAG, "x"), VIEWER)
    with pytest.raises(PermissionDenied, match="may not retract"):
        _edit(engine, dict.fromkeys(ids, 1), BulkEdit(BulkKind.RETRACT), VIEWER)
    with pytest.raises(PermissionDenied, match="log in"):
        _edit(engine, dict.fromkeys(ids, 1), BulkEdit(BulkKind.RETRACT), None)
    assert _states(engine, ids) == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (BulkEdit(BulkKind.ADD_TAG, "  "), "give the tag to add"),
        (BulkEdit(BulkKind.SET_STATUS, "retracted"), "confirmed or disputed"),
        (BulkEdit(BulkKind.ADD_TAG, "t" * 101), "at most 100 characters"),
    ],
)
def test_edit_events_malformed_change_is_refused(engine, edit, message):
    ids = _create(engine, 1)
    with pytest.raises(InvalidInput, match=message):
        _edit(engine, {ids[0]: 1}, edit)
    assert _states(engine, ids) == [(1, "confirmed", [])]


def test_edit_events_missing_event_refuses_all(engine):
    ids = _create(engine, 1)
    with pytest.raises(NotFound, match="no event with id 999999"):
        _edit(engine, {ids[0]: 1, 999999: 1}, BulkEdit(BulkKind.ADD_TAG, "x"))
    with pytest.raises(InvalidInput, match="select at least one event"):
        _edit(engine, {}, BulkEdit(BulkKind.ADD_TAG, "x"))
    assert _states(engine, ids) == [(1, "confirmed", [])]
