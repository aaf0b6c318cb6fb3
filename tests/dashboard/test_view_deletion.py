"""Deleting a saved view over real HTTP: the callback request the account menu's
"Delete" sends (after the browser's confirmation), forged by a viewer for a view the
team shares, is refused and deletes nothing; the owner's own request deletes it, and
an admin may delete anyone's (issue 14). See test_authorization for the server and
the forged requests."""

from __future__ import annotations

from sqlalchemy import select

from dashboard import ids
from tests.browser import conftest as browser_servers
from tests.dashboard.test_authorization import logged_in
from tracker.db import make_engine, session_scope
from tracker.models import Role, SavedView
from tracker.store import views
from tracker.store.accounts import Principal

# The browser tests' seeded database (with accounts) and server, for this module.
seeded_template = browser_servers.seeded_template
seeded_url = browser_servers.seeded_url
server = browser_servers.server


def saved_by_editor(database_url: str, name: str) -> int:
    """A shared view of the summary page saved by `editor`; its id."""
    data = views.validated_view(
        {"name": name, "page": "/summary", "query": "period=month", "shared": True}
    )
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            owner = Principal("editor", Role.EDITOR)
            return views.save_view(session, data, owner=owner).id
    finally:
        engine.dispose()


def view_names(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return sorted(session.execute(select(SavedView.name)).scalars())
    finally:
        engine.dispose()


def delete_request(view_id: int) -> tuple[str, dict]:
    """The trigger and values of a confirmed "Delete" of view `view_id`."""
    trigger = f"{ids.ACCOUNT_VIEW_DELETE}.submit_n_clicks"
    button = {"type": ids.ACCOUNT_VIEW_DELETE, "view": view_id}
    fired = [{"id": button, "property": "submit_n_clicks", "value": 1}]
    return trigger, {trigger: fired}


def test_a_viewers_forged_delete_of_a_shared_view_is_refused(server, seeded_url):
    view_id = saved_by_editor(seeded_url, "Team view")
    before = view_names(seeded_url)
    status, text = logged_in(server, "viewer").callback(*delete_request(view_id))
    assert status == 200, text
    assert "only editor or an admin may delete" in text
    assert view_names(seeded_url) == before


def test_the_owner_and_an_admin_delete_views(server, seeded_url):
    own = saved_by_editor(seeded_url, "Editor's own")
    other = saved_by_editor(seeded_url, "Left to the admin")
    status, text = logged_in(server, "editor").callback(*delete_request(own))
    assert status == 200 and "View deleted" in text, text
    assert "Editor's own" not in view_names(seeded_url)
    status, text = logged_in(server, "admin").callback(*delete_request(other))
    assert status == 200 and "View deleted" in text, text
    assert "Left to the admin" not in view_names(seeded_url)
    status, text = logged_in(server, "admin").callback(*delete_request(other))
    assert f"no saved view {other}" in text  # deleted once, not twice
