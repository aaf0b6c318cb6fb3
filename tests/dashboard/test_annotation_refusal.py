"""Pinning an annotation is refused to a viewer on the server, over real HTTP: the
callback request the editor's "Pin" button sends, forged by a viewer, writes nothing;
the same request from an editor pins it (issue 14). See test_authorization for the
server and the forged requests."""

from __future__ import annotations

from sqlalchemy import select

from dashboard import ids
from tests.browser import conftest as browser_servers
from tests.conftest import table_counts
from tests.dashboard.test_authorization import logged_in
from tracker.db import make_engine, session_scope
from tracker.models import Annotation

# The browser tests' seeded database (with accounts) and server, for this module.
seeded_template = browser_servers.seeded_template
seeded_url = browser_servers.seeded_url
server = browser_servers.server

PIN_VALUES = {
    f"{ids.TIMELINE_PIN_SAVE}.n_clicks": 1,
    f"{ids.TIMELINE_PIN_LABEL}.value": "Istanbul talks",
    f"{ids.TIMELINE_PIN_STARTS}.value": "2025-05-16",
    f"{ids.TIMELINE_PIN_ENDS}.value": None,
    f"{ids.TIMELINE_PIN_EVENT}.value": None,
    f"{ids.TIMELINE_FILTER}.data": "",
}


def pinned_labels(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return list(session.execute(select(Annotation.label)).scalars())
    finally:
        engine.dispose()


def test_a_viewers_forged_pin_is_refused_and_writes_nothing(server, seeded_url):
    engine = make_engine(seeded_url)
    before = table_counts(engine)
    status, text = logged_in(server, "viewer").callback(
        f"{ids.TIMELINE_PIN_SAVE}.n_clicks", PIN_VALUES
    )
    assert status == 200, text
    assert "viewers cannot pin annotations" in text
    assert "Nothing was changed" in text
    assert table_counts(engine) == before
    engine.dispose()


def test_the_same_pin_by_an_editor_is_stored_for_everyone(server, seeded_url):
    before = pinned_labels(seeded_url)
    status, text = logged_in(server, "editor").callback(
        f"{ids.TIMELINE_PIN_SAVE}.n_clicks", PIN_VALUES
    )
    assert status == 200 and "Pinned" in text, text
    assert pinned_labels(seeded_url) == [*before, "Istanbul talks"]
