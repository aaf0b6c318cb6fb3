"""The timeline page and its figure, built from a real seeded database.

No browser is involved."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import plotly.graph_objects as go
import pytest

from dashboard.figures import timeline as timeline_figures
from dashboard.figures.lane_layout import MAX_ROWS
from dashboard.figures.palette import type_colour
from dashboard.figures.swimlanes import swimlane_figure
from dashboard.pages import timeline
from dashboard.pages.timeline import precision_note
from tests.conftest import REPO_ROOT
from tests.dashboard.conftest import client_as
from tracker.query.stats import Period, PeriodCount
from tracker.query.timeline import FatalityPoint, LaneMark, ScorePoint, Swimlanes


def drawn(figure) -> go.Figure:
    """A figure as Plotly's objects, to read it as the browser draws it: the
    timeline's charts and the swimlanes are built as plain data (issue 19)."""
    return figure if isinstance(figure, go.Figure) else go.Figure(figure)


def events_over_time_figure(*args, **kwargs) -> go.Figure:
    return drawn(timeline_figures.events_over_time_figure(*args, **kwargs))


def score_figure(*args, **kwargs) -> go.Figure:
    return drawn(timeline_figures.score_figure(*args, **kwargs))


def fatalities_figure(*args, **kwargs) -> go.Figure:
    return drawn(timeline_figures.fatalities_figure(*args, **kwargs))


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
    traces = {trace.name: sum(trace.y) for trace in drawn(graph.figure).data}
    assert traces["ASSAULT"] == 3 and traces["ACCUSE"] == 2
    assert sum(traces.values()) == 12
    assert "12 events" in find(page, "timeline-summary").children


def test_timeline_layout_reads_the_filter_from_the_query_string(app):
    with app.server.test_request_context("/?event_types=ASSAULT"):
        page = timeline.layout(event_types="ASSAULT")
    graph = find(page, "timeline-events-over-time")
    assert [trace.name for trace in drawn(graph.figure).data] == ["ASSAULT"]
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
        _figure, _note, actors, _data = timeline.update_swimlanes(8, "")
    text = all_text(find(page, "timeline-headlines"))
    assert "12 Confirmed and disputed events" in text
    assert "14 Fatalities (best)" in text
    assert "6 Children killed" in text
    assert "… Actors involved" in text and actors == "8"
    assert "1 May 2025 – 28 May 2025 Date span" in text


def test_timeline_swimlanes_draw_busiest_actors_and_reopen_events(app):
    with app.server.test_request_context("/"):
        lanes, _note, _actors, _data = timeline.update_swimlanes(8, "")
        figure, _note, _actors, _data = timeline.update_swimlanes(2, "")
    # The callback gives the figure as plain data; read it through Plotly's objects.
    lanes, figure = go.Figure(lanes), go.Figure(figure)
    actors = list(lanes.layout.yaxis.ticktext)
    assert "Government of Russia" in actors and len(actors) == 8
    # Busiest first (drawn at the top); ties are broken by name.
    assert list(figure.layout.yaxis.ticktext) == [
        "Government of Russia",
        "Donald Trump",
    ]
    ids_drawn = {point[0] for trace in lanes.data for point in trace.customdata}
    assert 6 in ids_drawn
    click = {"points": [{"customdata": [6, "title"]}]}
    assert timeline.on_swimlane_click(click) == "/events/6"


def test_timeline_score_line_marks_cooperation_and_violence(app):
    with app.server.test_request_context("/"):
        page = timeline.layout()
    score = drawn(find(page, "timeline-score").figure)
    by_name = {trace.name: trace for trace in score.data}
    assert set(by_name) == {
        "Material conflict events",
        "Cooperation events",
        "Mean PLOVER score",
    }
    # Days without events are gaps (None) in the line, not points.
    scores = [y for y in by_name["Mean PLOVER score"].y if y is not None]
    assert scores and all(-10 <= y <= 10 for y in scores)
    fatalities = drawn(find(page, "timeline-fatalities").figure)
    best = next(t for t in fatalities.data if t.name == "Best estimate")
    assert sum(y for y in best.y if y is not None) == 14


def test_timeline_with_no_matching_events_says_so_everywhere(app):
    with app.server.test_request_context("/"):
        page = timeline.layout(text="no such words anywhere")
    assert "No events match these filters" in all_text(find(page, "timeline-headlines"))
    for graph_id in ("timeline-events-over-time", "timeline-score"):
        figure = drawn(find(page, graph_id).figure)
        assert "No events" in figure.layout.annotations[0].text


def test_create_server_is_a_wsgi_app_serving_the_dashboard(database_url):
    from dashboard.app import create_server

    server = create_server(database_url)
    response = client_as(server, "viewer").get("/events")
    assert response.status_code == 200
    assert b"<title>" in response.data


def test_create_server_reads_the_gazetteer_before_any_search(database_url):
    # Issue 19: under gunicorn the first "Find place" waited seconds for the
    # gazetteer, which `python -m dashboard` already read as it started. A process
    # of its own, so no other test's search has read it already.
    code = (
        "import sys, tracker.vocab.gazetteer as g\n"
        "from dashboard.app import create_server\n"
        "create_server(sys.argv[1])\n"
        "import threading\n"
        "names = {t.name: t for t in threading.enumerate()}\n"
        # Gone already when it finished first: then the cache holds it.
        "reading = names.get('read-gazetteer')\n"
        "reading and reading.join(timeout=300)\n"
        "assert g._read_gazetteer.cache_info().currsize == 1\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, database_url], check=True, cwd=REPO_ROOT
    )


# --- Axes that say what they measure, with 0, 1, 2 and many periods (#12) ---------

# Regression for #12: one period drew a millisecond axis ("23:59:59.999 May 18"),
# gaps were drawn across, and event counts ticked at 0.5.

MAY = dt.date(2025, 5, 1)


def day(n: int) -> dt.date:
    """The n-th day of May 2025."""
    return MAY.replace(day=n)


# Period starts for each case: 1 and 2 adjacent periods, and many with a gap.
STARTS = {
    Period.DAY: {1: [day(18)], 2: [day(18), day(19)], "many": [day(1), day(20)]},
    Period.WEEK: {
        1: [day(19)],
        2: [day(19), day(26)],
        "many": [day(5), day(26)],
    },
    Period.MONTH: {
        1: [MAY],
        2: [MAY, dt.date(2025, 6, 1)],
        "many": [dt.date(2024, 1, 1), MAY],
    },
}
HALF_A_PERIOD = {Period.DAY: "12:00", Period.WEEK: "12:00", Period.MONTH: None}
TIME_OF_DAY = ("%H", "%M", "%S", "%L", "%I", "%p")


def period_figures(period: Period, starts: list[dt.date]) -> dict:
    """The three period charts for events on `starts` (2 violent events each, the
    first with 5 killed, and one talk on the first)."""
    counts = [PeriodCount(s, "ASSAULT", 4, 2) for s in starts]
    counts.append(PeriodCount(starts[0], "CONSULT", 1, 1))
    scores = [ScorePoint(s, -9.0, 2, 0, 2) for s in starts]
    scores[0] = ScorePoint(starts[0], -5.0, 3, 1, 2)
    killed = [FatalityPoint(s, 5, 4, 7, 1) for s in starts]
    return {
        "events": events_over_time_figure(counts, period),
        "score": score_figure(scores, period),
        "fatalities": fatalities_figure(
            killed, period, event_periods=set(starts) | {starts[-1]}
        ),
    }


@pytest.mark.parametrize("period", list(STARTS))
@pytest.mark.parametrize("case", [1, 2, "many"])
def test_period_charts_tick_whole_periods_without_a_time_of_day(period, case):
    starts = STARTS[period][case]
    for name, figure in period_figures(period, starts).items():
        for axis in ("xaxis", "xaxis2") if name == "score" else ("xaxis",):
            x = figure.layout[axis]
            assert x.type == "date"
            assert not any(code in x.tickformat for code in TIME_OF_DAY), name
            # Ticks a whole number of periods apart: never hours.
            if period is Period.MONTH:
                assert x.dtick.startswith("M") and int(x.dtick[1:]) >= 1
            else:
                width = {Period.DAY: 1, Period.WEEK: 7}[period] * 86_400_000
                assert x.dtick % width == 0 and x.dtick >= width
            # The data sit inside the range, half a period from its ends.
            low, high = x.range
            assert low < starts[0].isoformat() and high > starts[-1].isoformat()
            if HALF_A_PERIOD[period]:
                assert low.endswith(HALF_A_PERIOD[period])
                assert high.endswith(HALF_A_PERIOD[period])
            # The axis that shows its labels says what it measures.
            assert x.title.text or x.showticklabels is False, name
            assert "rangeselector" not in x.to_plotly_json()
            assert not x.rangeslider.visible


@pytest.mark.parametrize("case", [1, 2, "many"])
def test_count_axes_tick_whole_numbers_from_zero(case):
    figures = period_figures(Period.DAY, STARTS[Period.DAY][case])
    tallest_stack = 3  # 2 assaults and 1 talk on the first day
    for figure, axis, tallest in (
        (figures["events"], "yaxis", tallest_stack),
        (figures["score"], "yaxis2", 2),
        (figures["fatalities"], "yaxis", 7),
    ):
        y = figure.layout[axis]
        assert (y.tick0, y.tickformat, y.rangemode) == (0, "d", "tozero")
        assert isinstance(y.dtick, int) and y.dtick >= 1
        assert y.range[0] == 0 and y.range[1] >= tallest
        assert y.title.text
    bars = [t for t in figures["score"].data if t.type == "bar"]
    assert bars and all(t.base is None for t in bars)  # bars start at zero


def test_score_line_breaks_over_periods_without_events():
    figure = score_figure(
        [ScorePoint(day(1), -9.0, 2, 0, 2), ScorePoint(day(4), 3.0, 1, 1, 0)],
        Period.DAY,
    )
    line = next(t for t in figure.data if t.name == "Mean PLOVER score")
    assert list(line.x) == ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"]
    assert list(line.y) == [-9.0, None, None, 3.0]
    assert line.connectgaps is False
    assert figure.layout.yaxis.range == (-10.5, 10.5)


def test_fatalities_are_zero_where_events_reported_none_and_a_gap_without_events():
    points = [FatalityPoint(day(1), 5, 4, 7, 1), FatalityPoint(day(5), 2, 2, 2, 1)]
    # Events on the 1st, 3rd and 5th; none on the 2nd and 4th.
    figure = fatalities_figure(
        points, Period.DAY, event_periods={day(1), day(3), day(5)}
    )
    (best,) = figure.data
    assert list(best.y) == [5, None, 0, None, 2]
    assert best.connectgaps is False
    assert list(best.error_y.array) == [2, 0, 0, 0, 0]  # 7 high - 5 best
    assert list(best.error_y.arrayminus) == [1, 0, 0, 0, 0]  # 5 best - 4 low


def test_month_ticks_a_year_or_more_apart_fall_on_januaries():
    counts = [
        PeriodCount(dt.date(2018, 3, 1), "ASSAULT", 4, 1),
        PeriodCount(dt.date(2025, 5, 1), "ASSAULT", 4, 1),
    ]
    axis = events_over_time_figure(counts, Period.MONTH).layout.xaxis
    assert (axis.tick0, axis.dtick, axis.tickformat) == ("2018-01-01", "M12", "%b %Y")


def test_period_charts_with_no_periods_say_so():
    for figure in (
        events_over_time_figure([], None),
        score_figure([], None),
        fatalities_figure([], None),
    ):
        assert figure.data == ()
        assert "No events" in figure.layout.annotations[0].text


def test_period_charts_cover_the_filter_window_and_no_more():
    since, until = day(10), day(20)
    counts = [PeriodCount(day(12), "ASSAULT", 4, 1)]
    figure = events_over_time_figure(counts, Period.DAY, since=since, until=until)
    assert figure.layout.xaxis.range == ("2025-05-09 12:00", "2025-05-20 12:00")
    # Weeks: from the week holding `since` (Monday 5 May) to the one holding
    # `until` (Monday 19 May), half a week either side.
    counts = [PeriodCount(day(12), "ASSAULT", 4, 1)]
    figure = events_over_time_figure(counts, Period.WEEK, since=day(7), until=day(20))
    assert figure.layout.xaxis.range == ("2025-05-01 12:00", "2025-05-22 12:00")
    assert figure.layout.xaxis.tick0 == "2025-05-05"
    # A bin before the window widens the range rather than vanish (tracker.query.stats
    # bins an event that began earlier at the window's start, so there is none).
    counts = [PeriodCount(day(1), "ASSAULT", 4, 1)]
    figure = events_over_time_figure(counts, Period.DAY, since=since, until=until)
    assert figure.layout.xaxis.range == ("2025-04-30 12:00", "2025-05-20 12:00")


# --- Swimlanes: every mark reachable, precise marks above spans (#12) ---------------


def lane_mark(event_id, actor, start, end=None, precision="day", **extra):
    """A swimlane mark of an ASSAULT (or `event_type`) on `start`..`end`."""
    return LaneMark(
        actor=actor,
        role=extra.get("role", "initiator"),
        event_id=event_id,
        title=f"Event {event_id}",
        event_type=extra.get("event_type", "ASSAULT"),
        quad_class=4,
        date_start=start,
        date_end=end,
        date_precision=precision,
        fatalities_best=extra.get("killed"),
        status=extra.get("status", "confirmed"),
    )


def drawn_marks(figure) -> list[tuple[str, int, float, str]]:
    """(trace type, event id, row, first day drawn) of every mark of a figure."""
    marks = []
    for trace in figure.data:
        starts = trace.base if trace.type == "bar" else trace.x
        for data, row, start in zip(trace.customdata, trace.y, starts, strict=True):
            marks.append((trace.type, data[0], row, start))
    return marks


def test_swimlanes_with_no_marks_say_so():
    figure = go.Figure(swimlane_figure(Swimlanes([], [], 0)))
    assert "No events with actors" in figure.layout.annotations[0].text


@pytest.mark.parametrize("marks", [1, 2, MAX_ROWS, 40])
def test_swimlanes_give_every_mark_a_place_of_its_own(marks):
    # Many events on the same days in one lane: the case that hid the strike.
    events = [
        lane_mark(i, "Army", day(1), day(28), "month")
        if i % 2
        else lane_mark(i, "Army", day(24), precision="day", killed=14)
        for i in range(1, marks + 1)
    ]
    figure = go.Figure(swimlane_figure(Swimlanes([("Army", marks)], events, marks)))
    drawn = drawn_marks(figure)
    spans = [m for m in drawn if m[0] == "bar"]
    markers = [m for m in drawn if m[0] == "scatter"]
    # Each event: one marker to hover and click; a span has its thin bar too.
    assert sorted(m[1] for m in markers) == list(range(1, marks + 1))
    assert sorted(m[1] for m in spans) == list(range(1, marks + 1, 2))
    # No two markers on the same spot; no two bars in the same row while the
    # lane has rows enough, and then no more than MAX_ROWS rows.
    assert len({(row, start) for _, _, row, start in markers}) == marks
    assert len({row for _, _, row, _ in drawn}) <= MAX_ROWS
    if marks <= MAX_ROWS:
        assert len({row for _, _, row, _ in spans}) == len(spans)
    # Spans are drawn first (behind), points last (on top) and in rows above,
    # bigger than a span's marker.
    kinds = [trace.type for trace in figure.data]
    assert kinds == sorted(kinds)  # "bar" < "scatter"
    scatters = [t for t in figure.data if t.type == "scatter"]
    points = [t for t in scatters if t.customdata[0][0] % 2 == 0]
    starts = [t for t in scatters if t.customdata[0][0] % 2 == 1]
    assert [t.customdata[0][0] % 2 for t in scatters] == sorted(
        (t.customdata[0][0] % 2 for t in scatters), reverse=True
    )
    if points and spans:
        assert points[0].marker.size > starts[0].marker.size
        assert max(points[0].y) < min(row for _, _, row, _ in spans)
    assert all(t.width <= 0.4 for t in figure.data if t.type == "bar")
    assert figure.layout.hovermode == "closest"
    assert figure.layout.xaxis.tickformat == "%-d %b %Y"


def test_swimlanes_put_each_actor_in_its_lane_busiest_on_top():
    events = [
        lane_mark(1, "Army", day(2)),
        lane_mark(2, "Army", day(3), role="target"),
        lane_mark(2, "Militia", day(3)),
    ]
    figure = go.Figure(
        swimlane_figure(
            Swimlanes([("Army", 2), ("Militia", 1)], events, 3, actors_involved=2)
        )
    )
    y = figure.layout.yaxis
    assert list(y.ticktext) == ["Army", "Militia"]
    army, militia = y.tickvals
    assert y.range[0] > y.range[1]  # reversed: the first lane at the top
    rows = {(m[1], m[2]) for m in drawn_marks(figure)}
    lane_of = {
        (event_id, "Army" if abs(row - army) < abs(row - militia) else "Militia")
        for event_id, row in rows
    }
    assert lane_of == {(1, "Army"), (2, "Army"), (2, "Militia")}
    hovers = [data[5] for trace in figure.data for data in trace.customdata]
    assert sorted(hovers) == ["Army", "Army", "Militia"]


def test_swimlanes_draw_spans_inside_the_window_and_keep_real_dates_in_hover():
    since, until = day(10), day(20)
    events = [lane_mark(1, "Army", dt.date(2025, 1, 1), day(28), "month")]
    figure = go.Figure(
        swimlane_figure(Swimlanes([("Army", 1)], events, 1), since=since, until=until)
    )
    bar, marker = figure.data
    assert bar.base == ("2025-05-10",) and marker.x == ("2025-05-10 12:00",)
    assert bar.x == (11 * 86_400_000,)  # 10 to 20 May, both days drawn
    assert bar.customdata[0][2].startswith("1 January – 28 May 2025 (month)")
    assert "drawn up to their edge" in bar.customdata[0][2]
    # Whole days, from the first's midnight to the one after the last.
    assert figure.layout.xaxis.range == ("2025-05-10 00:00", "2025-05-21 00:00")


def test_a_crowded_lane_of_points_uses_all_its_rows_and_spreads_each_day():
    # 20 events of one actor on one day: 8 rows, and in each row the day's
    # markers spread across the day instead of sitting on one another.
    events = [lane_mark(i, "Army", day(24)) for i in range(1, 21)]
    figure = go.Figure(swimlane_figure(Swimlanes([("Army", 20)], events, 20)))
    drawn = drawn_marks(figure)
    assert len({row for _, _, row, _ in drawn}) == MAX_ROWS
    assert len({(row, x) for _, _, row, x in drawn}) == 20
    assert all(x.startswith("2025-05-24 ") for _, _, _, x in drawn)
