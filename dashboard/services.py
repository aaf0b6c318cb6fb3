"""The dashboard's one door to the database.

Each function opens one unit of work, calls tracker and returns plain results."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy.engine import Engine

from tracker import crud, errors, gazetteer
from tracker.db import session_scope
from tracker.errors import NotFound
from tracker.exporting import iter_csv_chunks
from tracker.facets import Choice, search_actors, search_places
from tracker.facets import country_choices as country_choices_in
from tracker.filters import EventFilter
from tracker.formats import CsvLayout
from tracker.formats.acled import count_events_without_acled_type
from tracker.models import EventRecord
from tracker.queries import (
    EventRow,
    LinkedEvent,
    count_events,
    cursor_from_token,
    cursor_to_token,
    get_event_record,
    iter_event_records,
    list_events,
    list_linked_events,
)
from tracker.stats import (
    LocationCount,
    Period,
    PeriodCount,
    choose_period,
    count_events_by_location,
    count_events_by_period,
    count_events_by_precision,
    count_events_without_coordinates,
    date_bounds,
)
from tracker.timeline import (
    FatalityPoint,
    Headlines,
    ScorePoint,
    Swimlanes,
    actor_swimlanes,
    fatalities_by_period,
    headline_figures,
    score_by_period,
)

ENGINE_KEY = "TRACKER_ENGINE"


def engine() -> Engine:
    """The engine of the app serving the current request."""
    return current_app.config[ENGINE_KEY]


@dataclass(frozen=True)
class TimelineData:
    """Everything the timeline page draws, for one filter."""

    counts: list[PeriodCount]
    period: Period | None
    total: int
    by_precision: dict[str, int]
    headlines: Headlines | None = None
    scores: list[ScorePoint] = field(default_factory=list)
    fatalities: list[FatalityPoint] = field(default_factory=list)
    lanes: Swimlanes | None = None


def timeline_data(event_filter: EventFilter, *, lanes: int = 8) -> TimelineData:
    """The timeline's series, binned by a period chosen from the filter's span."""
    with session_scope(engine()) as session:
        bounds = date_bounds(session, event_filter)
        if bounds is None:
            return TimelineData([], None, 0, {})
        period = choose_period(*bounds)
        headlines = headline_figures(session, event_filter)
        return TimelineData(
            counts=count_events_by_period(session, event_filter, period),
            period=period,
            total=headlines.events,
            by_precision=count_events_by_precision(session, event_filter),
            headlines=headlines,
            scores=score_by_period(session, event_filter, period),
            fatalities=fatalities_by_period(session, event_filter, period),
            lanes=actor_swimlanes(session, event_filter, lanes=lanes),
        )


def swimlanes(event_filter: EventFilter, *, lanes: int) -> Swimlanes:
    """The busiest `lanes` actors and their events, for the swimlane chart."""
    with session_scope(engine()) as session:
        return actor_swimlanes(session, event_filter, lanes=lanes)


def count_matching_events(event_filter: EventFilter) -> int:
    """How many events match the filter."""
    with session_scope(engine()) as session:
        return count_events(session, event_filter)


def _options(choices: list[Choice], chosen: list[str]) -> list[dict[str, str]]:
    """Dropdown options: the choices found, plus chosen values they do not include."""
    options = [{"label": c.label, "value": c.value} for c in choices]
    found = {c.value for c in choices}
    return options + [{"label": v, "value": v} for v in chosen if v not in found]


def actor_choices(search: str, chosen: list[str]) -> list[dict[str, str]]:
    """Actor options for the filter: registry names matching `search`."""
    with session_scope(engine()) as session:
        return _options(search_actors(session, search), chosen)


def place_choices(search: str, chosen: list[str]) -> list[dict[str, str]]:
    """Place options for the filter: place and admin1 names matching `search`."""
    with session_scope(engine()) as session:
        return _options(search_places(session, search), chosen)


def country_choices() -> list[dict[str, str]]:
    """Country options for the filter: the countries of known places."""
    with session_scope(engine()) as session:
        return _options(country_choices_in(session), [])


# --- map page ---------------------------------------------------------------------

MAP_MARKER_LIMIT = 5000  # markers sent to the browser; the busiest places are kept


@dataclass(frozen=True)
class MapData:
    """What the map page draws, for one filter."""

    markers: list[LocationCount]
    total: int  # matching events
    unmapped: int  # matching events without coordinates, so not on the map
    truncated: bool  # more markers than the limit: only the busiest are kept


def map_data(event_filter: EventFilter, *, limit: int = MAP_MARKER_LIMIT) -> MapData:
    """Markers per place and quad class, and how many matching events miss the map."""
    with session_scope(engine()) as session:
        markers = count_events_by_location(session, event_filter, limit=limit + 1)
        return MapData(
            markers=markers[:limit],
            total=count_events(session, event_filter),
            unmapped=count_events_without_coordinates(session, event_filter),
            truncated=len(markers) > limit,
        )


# --- events page and event page ---------------------------------------------------


@dataclass(frozen=True)
class EventBlock:
    """One block of rows of the events table, and the cursor that resumes after it."""

    rows: list[EventRow]
    next_cursor: list | None  # JSON-friendly, see tracker.queries.cursor_to_token


def event_block(
    event_filter: EventFilter,
    *,
    sort: str,
    descending: bool,
    size: int,
    start: int = 0,
    cursor: list | None = None,
) -> EventBlock:
    """The `size` rows after `cursor`, or, without one, from row `start` by OFFSET.

    Blocks read in order always have the cursor of the block before; OFFSET is only
    for a jump to a block whose predecessor was never read (or a cursor that no
    longer fits the order), where it is the only way to know where to start."""
    after = None
    if cursor is not None:
        try:
            after = cursor_from_token(sort, cursor)
        except ValueError:
            after = None
    with session_scope(engine()) as session:
        rows = list_events(
            session,
            event_filter,
            limit=size,
            after=after,
            sort=sort,
            descending=descending,
            offset=0 if after is not None else start,
        )
    next_cursor = cursor_to_token(rows[-1].cursor(sort)) if rows else None
    return EventBlock(rows, next_cursor)


@dataclass(frozen=True)
class EventPageData:
    """What the event page shows: the whole record and the events linked to it."""

    record: EventRecord
    linked: list[LinkedEvent]


def event_page_data(event_id: int) -> EventPageData | None:
    """The record of one event with its linked events; None when there is none."""
    with session_scope(engine()) as session:
        try:
            record = get_event_record(session, event_id)
        except NotFound:
            return None
        return EventPageData(record, list_linked_events(session, event_id))


# --- CSV export route -------------------------------------------------------------


def export_chunks(event_filter: EventFilter, layout: CsvLayout) -> Iterator[str]:
    """CSV text (BOM first) of every matching event in date order, in chunks of rows.

    The generator owns its session: it stays open while the response is read and is
    closed when the stream ends, fails or is closed."""
    bound = engine()

    def chunks() -> Iterator[str]:
        with session_scope(bound) as session:
            yield from iter_csv_chunks(
                iter_event_records(session, event_filter),
                columns=layout.columns,
                row=layout.row,
                byte_order_mark=True,
            )

    return chunks()


def count_without_acled_type(event_filter: EventFilter) -> int:
    """How many matching events ACLED would not record (no ACLED type in the export)."""
    with session_scope(engine()) as session:
        return count_events_without_acled_type(session, event_filter)


# --- add / edit form ------------------------------------------------------------------

ACTOR_NAME_LIMIT = 5000  # registry names offered while typing an actor's name
NO_SOURCE = (
    "give at least one source: its URL (or, for a report not online, its headline) "
    "and the quote the event rests on"
)


def form_actor_names() -> list[str]:
    """The registry's actor names, offered while typing an actor in the event form."""
    with session_scope(engine()) as session:
        return crud.list_actor_names(session, limit=ACTOR_NAME_LIMIT)


def event_record(event_id: int) -> EventRecord | None:
    """The whole record of one event, to fill the edit form; None when there is none."""
    with session_scope(engine()) as session:
        try:
            return get_event_record(session, event_id)
        except NotFound:
            return None


@dataclass(frozen=True)
class PlaceChoice:
    """A place the form can fill in: a known place as stored, or a gazetteer town."""

    origin: str  # "known place" or "gazetteer"
    name: str
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: str
    population: int | None = None


def find_place_choices(name: str, *, limit: int = 8) -> list[PlaceChoice]:
    """Places called `name`: known places first, then towns in the gazetteer."""
    with session_scope(engine()) as session:
        known = [
            PlaceChoice(
                "known place",
                place.name,
                place.country,
                place.admin1,
                place.latitude,
                place.longitude,
                place.geo_precision,
            )
            for place in crud.find_locations(session, name, limit=limit)
        ]
    towns = [
        PlaceChoice(
            "gazetteer",
            town.name,
            town.country_iso3,
            town.admin1_name,
            town.latitude,
            town.longitude,
            "exact",
            town.population,
        )
        for town in gazetteer.find_places(name, limit=limit)
    ]
    return known + towns


def save_event_form(
    record: dict[str, Any],
    *,
    event_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    """Validate an event from the form, then add it or replace `event_id`; its id.

    Raises InvalidInput listing every problem, with nothing saved; NotFound when the
    edited event is gone."""
    problems: list[errors.Problem] = []
    try:
        [data] = crud.validate_event_records([(1, record)])
    except errors.InvalidInput as error:
        problems.extend(error.problems)
    if not record.get("sources"):
        problems.append(errors.Problem("sources", NO_SOURCE))
    if problems:
        raise errors.InvalidInput(problems)
    with session_scope(engine()) as session:
        if event_id is None:
            return crud.create_event(session, data).id
        event = crud.update_event(
            session, event_id, data, expected_version=expected_version
        )
        return event.id
