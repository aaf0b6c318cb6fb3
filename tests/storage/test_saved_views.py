"""Saved views and annotations on both databases: who may open, rename and delete a
view, who may pin an annotation, and that a refusal changes nothing (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import table_counts
from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound, PermissionDenied
from tracker.models import Role
from tracker.query.annotations import list_annotations
from tracker.store import annotations as annotation_store
from tracker.store import views
from tracker.store.accounts import Principal

OLENA = Principal("olena", Role.EDITOR)
TARAS = Principal("taras", Role.VIEWER)
ADMIN = Principal("root", Role.ADMIN)
DONETSK = "event_types=ASSAULT&admin1=Donetsk&datasets=acled&period=month"


def save(engine, owner: Principal, name: str, *, shared: bool) -> int:
    data = views.validated_view(
        {"name": name, "page": "/summary", "query": "?" + DONETSK, "shared": shared}
    )
    with session_scope(engine) as session:
        return views.save_view(session, data, owner=owner).id


def test_save_view_keeps_page_query_and_owner(engine):
    view_id = save(engine, OLENA, "Donetsk shelling", shared=False)
    with session_scope(engine) as session:
        view = views.fetch_view(session, view_id, principal=OLENA)
        assert (view.name, view.page, view.query, view.owner, view.shared) == (
            "Donetsk shelling",
            "/summary",
            DONETSK,
            "olena",
            False,
        )
        assert views.view_href(view) == "/summary?" + DONETSK
        assert view.created_at.tzinfo is not None


def test_list_views_gives_mine_and_the_shared_ones_only(engine):
    save(engine, OLENA, "Olena private", shared=False)
    save(engine, OLENA, "Olena shared", shared=True)
    save(engine, TARAS, "Taras private", shared=False)
    with session_scope(engine) as session:
        seen_by_taras = [v.name for v in views.list_views(session, TARAS)]
        seen_by_olena = [v.name for v in views.list_views(session, OLENA)]
    assert seen_by_taras == ["Taras private", "Olena shared"]
    assert seen_by_olena == ["Olena private", "Olena shared"]


def test_fetch_view_of_someone_elses_private_view_is_refused(engine):
    private = save(engine, OLENA, "Olena private", shared=False)
    shared = save(engine, OLENA, "Olena shared", shared=True)
    with session_scope(engine) as session:
        assert views.fetch_view(session, shared, principal=TARAS).name == "Olena shared"
        with pytest.raises(PermissionDenied, match="private to olena"):
            views.fetch_view(session, private, principal=TARAS)
        with pytest.raises(PermissionDenied, match="log in"):
            views.fetch_view(session, shared, principal=None)
        with pytest.raises(NotFound, match="no saved view 999"):
            views.fetch_view(session, 999, principal=OLENA)


def test_rename_view_by_its_owner_only(engine):
    view_id = save(engine, OLENA, "Draft", shared=True)
    before = table_counts(engine)
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied, match="only olena may rename"):
            views.rename_view(session, view_id, "Mine now", principal=TARAS)
    with session_scope(engine) as session:
        with pytest.raises(InvalidInput, match="give the view a name"):
            views.rename_view(session, view_id, "  ", principal=OLENA)
    with session_scope(engine) as session:
        assert views.fetch_view(session, view_id, principal=OLENA).name == "Draft"
        views.rename_view(session, view_id, "Donetsk by month", principal=OLENA)
    with session_scope(engine) as session:
        view = views.fetch_view(session, view_id, principal=TARAS)
        assert view.name == "Donetsk by month"
        assert view.updated_at >= view.created_at
    assert table_counts(engine) == before


def test_delete_view_by_owner_or_admin_only(engine):
    first = save(engine, OLENA, "First", shared=True)
    second = save(engine, OLENA, "Second", shared=True)
    before = table_counts(engine)
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied, match="only olena or an admin may delete"):
            views.delete_view(session, first, principal=TARAS)
    assert table_counts(engine) == before
    with session_scope(engine) as session:
        views.delete_view(session, first, principal=OLENA)
        views.delete_view(session, second, principal=ADMIN)
    with session_scope(engine) as session:
        assert views.list_views(session, OLENA) == []


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"name": "", "page": "/"}, "name", "give the view a name"),
        ({"name": "x" * 121, "page": "/"}, "name", "at most 120 characters"),
        ({"name": "Off site", "page": "//evil.example/"}, "page", "a page of the"),
        ({"name": "Off site", "page": "https://evil.example/"}, "page", "a page of"),
        ({"name": "Query", "page": "/?a=1"}, "page", "a page of the dashboard"),
        ({"name": "Long", "page": "/", "query": "a" * 4001}, "query", "at most 4000"),
    ],
)
def test_validated_view_refuses_bad_values(values, field, reason):
    with pytest.raises(InvalidInput) as error:
        views.validated_view(values)
    assert [(p.field, reason in p.reason) for p in error.value.problems] == [
        (field, True)
    ]


def pin(engine, principal: Principal, label: str, starts: str, ends: str | None):
    data = annotation_store.validated_annotation(
        {"label": label, "starts": starts, "ends": ends}
    )
    with session_scope(engine) as session:
        return annotation_store.pin_annotation(session, data, principal=principal)


def test_pin_annotation_by_an_editor_is_listed_for_everyone_by_date(engine):
    pin(engine, OLENA, "June round", "2025-06-02", None)
    talks = pin(engine, OLENA, "Istanbul talks", "2025-05-16", "2025-05-16")
    with session_scope(engine) as session:
        pins = list_annotations(session)
    assert [(p.label, p.starts, p.ends, p.created_by) for p in pins] == [
        ("Istanbul talks", dt.date(2025, 5, 16), None, "olena"),
        ("June round", dt.date(2025, 6, 2), None, "olena"),
    ]
    assert pins[0].id == talks.id


def test_list_annotations_keeps_those_touching_the_window(engine):
    pin(engine, OLENA, "Spring offensive", "2025-03-01", "2025-05-20")
    pin(engine, OLENA, "Istanbul talks", "2025-05-16", None)
    pin(engine, OLENA, "Winter", "2025-01-10", None)
    with session_scope(engine) as session:
        pins = list_annotations(
            session, since=dt.date(2025, 5, 1), until=dt.date(2025, 5, 31)
        )
    assert [p.label for p in pins] == ["Spring offensive", "Istanbul talks"]


def test_pin_annotation_by_a_viewer_is_refused_and_writes_nothing(engine):
    before = table_counts(engine)
    data = annotation_store.validated_annotation(
        {"label": "Mine", "starts": "2025-05-16"}
    )
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied, match="viewer and may not pin"):
            annotation_store.pin_annotation(session, data, principal=TARAS)
    assert table_counts(engine) == before


def test_validated_annotation_names_every_problem():
    with pytest.raises(InvalidInput) as error:
        annotation_store.validated_annotation(
            {"label": " ", "starts": "2025-05-16", "ends": "2025-05-01", "event_id": 0}
        )
    assert [p.field for p in error.value.problems] == ["label", "ends", "event_id"]


def test_delete_annotation_by_an_editor(engine):
    talks = pin(engine, OLENA, "Istanbul talks", "2025-05-16", None)
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            annotation_store.delete_annotation(session, talks.id, principal=TARAS)
    with session_scope(engine) as session:
        annotation_store.delete_annotation(session, talks.id, principal=ADMIN)
        assert list_annotations(session) == []
