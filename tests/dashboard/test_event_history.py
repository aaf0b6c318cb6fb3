"""The event page's history and Restore, called as functions over a seeded database
on SQLite and PostgreSQL: who may restore, and a stale page's refusal."""

from __future__ import annotations

import pytest
from dash import html

from dashboard import ids, services
from dashboard.components.history_panel import describe_value
from dashboard.pages import event
from dashboard.services import reads, writes
from tests.dashboard.conftest import request_as
from tracker.db import session_scope
from tracker.query.events import get_event_record
from tracker.store.history import event_history

EVENT_ID = 6


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def text(components) -> str:
    return " ".join(
        c if isinstance(c, str) else str(getattr(c, "children", ""))
        for c in walk(html.Div(components))
        if isinstance(c, str) or isinstance(getattr(c, "children", None), str)
    )


def edit_title(app, title: str, version: int) -> None:
    record = reads.event_record(EVENT_ID).model_dump(mode="json")
    record["title"] = title
    writes.save_event_form(record, event_id=EVENT_ID, expected_version=version)


def restore_buttons(page) -> list[dict]:
    return [
        c.id
        for c in walk(page)
        if isinstance(getattr(c, "id", None), dict)
        and c.id.get("type") == ids.EVENT_RESTORE
    ]


def test_an_editor_restores_version_1_and_the_restore_is_recorded(app):
    with request_as(app, f"/events/{EVENT_ID}", "editor"):
        edit_title(app, "Changed title", 1)
        page = event.layout(event_id=str(EVENT_ID))
        assert restore_buttons(page) == [{"type": ids.EVENT_RESTORE, "version": 1}]

        body = event.restore({"id": EVENT_ID, "version": 2}, 1)

    words = text(body)
    assert "Restored version 1: it is saved as version 3." in words
    engine = app.server.config[services.ENGINE_KEY]
    with session_scope(engine) as session:
        assert get_event_record(session, EVENT_ID).title.startswith("Ballistic")
        newest = event_history(session, EVENT_ID)[0]
    assert (newest.version, newest.action, newest.username) == (3, "revert", "editor")
    assert newest.via == "restored version 1"


def test_a_viewer_sees_no_restore_button_and_a_forged_restore_changes_nothing(app):
    with request_as(app, "/", "editor"):
        edit_title(app, "Changed title", 1)
    with request_as(app, f"/events/{EVENT_ID}", "viewer"):
        assert restore_buttons(event.layout(event_id=str(EVENT_ID))) == []
        body = event.restore({"id": EVENT_ID, "version": 2}, 1)

    assert "viewers cannot revert events. Nothing was changed." in text(body)
    with session_scope(app.server.config[services.ENGINE_KEY]) as session:
        assert get_event_record(session, EVENT_ID).version == 2


def test_a_restore_from_a_stale_page_names_what_changed_meanwhile(app):
    with request_as(app, f"/events/{EVENT_ID}", "editor"):
        edit_title(app, "Changed title", 1)
        body = event.restore({"id": EVENT_ID, "version": 1}, 1)  # the page saw v1

    words = text(body)
    assert (
        "Not saved: event 6 was saved by someone else (editor) after you opened it"
        in words
    )
    assert "title: you started from Ballistic" in words
    assert "it is now Changed title" in words


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "(empty)"),
        ([], "(empty)"),
        ("text <b>as is</b>", "text <b>as is</b>"),
        (["a", "b"], "a, b"),
        ([{"name": "Ukraine", "role": "target"}], "name Ukraine, role target"),
        (3, "3"),
        ("x" * 400, "x" * 299 + "…"),
    ],
)
def test_describe_value_writes_a_field_on_one_line(value, shown):
    assert describe_value(value) == shown
