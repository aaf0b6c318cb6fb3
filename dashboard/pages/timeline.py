"""Timeline page (home): what happened when, violence and diplomacy together.

Headline figures, events over time by type, actor swimlanes, the conflict-cooperation
line and fatalities, all for the filter in the URL and computed in SQL."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.duplicate_banner import duplicate_banner
from dashboard.components.export_link import export_link
from dashboard.components.filter_panel import ignored_notice
from dashboard.components.pin_form import pin_form
from dashboard.figures.swimlanes import swimlane_figure
from dashboard.figures.timeline import (
    events_over_time_figure,
    fatalities_figure,
    score_figure,
)
from dashboard.server.chart_data_route import chart_csv_href
from dashboard.services import reads, writes
from tracker.errors import InvalidInput, PermissionDenied
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import Period
from tracker.query.timeline import Headlines, Swimlanes

DEFAULT_LANES = 8
GRAPH_CONFIG = {"displaylogo": False}


def layout(**query: Any) -> html.Div:
    """Build the page from the database on each load; the URL query is the filter."""
    event_filter, ignored = parse_filter(query)
    data = reads.timeline_data(event_filter)
    described = event_filter.describe()
    plural = "s" if data.total != 1 else ""
    # The charts cover the dates asked for, not the whole span of events that
    # overlap them.
    window = date_window(event_filter)
    pins = reads.timeline_pins(event_filter.since, event_filter.until)
    return html.Div(
        [
            dcc.Store(id=ids.TIMELINE_FILTER, data=event_filter.to_query_string()),
            dcc.Location(id=ids.TIMELINE_NAVIGATE, refresh="callback-nav"),
            html.Div(
                [
                    html.H1("Timeline"),
                    export_link(event_filter, ids.TIMELINE_EXPORT),
                ],
                className="page-head",
            ),
            ignored_notice(ignored),
            html.P(
                f"{data.total} event{plural} · {described}",
                id=ids.TIMELINE_SUMMARY,
                className="summary",
            ),
            headline_row(data.headlines, event_filter.describe_statuses()),
            duplicate_banner(event_filter),
            card(
                "Events over time, by type",
                described,
                dcc.Graph(
                    id=ids.TIMELINE_EVENTS_OVER_TIME,
                    figure=events_over_time_figure(
                        data.counts, data.period, pins=pins, **window
                    ),
                    config=GRAPH_CONFIG,
                ),
                pin_form(),
                precision_note(data.by_precision, data.period),
                html.P(
                    window_note(data.started_before_window, event_filter),
                    id=ids.TIMELINE_WINDOW_NOTE,
                    className="note",
                ),
                data_link=data_link(event_filter, "events"),
            ),
            card(
                "Who did what: actor swimlanes",
                "The busiest actors; click a mark to open its event. A dot is an event "
                "dated to the day; a thin bar starting with a small dot is an event "
                "dated only to its week, month or year.",
                html.Div(
                    [
                        html.Label("Actors shown", htmlFor=ids.TIMELINE_LANES),
                        dcc.Input(
                            id=ids.TIMELINE_LANES,
                            type="number",
                            min=1,
                            max=40,
                            step=1,
                            value=DEFAULT_LANES,
                            debounce=True,
                        ),
                    ],
                    className="inline-field",
                ),
                # Drawn by `update_swimlanes` once the page is up: the one chart
                # whose work grows with the number of matching events.
                dcc.Graph(id=ids.TIMELINE_SWIMLANES, config=GRAPH_CONFIG),
                html.P(id=ids.TIMELINE_SWIMLANES_NOTE, className="note"),
                data_link=data_link(event_filter, "swimlanes", lanes=DEFAULT_LANES),
            ),
            card(
                "Diplomacy and violence on one axis",
                "Above: the mean PLOVER conflict-cooperation score per period (a break "
                "is a period without events). Below, on the same dates: diamonds "
                "count talks, agreements and releases; bars, strikes and assaults.",
                dcc.Graph(
                    id=ids.TIMELINE_SCORE,
                    figure=score_figure(data.scores, data.period, pins=pins, **window),
                    config=GRAPH_CONFIG,
                ),
                data_link=data_link(event_filter, "score"),
            ),
            card(
                "Fatalities over time",
                "Best estimates; the error bars span the low-high range where sources "
                "give one. A break in the line is a period without events.",
                dcc.Graph(
                    id=ids.TIMELINE_FATALITIES,
                    figure=fatalities_figure(
                        data.fatalities,
                        data.period,
                        event_periods={c.period_start for c in data.counts},
                        **window,
                    ),
                    config=GRAPH_CONFIG,
                ),
                data_link=data_link(event_filter, "fatalities"),
            ),
        ]
    )


def date_window(event_filter: EventFilter) -> dict[str, Any]:
    """The filter's dates, as the figure builders take them (`since`, `until`)."""
    return {"since": event_filter.since, "until": event_filter.until}


def card(
    title: str, subtitle: str, *children: Any, data_link: html.A | None = None
) -> html.Section:
    """A titled chart card, with a link to the chart's data as CSV."""
    head = html.Div([html.H2(title), data_link], className="card-head")
    return html.Section(
        [head, html.P(subtitle, className="subtitle"), *children],
        className="card",
    )


def data_link(event_filter: EventFilter, chart: str, **extra: Any) -> html.A:
    """ "Data (CSV)": the numbers behind one chart, for the same filter."""
    return html.A(
        "Data (CSV)",
        id={"type": ids.TIMELINE_CHART_DATA, "chart": chart},
        href=chart_csv_href(event_filter, chart, **extra),
        className="data-link",
        download="",
        rel="nofollow",
    )


def headline_row(headlines: Headlines | None, counted: str = "events") -> html.Div:
    """Events, fatalities (best, low-high), children killed, actors, date span.

    `counted` says which events the figures count ("confirmed and disputed
    events"), so a figure copied into a briefing says what it is."""
    if headlines is None or headlines.events == 0:
        return html.Div(
            [
                html.P("No events match these filters: widen or clear them."),
                # Where the swimlanes callback writes the actor count: a Div, as
                # the headline's own value, so Dash's check of the callbacks (built
                # over an empty database) sees the type the page has with events.
                html.Div(id=ids.TIMELINE_ACTORS_INVOLVED, hidden=True),
            ],
            id=ids.TIMELINE_HEADLINES,
            className="headlines empty",
        )
    span = (
        f"{headlines.first_date:%-d %b %Y} – {headlines.last_date:%-d %b %Y}"
        if headlines.first_date and headlines.last_date
        else "–"
    )
    killed = f"{headlines.fatalities_best:,}"
    if (headlines.fatalities_low, headlines.fatalities_high) != (
        headlines.fatalities_best,
        headlines.fatalities_best,
    ):
        killed += f" ({headlines.fatalities_low:,}–{headlines.fatalities_high:,})"
    actors = "…" if headlines.actors is None else f"{headlines.actors:,}"
    figures = [
        (counted.capitalize(), f"{headlines.events:,}", None),
        ("Fatalities (best)", killed, None),
        ("Children killed", f"{headlines.children_killed:,}", None),
        ("Actors involved", actors, ids.TIMELINE_ACTORS_INVOLVED),
        ("Date span", span, None),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Div(value, className="value", **({"id": id_} if id_ else {})),
                    html.Div(label, className="label"),
                ],
                className="headline",
            )
            for label, value, id_ in figures
        ],
        id=ids.TIMELINE_HEADLINES,
        className="headlines",
    )


def swimlane_note(lanes: Swimlanes | None) -> str:
    """Say when the swimlanes show only the most recent marks."""
    if lanes is None or len(lanes.marks) >= lanes.total_marks:
        return ""
    return (
        f"Showing the {len(lanes.marks):,} most recent of {lanes.total_marks:,} marks; "
        "narrow the filters to see the rest."
    )


def precision_note(by_precision: dict[str, int], period: Period | None) -> str:
    """Say how many events are dated more coarsely than the chart's bins, and where
    they are counted, so a month-precision event is not read as a day."""
    if period is None:
        return ""
    finer_or_equal = {
        Period.DAY: {"day"},
        Period.WEEK: {"day", "week"},
        Period.MONTH: {"day", "week", "month"},
        Period.YEAR: {"day", "week", "month", "year"},
    }[period]
    coarse = {p: n for p, n in by_precision.items() if p not in finer_or_equal}
    if not coarse:
        return ""
    parts = ", ".join(f"{n} to the {p}" for p, n in sorted(coarse.items()))
    return (
        f"Some events are dated less precisely than the {period.value} bins ({parts}); "
        "each is counted at the earliest date it may have happened."
    )


def window_note(started_before: int, event_filter: EventFilter) -> str:
    """Say how many events began before the window and where they are counted, so
    a May chart that holds an offensive "since January" says so."""
    if not started_before or event_filter.since is None:
        return ""
    plural = "s" if started_before != 1 else ""
    return (
        f"{started_before} event{plural} began before {event_filter.since:%-d %b %Y} "
        "and ran into the chosen dates; each is counted on that first day."
    )


@callback(
    Output(ids.TIMELINE_SWIMLANES, "figure"),
    Output(ids.TIMELINE_SWIMLANES_NOTE, "children"),
    Output(ids.TIMELINE_ACTORS_INVOLVED, "children"),
    Output({"type": ids.TIMELINE_CHART_DATA, "chart": "swimlanes"}, "href"),
    Input(ids.TIMELINE_LANES, "value"),
    State(ids.TIMELINE_FILTER, "data"),
)
def update_swimlanes(lanes: int | None, query: str | None):
    """Draw the swimlanes (on load, and for another number of actors), and count
    the actors involved, which the same pass over the events' actors gives."""
    if not lanes or lanes < 1:
        return no_update, no_update, no_update, no_update
    event_filter = EventFilter.from_query_string(query or "")
    result = reads.swimlanes(event_filter, lanes=int(lanes))
    return (
        swimlane_figure(result, **date_window(event_filter)),
        swimlane_note(result),
        f"{result.actors_involved:,}",
        chart_csv_href(event_filter, "swimlanes", lanes=int(lanes)),
    )


@callback(
    Output(ids.TIMELINE_NAVIGATE, "href"),
    Input(ids.TIMELINE_SWIMLANES, "clickData"),
    prevent_initial_call=True,
)
def on_swimlane_click(click: dict | None):
    """Open the event whose mark was clicked."""
    if not click or not click.get("points"):
        return no_update
    return f"/events/{click['points'][0]['customdata'][0]}"


@callback(
    Output(ids.TIMELINE_PIN_MESSAGE, "children"),
    Output(ids.TIMELINE_EVENTS_OVER_TIME, "figure"),
    Output(ids.TIMELINE_SCORE, "figure"),
    Input(ids.TIMELINE_PIN_SAVE, "n_clicks"),
    State(ids.TIMELINE_PIN_LABEL, "value"),
    State(ids.TIMELINE_PIN_STARTS, "value"),
    State(ids.TIMELINE_PIN_ENDS, "value"),
    State(ids.TIMELINE_PIN_EVENT, "value"),
    State(ids.TIMELINE_FILTER, "data"),
    prevent_initial_call=True,
)
def on_pin_annotation(
    clicks: int | None,
    label: str | None,
    starts: str | None,
    ends: str | None,
    event_id: int | float | None,
    query: str | None,
):
    """Pin the annotation (refused on the server for a viewer), then redraw the
    two date charts with it."""
    if not clicks:
        raise PreventUpdate
    values = {"label": label, "starts": starts, "ends": ends, "event_id": event_id}
    try:
        pinned = writes.pin_annotation(values)
    except PermissionDenied as error:
        return str(error), no_update, no_update
    except InvalidInput as error:
        return (
            "Not pinned: " + "; ".join(map(str, error.problems)),
            no_update,
            no_update,
        )
    event_filter = EventFilter.from_query_string(query or "")
    data = reads.timeline_data(event_filter)
    window = date_window(event_filter)
    pins = reads.timeline_pins(event_filter.since, event_filter.until)
    return (
        f"Pinned “{pinned.label}” for everyone.",
        events_over_time_figure(data.counts, data.period, pins=pins, **window),
        score_figure(data.scores, data.period, pins=pins, **window),
    )
