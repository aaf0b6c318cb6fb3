"""What the pages show: each function reads in one unit of work and returns plain
results (dataclasses of tracker's queries, or the small ones below).

Nothing here writes, so nothing here asks for a permission; a saved view is read
only by whom its owner let (`tracker.store.views.fetch_view`)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from dashboard.services import access, engine
from tracker import review
from tracker.config import bulk_statement_timeout
from tracker.db import limit_statements, session_scope
from tracker.errors import NotFound
from tracker.exporting import (
    count_events_without_acled_type,
    export_rows,
    iter_export_chunks,
    write_export,
)
from tracker.formats import EXPORTS
from tracker.formats.base import ExportFormat
from tracker.formats.xlsx import write_xlsx
from tracker.matching.candidates import (
    ALL_STATUSES,
    DuplicateRow,
    OpenDuplicates,
    count_duplicate_candidates,
    count_events_with_open_candidates,
    list_duplicate_candidates,
)
from tracker.matching.similar_events import SimilarEvent
from tracker.matching.similar_events import similar_events as similar_events_of
from tracker.models import EventRecord
from tracker.query.annotations import Pin, list_annotations
from tracker.query.events import (
    EventRow,
    LinkedEvent,
    count_by_status,
    count_events,
    cursor_from_token,
    event_records,
    get_event_record,
    list_events,
    list_linked_events,
)
from tracker.query.facets import (
    Choice,
    search_actors,
    search_admin1,
    search_admin2,
    search_events,
    search_places,
)
from tracker.query.facets import country_choices as country_choices_in
from tracker.query.filter_values import MAX_TAG_LENGTH
from tracker.query.filters import COUNTED_STATUSES, EventFilter
from tracker.query.registry import find_locations
from tracker.query.stats import (
    MapMarkers,
    Period,
    PeriodCount,
    choose_period,
    count_events_by_period,
    count_events_by_precision,
    count_events_started_before_window,
    date_bounds,
    map_markers,
)
from tracker.query.summary import GroupBy, Summary, summarise
from tracker.query.timeline import (
    FatalityPoint,
    Headlines,
    ScorePoint,
    Swimlanes,
    actor_swimlanes,
    fatalities_by_period,
    headline_figures,
    score_by_period,
)
from tracker.store import history, views
from tracker.store.history import HistoryEntry
from tracker.vocab import gazetteer

# --- timeline page ----------------------------------------------------------------


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
    started_before_window: int = 0  # counted at the window's first day


def timeline_data(event_filter: EventFilter) -> TimelineData:
    """The timeline's series, binned by a period chosen from the filter's span.

    Without the swimlanes (`swimlanes`): a pass over the matching events' actors,
    the one figure that grows with the events, drawn after the rest."""
    with session_scope(engine()) as session:
        bounds = date_bounds(session, event_filter)
        if bounds is None:
            return TimelineData([], None, 0, {})
        period = choose_period(*bounds)
        # Actors are counted by the swimlanes, which the page asks for next.
        headlines = headline_figures(session, event_filter, count_actors=False)
        return TimelineData(
            counts=count_events_by_period(session, event_filter, period),
            period=period,
            total=headlines.events,
            by_precision=count_events_by_precision(session, event_filter),
            headlines=headlines,
            scores=score_by_period(session, event_filter, period),
            fatalities=fatalities_by_period(session, event_filter, period),
            started_before_window=count_events_started_before_window(
                session, event_filter
            ),
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


def admin1_choices(search: str, chosen: list[str]) -> list[dict[str, str]]:
    """Admin1 options for the filter: regions of known places matching `search`."""
    with session_scope(engine()) as session:
        return _options(search_admin1(session, search), chosen)


def admin2_choices(search: str, chosen: list[str]) -> list[dict[str, str]]:
    """Admin2 options for the filter: districts of known places matching `search`."""
    with session_scope(engine()) as session:
        return _options(search_admin2(session, search), chosen)


def tag_choices(search: str, chosen: list[str]) -> list[dict[str, str]]:
    """Tag options for the filter: what is typed (tags are free words, matched in
    any case; searching every event's tags for suggestions would read them all)
    and the tags already chosen."""
    typed = search.strip() if isinstance(search, str) else ""
    choices = [Choice(typed, typed)] if typed and len(typed) <= MAX_TAG_LENGTH else []
    return _options(choices, chosen)


def event_choices(
    search: str, chosen: list[str], exclude_id: int | None = None
) -> list[dict[str, str]]:
    """Events to link to, for the form: those the typed title or id finds, and the
    ones already chosen (by id, as text); never `exclude_id`, the edited event."""
    wanted = tuple(int(c) for c in chosen if str(c).isdigit())
    with session_scope(engine()) as session:
        found = search_events(session, search, exclude_id=exclude_id, chosen=wanted)
    return _options(found, [])


def country_choices() -> list[dict[str, str]]:
    """Country options for the filter: the countries of known places."""
    with session_scope(engine()) as session:
        return _options(country_choices_in(session), [])


# --- map page ---------------------------------------------------------------------

# Markers sent to the browser; the busiest places are kept and the page says so.
# Plotly draws scattergeo markers as SVG, about 1 ms of the browser's time each on
# this machine, so 3,300 markers took 3.4-7.8 s to draw under load and 1,000 took
# 2.8-3.1 s (issue 19, bench/PAGES-NOTES.md).
MAP_MARKER_LIMIT = 1000


def map_data(event_filter: EventFilter, *, limit: int = MAP_MARKER_LIMIT) -> MapMarkers:
    """Markers per place and quad class, and how many matching events miss the map."""
    with session_scope(engine()) as session:
        return map_markers(session, event_filter, limit=limit)


# --- events page and event page ---------------------------------------------------


@dataclass(frozen=True)
class TablePage:
    """One page of the events table: its rows in order, and each row's whole record
    when the extra columns need it."""

    rows: list[EventRow]
    records: dict[int, EventRecord]


def event_table_page(
    event_filter: EventFilter,
    *,
    sort: str,
    descending: bool,
    start: int,
    size: int,
    total: int,
    after: list | None = None,
    before: list | None = None,
    with_records: bool = False,
) -> TablePage:
    """The `size` rows from row `start` (0-based) of `total`, in the order asked.

    With `after` (the cursor of the row before the page) the rows are read on from
    it; with `before` (the cursor of the row after the page), read back from it in
    the reverse order: keyset paging either way. Without a cursor that fits the
    order, the page is read by OFFSET from the nearer end, so "last page" reads the
    reverse order from its start instead of skipping every row before it. The
    whole records (a few queries more) are read only `with_records`."""
    forward = _cursor(sort, after)
    backward = None if forward is not None else _cursor(sort, before)
    count = max(0, min(size, total - start))
    listing = {"sort": sort, "limit": size}
    with session_scope(engine()) as session:
        if forward is not None:
            rows = list_events(
                session, event_filter, after=forward, descending=descending, **listing
            )
        elif backward is not None:
            rows = list_events(
                session,
                event_filter,
                after=backward,
                descending=not descending,
                **listing,
            )[::-1]
        elif start <= total - start - count:
            rows = list_events(
                session, event_filter, offset=start, descending=descending, **listing
            )
        else:
            listing["limit"] = count
            rows = list_events(
                session,
                event_filter,
                offset=total - start - count,
                descending=not descending,
                **listing,
            )[::-1]
        ids = [row.id for row in rows] if with_records else []
        records = {r.id: r for r in event_records(session, ids)} if ids else {}
    return TablePage(rows, records)


def _cursor(sort: str, token: list | None) -> tuple | None:
    """The cursor a token stands for in this order; None for none or a misfit."""
    if not token:
        return None
    try:
        return cursor_from_token(sort, token)
    except ValueError:
        return None


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


DUPLICATE_LIMIT = 50  # candidates shown on one event page


def open_duplicates(event_filter: EventFilter) -> OpenDuplicates:
    """How many events of the filter are in undecided duplicate candidates, and
    where to start resolving them (the timeline's banner)."""
    with session_scope(engine()) as session:
        return count_events_with_open_candidates(session, event_filter)


def possible_duplicates(event_id: int) -> list[DuplicateRow]:
    """The duplicate candidates one event is part of, of any status, likeliest first."""
    with session_scope(engine()) as session:
        return list_duplicate_candidates(
            session, status=ALL_STATUSES, event_id=event_id, limit=DUPLICATE_LIMIT
        )


# --- duplicates queue -------------------------------------------------------------

QUEUE_PAGE_SIZE = 20  # candidates on one page of the queue


@dataclass(frozen=True)
class DuplicatesPage:
    """One page of the open duplicate candidates, with both events' whole records."""

    rows: list[DuplicateRow]
    records: dict[int, EventRecord]
    total: int  # open candidates the filter keeps, on every page
    page: int  # 1-based; the last page when the one asked for is past the end
    pages: int

    @property
    def first(self) -> int:
        """The position of the page's first candidate in the queue, from 1."""
        return (self.page - 1) * QUEUE_PAGE_SIZE + 1 if self.rows else 0


def duplicates_page(event_filter: EventFilter, page: int) -> DuplicatesPage:
    """Page `page` of the open candidates with an event matching the filter.

    Read with an offset: the queue is sorted by score, and a page past the end
    (after the last pairs were decided) shows the last one instead."""
    with session_scope(engine()) as session:
        total = count_duplicate_candidates(session, event_filter=event_filter)
        pages = max(1, -(-total // QUEUE_PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = list_duplicate_candidates(
            session,
            event_filter=event_filter,
            limit=QUEUE_PAGE_SIZE,
            offset=(page - 1) * QUEUE_PAGE_SIZE,
        )
        event_ids = sorted({i for row in rows for i in (row.event.id, row.other.id)})
        records = {r.id: r for r in event_records(session, event_ids)}
    return DuplicatesPage(rows, records, total, page, pages)


# --- CSV export route -------------------------------------------------------------


def export_chunks(event_filter: EventFilter, fmt: ExportFormat) -> Iterator[str]:
    """CSV text (BOM first) of every matching event in date order, in chunks of rows.

    The generator owns its session: it stays open while the response is read and is
    closed when the stream ends, fails or is closed."""
    bound = engine()

    def chunks() -> Iterator[str]:
        with session_scope(bound) as session:
            limit_statements(session, bulk_statement_timeout())
            yield from iter_export_chunks(
                session, event_filter, fmt, byte_order_mark=True
            )

    return chunks()


def export_workbook(event_filter: EventFilter) -> IO[bytes]:
    """The matching events in the native columns as an Excel workbook, in a
    temporary file (rewound) the caller sends and closes."""
    workbook = tempfile.TemporaryFile()
    with session_scope(engine()) as session:
        limit_statements(session, bulk_statement_timeout())
        columns, rows = export_rows(session, event_filter, EXPORTS["native"])
        write_xlsx(columns, rows, workbook)
    workbook.seek(0)
    return workbook


def export_parquet(event_filter: EventFilter) -> IO[bytes]:
    """The matching events in the native columns as a typed Parquet file, in a
    temporary file (rewound) the caller sends and closes."""
    parquet = tempfile.TemporaryFile()
    with session_scope(engine()) as session:
        limit_statements(session, bulk_statement_timeout())
        write_export(session, event_filter, EXPORTS["parquet"], parquet)
    parquet.seek(0)
    return parquet


def count_without_acled_type(event_filter: EventFilter) -> int:
    """How many matching events ACLED would not record (no ACLED type in the export)."""
    with session_scope(engine()) as session:
        return count_events_without_acled_type(session, event_filter)


# --- add / edit form --------------------------------------------------------------

ACTOR_SUGGESTIONS = 20  # registry actors suggested while typing one in the form


def actor_suggestions(typed: str) -> list[Choice]:
    """Registry actors whose name or an alias holds `typed`, for the event form."""
    with session_scope(engine()) as session:
        return search_actors(session, typed, limit=ACTOR_SUGGESTIONS)


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
    admin2: str | None
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
                place.admin2,
                place.latitude,
                place.longitude,
                place.geo_precision,
            )
            for place in find_locations(session, name, limit=limit)
        ]
    towns = [
        PlaceChoice(
            "gazetteer",
            town.name,
            town.country_iso3,
            town.admin1_name,
            None,  # the gazetteer names no districts
            town.latitude,
            town.longitude,
            "exact",
            town.population,
        )
        for town in gazetteer.find_places(name, limit=limit)
    ]
    return known + towns


# --- import page ------------------------------------------------------------------


def uncounted_statuses(event_ids: list[int]) -> dict[str, int]:
    """Of `event_ids`, how many have each status the figures leave out by default
    (proposed, retracted), so an import can say where its events went."""
    with session_scope(engine()) as session:
        counts = count_by_status(session, event_ids)
    return {s: n for s, n in counts.items() if s not in COUNTED_STATUSES and n}


def event_titles(event_ids: list[int]) -> list[tuple[int, str]]:
    """The id and title of each of `event_ids` that exists, in the order given."""
    with session_scope(engine()) as session:
        return [(r.id, r.title) for r in event_records(session, event_ids)]


# --- review page ------------------------------------------------------------------


def review_queue(article_key: str | None = None) -> list[review.ArticleQueue]:
    """The articles with proposals waiting (or the one asked for), newest first."""
    with session_scope(engine()) as session:
        return review.review_queue(session, article_key=article_key)


def similar_events(event_id: int) -> list[SimilarEvent]:
    """Known events that look like proposal `event_id`, offered for a merge."""
    with session_scope(engine()) as session:
        return similar_events_of(session, event_id)


# --- edit history -----------------------------------------------------------------


def event_history(event_id: int) -> list[HistoryEntry]:
    """Every recorded write to the event, newest first."""
    with session_scope(engine()) as session:
        return history.event_history(session, event_id)


# --- summary page -----------------------------------------------------------------


def summary_table(
    event_filter: EventFilter, period: Period, group_by: GroupBy
) -> Summary:
    """The summary (pivot) table of the filter."""
    with session_scope(engine()) as session:
        return summarise(session, event_filter, period, group_by)


# --- saved views and annotations ----------------------------------------------------


@dataclass(frozen=True)
class ViewLink:
    """A saved view as the account menu lists it."""

    id: int
    name: str
    owner: str
    shared: bool
    note: str | None
    deletable: bool  # by the logged-in account (its owner or an admin)


def saved_views() -> list[ViewLink]:
    """The logged-in account's views and the team's shared ones (none for nobody)."""
    principal = access.current_principal()
    if principal is None:
        return []
    with session_scope(engine()) as session:
        return [
            ViewLink(
                v.id,
                v.name,
                v.owner,
                v.shared,
                v.note,
                views.may_delete(v.owner, principal),
            )
            for v in views.list_views(session, principal)
        ]


def saved_view_href(view_id: int) -> str:
    """Where saved view `view_id` opens, if the logged-in account may open it:
    NotFound or PermissionDenied otherwise."""
    with session_scope(engine()) as session:
        view = views.fetch_view(session, view_id, principal=access.current_principal())
        return views.view_href(view)


def timeline_pins(since: dt.date | None, until: dt.date | None) -> list[Pin]:
    """The annotations touching the timeline's dates, for everyone."""
    with session_scope(engine()) as session:
        return list_annotations(session, since=since, until=until)
