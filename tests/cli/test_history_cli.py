"""`tracker history`, `revert` and `purge`: an event's record at the command line."""

from __future__ import annotations

import getpass

from click.testing import CliRunner
from sqlmodel import Session

from tracker.cli.main import main
from tracker.db import make_engine, session_scope
from tracker.models import Event, EventCreate
from tracker.store.events import update_event
from tracker.store.history import Author, state_at


def invoke(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, *args])


def retitle(url: str, event_id: int, title: str, **more) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        version = session.get(Event, event_id).version
        data = EventCreate.model_validate(
            state_at(session, event_id, version)
            | {"title": title, "dataset": "seed"}
            | more
        )
        update_event(
            session,
            event_id,
            data,
            expected_version=version,
            author=Author("anna", via="edit form"),
        )
    engine.dispose()


def test_history_revert_and_purge(database_url):
    assert invoke(database_url, "seed").exit_code == 0
    retitle(database_url, 6, "A wrong title")

    shown = invoke(database_url, "history", "6")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "v2" in lines[0] and "update by anna (edit form)" in lines[0]
    assert lines[1].startswith("    title: ") and lines[1].endswith('"A wrong title"')
    assert f"create by cli:{getpass.getuser()} (tracker seed)" in shown.output

    reverted = invoke(database_url, "revert", "6", "--to", "1")
    assert reverted.exit_code == 0, reverted.output
    assert "now v3" in reverted.output
    assert "revert by cli:" in invoke(database_url, "history", "6").output

    refused = invoke(database_url, "purge", "6", "--yes")
    assert refused.exit_code == 1
    assert "only a retracted event can be purged" in refused.output

    retitle(database_url, 6, "Retracted", status="retracted")
    assert invoke(database_url, "purge", "6", "--yes").exit_code == 0
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.get(Event, 6) is None
    engine.dispose()
    after = invoke(database_url, "history", "6").output
    assert "purge by cli:" in after.splitlines()[0]
