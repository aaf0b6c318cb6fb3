"""Edit history: every write recorded with who, when, through what and each field's
before and after; any earlier version restorable, the restore recorded too."""

from __future__ import annotations

import pytest

from tracker.db import session_scope
from tracker.errors import NotFound
from tracker.models import ChangeAction, EventCreate
from tracker.query.events import get_event_record
from tracker.store.events import create_event, save_events, update_event
from tracker.store.history import Author, event_history, revert_event, state_at

ANNA = Author("anna", via="edit form")
BORIS = Author("boris", via="edit form")
STRIKE = {
    "title": "Missile strike on Sumy",
    "event_type": "ASSAULT",
    "date_start": "2025-05-24",
    "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
    "fatalities": {"best": 14},
    "sources": [{"url": "https://example.org/sumy"}],
}


def edit(engine, event_id: int, author: Author, **changes) -> None:
    with session_scope(engine) as session:
        record = get_event_record(session, event_id)
        data = EventCreate.model_validate(
            state_at(session, event_id, record.version) | changes
        )
        update_event(
            session, event_id, data, expected_version=record.version, author=author
        )


@pytest.fixture
def strike(engine) -> int:
    with session_scope(engine) as session:
        event = create_event(
            session, EventCreate.model_validate(STRIKE), author=Author("anna", "cli")
        )
        return event.id


def test_each_write_is_recorded_with_author_and_field_changes(engine, strike):
    edit(engine, strike, BORIS, title="Missile strike on Sumy city")
    edit(engine, strike, ANNA, fatalities={"best": 16}, status="disputed")
    edit(engine, strike, BORIS, status="retracted")

    with session_scope(engine) as session:
        history = event_history(session, strike)
    assert [(c.version, c.action, c.username) for c in history] == [
        (4, "retract", "boris"),
        (3, "update", "anna"),
        (2, "update", "boris"),
        (1, "create", "anna"),
    ]
    assert history[0].changes == {"status": ["disputed", "retracted"]}
    assert history[1].changes == {
        "fatalities": [
            {"low": None, "best": 14, "high": None},
            {"low": None, "best": 16, "high": None},
        ],
        "status": ["confirmed", "disputed"],
    }
    assert history[2].changes == {
        "title": ["Missile strike on Sumy", "Missile strike on Sumy city"]
    }
    assert history[3].changes is None and history[3].via == "cli"
    assert all(c.at is not None for c in history)


def test_any_earlier_version_can_be_restored_and_the_restore_is_recorded(
    engine, strike
):
    edit(engine, strike, BORIS, title="Wrong title", notes="added by mistake")
    edit(engine, strike, ANNA, status="retracted")

    with session_scope(engine) as session:
        revert_event(session, strike, to_version=1, expected_version=3, author=ANNA)

    with session_scope(engine) as session:
        record = get_event_record(session, strike)
        history = event_history(session, strike)
    assert record.version == 4
    assert (record.title, record.notes, record.status) == (
        STRIKE["title"],
        None,
        "confirmed",
    )
    assert history[0].action == ChangeAction.REVERT
    assert history[0].via == "restored version 1"
    assert history[0].changes["title"] == ["Wrong title", STRIKE["title"]]
    # Restoring is itself a version: going back to 3 brings the retraction back.
    with session_scope(engine) as session:
        revert_event(session, strike, to_version=3, expected_version=4, author=BORIS)
        assert get_event_record(session, strike).status == "retracted"


def test_restoring_a_version_that_never_was_is_refused(engine, strike):
    with session_scope(engine) as session, pytest.raises(NotFound, match="versions"):
        revert_event(session, strike, to_version=7, expected_version=1, author=ANNA)


def test_a_batch_save_records_creations_and_updates(engine):
    record = STRIKE | {"dataset": "acled", "external_id": "UKR1"}
    importer = Author("cli:anna", via="import acled.csv")
    with session_scope(engine) as session:
        save_events(
            session,
            [EventCreate.model_validate(record)],
            author=importer,
            action=ChangeAction.IMPORT,
        )
    changed = record | {"fatalities": {"best": 15}}
    with session_scope(engine) as session:
        summary = save_events(
            session,
            [EventCreate.model_validate(changed)],
            author=importer,
            action=ChangeAction.IMPORT,
        )
        history = event_history(session, summary.event_ids[0])
    assert [(c.action, c.version) for c in history] == [("import", 2), ("import", 1)]
    assert list(history[0].changes) == ["fatalities"]


def test_an_import_records_the_file_and_each_changed_field(engine, tmp_path):
    import json

    from tracker.importing import import_file

    path = tmp_path / "strikes.jsonl"
    record = STRIKE | {"dataset": "partner", "external_id": "S-1"}
    path.write_text(json.dumps(record) + "\n")
    who = Author("cli:olena")
    with session_scope(engine) as session:
        import_file(session, path, format_name="native", author=who)
    path.write_text(json.dumps(record | {"title": "Strike on Sumy"}) + "\n")
    with session_scope(engine) as session:
        report = import_file(session, path, format_name="native", author=who)
        history = event_history(session, report.event_ids[0])
    assert [(c.action, c.version, c.username) for c in history] == [
        ("import", 2, "cli:olena"),
        ("import", 1, "cli:olena"),
    ]
    assert history[0].via == "import strikes.jsonl (native-jsonl)"
    assert history[0].changes == {"title": [STRIKE["title"], "Strike on Sumy"]}
