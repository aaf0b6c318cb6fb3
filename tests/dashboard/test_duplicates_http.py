"""The duplicates queue's decisions are refused on the server, over real HTTP: a viewer
who crafts the request a Merge or "Not a duplicate" button would send changes
nothing. The same request made as an editor does decide, so the refusal is the
check, not a malformed request.

The dashboard runs as its own process over the browser tests' seeded SQLite database
(see `tests.dashboard.test_authorization`), with a GDELT report of the seed's strike
added and scanned, which makes two open candidates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard import ids
from tests.browser import conftest as browser_servers
from tests.dashboard.test_authorization import Browser
from tests.dashboard.test_event_duplicates import GDELT_REPORT
from tracker.db import make_engine, session_scope
from tracker.matching.candidates import DuplicateRow, list_duplicate_candidates
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import Event, EventChange, EventCreate
from tracker.store.events import create_event

seeded_template = browser_servers.seeded_template
seeded_url = browser_servers.seeded_url
server = browser_servers.server

STRIKE = 6


@pytest.fixture(scope="module")
def engine(seeded_url: str):
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        report = create_event(session, EventCreate.model_validate(GDELT_REPORT))
        assert find_duplicate_candidates(session, [report.id]) == 2
    yield engine
    engine.dispose()


def open_candidates(engine) -> list[DuplicateRow]:
    with session_scope(engine) as session:
        return list_duplicate_candidates(session)


def snapshot(engine) -> tuple:
    """What a decision would change: the open candidates, the events' statuses and
    versions, and the history."""
    with session_scope(engine) as session:
        events = session.execute(
            select(Event.id, Event.status, Event.version).order_by(Event.id)
        ).all()
        changes = session.execute(
            select(func.count()).select_from(EventChange)
        ).scalar_one()
    return [row.id for row in open_candidates(engine)], events, changes


def clicked(kind: str, **button: Any) -> dict[str, Any]:
    """The callback values of a click on the button of pattern type `kind`."""
    pressed = {"id": {"type": kind, **button}, "property": "n_clicks", "value": 1}
    return {f"{kind}.n_clicks": [pressed], f"{ids.URL}.search": ""}


def logged_in(server: str, username: str) -> Browser:
    browser = Browser(server)
    browser.log_in(username)
    return browser


def test_a_viewers_forged_merge_and_dismissal_are_refused_and_change_nothing(
    server, engine
):
    row = next(r for r in open_candidates(engine) if STRIKE in (r.event.id, r.other.id))
    before = snapshot(engine)
    viewer = logged_in(server, "viewer")
    for kind, button in (
        (ids.DUPLICATES_KEEP, {"candidate": row.id, "keep": STRIKE}),
        (ids.DUPLICATES_DISMISS, {"candidate": row.id}),
    ):
        status, text = viewer.callback(f"{kind}.n_clicks", clicked(kind, **button))
        assert status == 200, text
        assert "You are logged in as viewer (viewer): viewers cannot merge events" in (
            text
        )
        assert "Nothing was changed" in text
    assert snapshot(engine) == before


def test_the_same_dismissal_by_an_editor_is_done_and_recorded(server, engine):
    row = open_candidates(engine)[-1]
    kind = ids.DUPLICATES_DISMISS
    status, text = logged_in(server, "editor").callback(
        f"{kind}.n_clicks", clicked(kind, candidate=row.id)
    )
    assert status == 200, text
    assert f"Candidate #{row.id} dismissed" in text
    assert row.id not in [r.id for r in open_candidates(engine)]
    with session_scope(engine) as session:
        newest = session.execute(
            select(EventChange).order_by(EventChange.id.desc()).limit(2)
        ).scalars()
        noted = {(c.event_id, c.action, c.username) for c in newest}
    assert noted == {
        (row.event.id, "dismiss", "editor"),
        (row.other.id, "dismiss", "editor"),
    }
