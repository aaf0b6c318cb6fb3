"""The timeline page and its figure, built from a real seeded database.

No browser is involved."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.app import create_app
from dashboard.figures import events_over_time_figure, type_colour
from dashboard.pages import timeline
from dashboard.pages.timeline import precision_note
from tests.dashboard.conftest import client_as
from tracker.db import make_engine, session_scope
from tracker.seed import seed_database
from tracker.stats import Period, PeriodCount


@pytest.fixture
def app(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    engine.dispose()
    return create_app(database_url)


def find(component, component_id):
    """The component with `component_id` in a Dash layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_home_page_is_served(app):
    response = client_as(app, "viewer").get("/")
    assert response.status_code == 200
    assert b"Timeline" in response.data


def test_timeline_layout_charts_the_seed_events_by_type(app):
    with app.server.test_request_context("/"):
        page = timeline.layout()
    graph = find(page, "timeline-events-over-time")
    traces = {trace.name: sum(trace.y) for trace in graph.figure.data}
    assert traces["ASSAULT"] == 3 and traces["ACCUSE"] == 2
    assert sum(traces.values()) == 12
    assert "12 events" in find(page, "timeline-summary").children


def test_timeline_layout_reads_the_filter_from_the_query_string(app):
    with app.server.test_request_context("/?event_types=ASSAULT"):
        page = timeline.layout(event_types="ASSAULT")
    graph = find(page, "timeline-events-over-time")
    assert [trace.name for trace in graph.figure.data] == ["ASSAULT"]
    assert (
        "3 events · confirmed and disputed events type ASSAULT"
        in find(page, "timeline-summary").children
    )


def test_events_over_time_figure_says_so_when_nothing_matches():
    figure = events_over_time_figure([], None)
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "No events match these filters."


def test_events_over_time_figure_stacks_types_coloured_by_quad_class():
    day = dt.date(2025, 5, 24)
    counts = [PeriodCount(day, "ASSAULT", 4, 2), PeriodCount(day, "CONSULT", 1, 1)]
    figure = events_over_time_figure(counts, Period.DAY)
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data] == ["CONSULT", "ASSAULT"]  # cooperation first
    assert figure.data[1].marker.color == type_colour("ASSAULT")
    assert type_colour("ASSAULT") != type_colour("CONSULT")


def all_text(component) -> str:
    """Every string in a layout tree, joined."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list):
        children = [children]
    return " ".join(all_text(child) for child in children if child is not None)


def test_timeline_notes_events_dated_less_precisely_than_the_bins(app):
    with app.server.test_request_context("/"):
        page = timeline.layout()
    assert "(6 to the month, 6 to the week)" in all_text(page)
    assert precision_note({"day": 3}, Period.DAY) == ""
    assert precision_note({"month": 2}, Period.MONTH) == ""


def test_timeline_headlines_sum_fatalities_children_actors_and_span(app):
    with app.server.test_request_context("/"):
        page = timeline.layout()
        # The actors are counted with the swimlanes, drawn once the page is up.
        _figure, _note, actors = timeline.update_swimlanes(8, "")
    text = all_text(find(page, "timeline-headlines"))
    assert "12 Confirmed and disputed events" in text
    assert "14 Fatalities (best)" in text
    assert "6 Children killed" in text
    assert "… Actors involved" in text and actors == "8"
    assert "1 May 2025 – 28 May 2025 Date span" in text


def test_timeline_swimlanes_draw_busiest_actors_and_reopen_events(app):
    with app.server.test_request_context("/"):
        lanes, _note, _actors = timeline.update_swimlanes(8, "")
        figure, _note, _actors = timeline.update_swimlanes(2, "")
    actors = list(lanes.layout.yaxis.categoryarray)
    assert "Government of Russia" in actors and len(actors) == 8
    # Busiest first (drawn at the top); ties are broken by name.
    assert list(figure.layout.yaxis.categoryarray) == [
        "Donald Trump",
        "Government of Russia",
    ]
    ids_drawn = {point[0] for trace in lanes.data for point in trace.customdata}
    assert 6 in ids_drawn
    click = {"points": [{"customdata": [6, "title"]}]}
    assert timeline.on_swimlane_click(click) == "/events/6"


def test_timeline_score_line_marks_cooperation_and_violence(app):
    with app.server.test_request_context("/"):
        page = timeline.layout()
    score = find(page, "timeline-score").figure
    by_name = {trace.name: trace for trace in score.data}
    assert set(by_name) == {
        "Material conflict events",
        "Cooperation events",
        "Mean PLOVER score",
    }
    assert all(-10 <= y <= 10 for y in by_name["Mean PLOVER score"].y)
    fatalities = find(page, "timeline-fatalities").figure
    best = next(t for t in fatalities.data if t.name == "Best estimate")
    assert sum(best.y) == 14


def test_timeline_with_no_matching_events_says_so_everywhere(app):
    with app.server.test_request_context("/"):
        page = timeline.layout(text="no such words anywhere")
    assert "No events match these filters" in all_text(find(page, "timeline-headlines"))
    for graph_id in ("timeline-events-over-time", "timeline-score"):
        figure = find(page, graph_id).figure
        assert "No events" in figure.layout.annotations[0].text


def test_create_server_is_a_wsgi_app_serving_the_dashboard(database_url):
    from dashboard.app import create_server

    server = create_server(database_url)
    response = client_as(server, "viewer").get("/events")
    assert response.status_code == 200
    assert b"<title>" in response.data
