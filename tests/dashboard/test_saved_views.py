"""Saved views' permalinks and annotations on the timeline, without a browser
(issue 14): `/views/<id>` redirects its owner, and anyone for a shared view, to the
page with its query string and refuses someone else's private view; pinned dates are
drawn on the timeline's date charts as plain figure data, for every reader."""

from __future__ import annotations

import datetime as dt

from dashboard import ids
from dashboard.figures.pins import add_pin_marks
from dashboard.pages import timeline
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import add_account, client_as, request_as
from tests.dashboard.test_timeline import drawn, events_over_time_figure, find
from tracker.db import session_scope
from tracker.models import Role
from tracker.query.annotations import Pin
from tracker.query.stats import Period, PeriodCount
from tracker.store import annotations as annotation_store
from tracker.store import views
from tracker.store.accounts import Principal

QUERY = "event_types=ASSAULT&period=month&by=admin1"


def saved(app, owner: str, *, shared: bool) -> int:
    """A view of the summary page saved by `owner` (an editor account)."""
    add_account(app, owner, "editor")
    data = views.validated_view(
        {"name": "Assaults", "page": "/summary", "query": QUERY, "shared": shared}
    )
    with session_scope(app.server.config[ENGINE_KEY]) as session:
        return views.save_view(session, data, owner=Principal(owner, Role.EDITOR)).id


def test_view_permalink_redirects_its_owner_to_the_page_and_query(app):
    view_id = saved(app, "editor", shared=False)
    response = client_as(app, "editor").get(f"/views/{view_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/summary?{QUERY}"


def test_view_permalink_of_a_shared_view_opens_for_another_account(app):
    view_id = saved(app, "editor", shared=True)
    response = client_as(app, "viewer").get(f"/views/{view_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/summary?{QUERY}"


def test_view_permalink_of_a_private_view_is_refused_to_another_account(app):
    view_id = saved(app, "editor", shared=False)
    response = client_as(app, "viewer").get(f"/views/{view_id}")
    assert response.status_code == 403
    assert "private to editor" in response.get_data(as_text=True)
    missing = client_as(app, "viewer").get("/views/9999")
    assert missing.status_code == 404
    assert "no saved view 9999" in missing.get_data(as_text=True)


def test_view_permalink_asks_a_visitor_to_log_in(app):
    view_id = saved(app, "editor", shared=True)
    response = app.server.test_client().get(f"/views/{view_id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=%2Fviews%2F")


def test_timeline_draws_pins_for_a_viewer_and_offers_the_form_to_editors(app):
    add_account(app, "editor", "editor")
    with session_scope(app.server.config[ENGINE_KEY]) as session:
        annotation_store.pin_annotation(
            session,
            annotation_store.validated_annotation(
                {"label": "Istanbul talks", "starts": "2025-05-16"}
            ),
            principal=Principal("editor", Role.EDITOR),
        )
    with request_as(app, "/", role="viewer"):
        page = timeline.layout()
    for chart in (ids.TIMELINE_EVENTS_OVER_TIME, ids.TIMELINE_SCORE):
        labels = [a.text for a in drawn(find(page, chart).figure).layout.annotations]
        assert "Istanbul talks" in labels
    assert find(page, ids.TIMELINE_PIN_SAVE) is None
    with request_as(app, "/", role="editor"):
        assert find(timeline.layout(), ids.TIMELINE_PIN_SAVE) is not None


MAY = (dt.datetime(2025, 5, 1), dt.datetime(2025, 6, 1))


def empty() -> dict:
    """A figure as plain data, as the timeline's charts are built (issue 19)."""
    return {"data": [], "layout": {}}


def pin(label: str, starts: dt.date, ends: dt.date | None = None) -> Pin:
    return Pin(1, label, starts, ends, None, "olena")


def test_add_pin_marks_draws_a_day_as_a_line_and_a_span_as_a_band():
    figure = add_pin_marks(
        empty(),
        [
            pin("Istanbul talks", dt.date(2025, 5, 16)),
            pin("Ceasefire", dt.date(2025, 5, 20), dt.date(2025, 5, 22)),
        ],
        MAY,
    )
    shapes = figure["layout"]["shapes"]
    assert [(s["type"], s["x0"], s["x1"]) for s in shapes] == [
        ("line", "2025-05-16T00:00:00", "2025-05-16T00:00:00"),
        ("rect", "2025-05-20T00:00:00", "2025-05-23T00:00:00"),
    ]
    figure = drawn(figure)
    labels = [a.text for a in figure.layout.annotations]
    assert labels == ["Istanbul talks", "Ceasefire"]
    assert figure.layout.margin.t >= 60  # room for the labels above the plot


def test_add_pin_marks_leaves_out_dates_off_the_axis():
    figure = add_pin_marks(
        empty(),
        [pin("Winter", dt.date(2025, 1, 10)), pin("Later", dt.date(2025, 7, 1))],
        MAY,
    )
    assert figure == empty()


def test_events_over_time_figure_without_pins_has_no_marks():
    counts = [PeriodCount(dt.date(2025, 5, 16), "ASSAULT", 4, 2)]
    figure = events_over_time_figure(counts, Period.DAY)
    assert figure.layout.shapes == ()
