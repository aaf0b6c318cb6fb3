"""The API's reads: events (keyset-paged in date order), one event, the timeline's
aggregates, actors, places and saved views. Each is parse, call tracker, answer:
the listing is `tracker.query.listing.list_events` (the dashboard's events table and
`tracker list` read through it), the figures the timeline page's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from pydantic_core import to_json

from dashboard.server.api import access, params
from dashboard.server.api.answers import ApiError, json_answer, json_text
from dashboard.services import engine
from tracker.db import session_scope
from tracker.errors import NotFound, Problem
from tracker.query.events import (
    event_record_values,
    get_event_record,
    list_events,
    list_linked_events,
)
from tracker.query.filter_values import event_id_in
from tracker.query.filters import parse_query_string
from tracker.query.registry import actors_with_aliases, find_locations, list_datasets
from tracker.query.stats import choose_period, count_events_by_period, date_bounds
from tracker.query.timeline import fatalities_by_period, score_by_period
from tracker.record_json import event_records_json
from tracker.store import history, views

# Fields of a record a listing row already holds: a page asking only for these
# is answered without reading the whole records (five queries more).
ROW_FIELDS = (
    "id",
    "title",
    "event_type",
    "mode",
    "date_start",
    "date_end",
    "date_precision",
    "status",
    "figures_flag",
    "version",
)
SEARCH_LIMIT = 50


def list_events_endpoint() -> Response:
    """GET /api/v1/events: a page of matching events in date order, and `next`."""
    access.reader()
    query = params.query_of(request.args)
    problems: list[Problem] = []
    params.check_known(query, ("limit", "cursor", "fields"), problems, with_filter=True)
    event_filter = params.read_filter(query, problems)
    limit = params.read_limit(query, problems)
    cursor = params.read_cursor(query, problems)
    chosen = params.read_fields(query, problems)
    params.raise_problems(problems)
    with session_scope(engine()) as session:
        rows = list_events(session, event_filter, limit=limit + 1, after=cursor)
        more, rows = len(rows) > limit, rows[:limit]
        if chosen is not None and set(chosen) <= set(ROW_FIELDS):
            items = json_text(
                [{name: getattr(r, name) for name in chosen} for r in rows]
            )
        elif chosen is None:  # whole records, written by the database
            items = "[" + ",".join(event_records_json(session, [r.id for r in rows]))
            items += "]"
        else:
            records = event_record_values(session, [row.id for row in rows])
            wanted = set(chosen)  # in the record's order, as the records gave them
            records = [{k: v for k, v in r.items() if k in wanted} for r in records]
            # Plain values, written by pydantic's serializer in one pass, as the
            # records were: building 500 checked models cost more than reading them.
            items = to_json(records).decode()
    following = None
    if more:
        pairs = [(k, v) for k, vs in query.items() if k != "cursor" for v in vs]
        pairs.append(("cursor", params.encode_cursor(rows[-1].cursor())))
        following = f"{request.base_url}?{urlencode(pairs)}"
    return json_answer(
        {"next": following, "limit": limit, "filter": event_filter.describe()},
        spliced={"data": items},
    )


def event_id_of(text: str) -> int:
    """The event id in a path; ApiError 404 when it names none."""
    event_id = event_id_in(text)
    if event_id is None:
        raise ApiError(404, f"there is no event with id {text[:30]!r}")
    return event_id


def get_event_endpoint(event_id: str) -> Response:
    """GET /api/v1/events/<id>: the whole record, the events linked to it and its
    history (newest first)."""
    access.reader()
    problems: list[Problem] = []
    params.check_known(params.query_of(request.args), (), problems, with_filter=False)
    params.raise_problems(problems)
    number = event_id_of(event_id)
    with session_scope(engine()) as session:
        try:
            record = get_event_record(session, number)
        except NotFound as error:
            raise ApiError(404, str(error)) from error
        linked = list_linked_events(session, number)
        changes = history.event_history(session, number)
    return json_answer(
        record.model_dump(mode="json") | {"linked": linked, "history": changes}
    )


def timeline_endpoint() -> Response:
    """GET /api/v1/timeline: per period, events by type, fatalities and the mean
    conflict-cooperation score, as the timeline page draws them."""
    access.reader()
    query = params.query_of(request.args)
    problems: list[Problem] = []
    params.check_known(query, ("period",), problems, with_filter=True)
    event_filter = params.read_filter(query, problems)
    period = params.read_period(query, problems)
    params.raise_problems(problems)
    with session_scope(engine()) as session:
        if period is None:
            bounds = date_bounds(session, event_filter)
            if bounds is None:
                return json_answer(_timeline(event_filter, None, [], [], []))
            period = choose_period(*bounds)
        counts = count_events_by_period(session, event_filter, period)
        fatalities = fatalities_by_period(session, event_filter, period)
        scores = score_by_period(session, event_filter, period)
    return json_answer(_timeline(event_filter, period, counts, fatalities, scores))


def _timeline(event_filter, period, counts, fatalities, scores) -> dict[str, Any]:
    return {
        "filter": event_filter.describe(),
        "period": period,
        "counts": counts,
        "fatalities": fatalities,
        "scores": scores,
    }


def actors_endpoint() -> Response:
    """GET /api/v1/actors?q=: registry actors whose name or an alias contains q,
    each with its aliases."""
    access.reader()
    query = params.query_of(request.args)
    problems: list[Problem] = []
    params.check_known(query, ("q",), problems, with_filter=False)
    search = params.read_search(query, problems)
    params.raise_problems(problems)
    with session_scope(engine()) as session:
        found = actors_with_aliases(session, search, limit=SEARCH_LIMIT)
    return json_answer({"data": found})


def places_endpoint() -> Response:
    """GET /api/v1/places?q=: registry places whose name starts with q."""
    access.reader()
    query = params.query_of(request.args)
    problems: list[Problem] = []
    params.check_known(query, ("q",), problems, with_filter=False)
    search = params.read_search(query, problems)
    params.raise_problems(problems)
    with session_scope(engine()) as session:
        found = [
            {
                "id": place.id,
                "name": place.name,
                "country": place.country,
                "admin1": place.admin1,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "geo_precision": place.geo_precision,
            }
            for place in find_locations(session, search, limit=SEARCH_LIMIT)
        ]
    return json_answer({"data": found})


def datasets_endpoint() -> Response:
    """GET /api/v1/datasets: the datasets events came from, alphabetically (a
    remote `tracker.open` makes them the categories of its `dataset` column)."""
    access.reader()
    problems: list[Problem] = []
    params.check_known(params.query_of(request.args), (), problems, with_filter=False)
    params.raise_problems(problems)
    with session_scope(engine()) as session:
        return json_answer({"data": list_datasets(session)})


def views_endpoint() -> Response:
    """GET /api/v1/views: the caller's saved views and the team's shared ones
    (none for an anonymous reader)."""
    principal = access.reader()
    problems: list[Problem] = []
    params.check_known(params.query_of(request.args), (), problems, with_filter=False)
    params.raise_problems(problems)
    if principal is None:
        return json_answer({"data": []})
    root = request.host_url.rstrip("/")
    with session_scope(engine()) as session:
        found = [
            {
                "id": view.id,
                "name": view.name,
                "page": view.page,
                "query": view.query,
                "note": view.note,
                "owner": view.owner,
                "shared": view.shared,
                "url": root + views.view_href(view),
                "api_url": _api_url(view.page, view.query, root),
            }
            for view in views.list_views(session, principal)
        ]
    return json_answer({"data": found})


def _api_url(page: str, query: str, root: str) -> str | None:
    """The events of a view's filter through the API (the view's page settings,
    which the API does not take, left out); None for a page with no filter."""
    if page.startswith("/events/"):
        return None
    event_filter, _ = parse_query_string(query)
    filtered = event_filter.to_query_string()
    return f"{root}/api/v1/events" + (f"?{filtered}" if filtered else "")
