"""The dashboard's one door to the database.

Each function opens one unit of work, calls tracker and returns plain results. Every
write first asks `tracker.store.accounts.authorize` whether the logged-in account may do
it, before touching the database: hiding a button is a courtesy, this is the check."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from dashboard.server import uploads
from tracker import errors, importing, review
from tracker.db import session_scope
from tracker.errors import NotFound, PermissionDenied
from tracker.exporting import count_events_without_acled_type, iter_export_chunks
from tracker.extraction.proposals import Article
from tracker.formats.base import ExportFormat
from tracker.matching import lookalikes
from tracker.matching.duplicates import (
    ALL_STATUSES,
    DuplicateRow,
    list_duplicate_candidates,
)
from tracker.models import EventCreate, EventRecord, EventStatus
from tracker.query.events import (
    EventRow,
    LinkedEvent,
    count_by_status,
    count_events,
    cursor_from_token,
    cursor_to_token,
    event_records,
    get_event_record,
    list_events,
    list_linked_events,
)
from tracker.query.facets import Choice, search_actors, search_places
from tracker.query.facets import country_choices as country_choices_in
from tracker.query.filters import COUNTED_STATUSES, EventFilter
from tracker.query.stats import (
    LocationCount,
    Period,
    PeriodCount,
    choose_period,
    count_events_by_location,
    count_events_by_period,
    count_events_by_precision,
    count_events_started_before_window,
    count_events_without_coordinates,
    date_bounds,
)
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
from tracker.store import events as event_store
from tracker.store import history
from tracker.store.accounts import Action, Principal, authorize
from tracker.store.history import Author, HistoryEntry
from tracker.vocab import gazetteer

ENGINE_KEY = "TRACKER_ENGINE"


def engine() -> Engine:
    """The engine of the app serving the current request."""
    return current_app.config[ENGINE_KEY]


# --- who is asking ----------------------------------------------------------------


def current_principal() -> Principal | None:
    """The logged-in account of the current request, or None for a visitor."""
    return getattr(current_user, "principal", None)


def may(action: Action) -> bool:
    """Whether the logged-in account may `action` (to show or hide a button)."""
    principal = current_principal()
    return principal is not None and principal.may(action)


def refusal(action: Action) -> str | None:
    """Why the logged-in account may not `action`, naming it and its role; None
    when it may."""
    principal = current_principal()
    try:
        authorize(principal, action)
    except PermissionDenied:
        if principal is None:
            return f"You are not logged in: log in as an editor to {action}"
        role = principal.role.value
        return (
            f"You are logged in as {principal.username} ({role}): "
            f"{role}s cannot {action}"
        )
    return None


def allowed(action: Action, via: str) -> Author:
    """The author of a write the logged-in account may do; PermissionDenied, with
    the `refusal`, when it may not. Called before a write touches the database."""
    reason = refusal(action)
    if reason is not None:
        raise PermissionDenied(f"{reason}. Nothing was changed.")
    return Author(current_principal().username, via=via)


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
    next_cursor: list | None  # JSON-friendly, see tracker.query.events.cursor_to_token


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


DUPLICATE_LIMIT = 50  # candidates shown on one event page


def open_duplicates(event_filter: EventFilter) -> lookalikes.OpenDuplicates:
    """How many events of the filter are in undecided duplicate candidates, and
    where to start resolving them (the timeline's banner)."""
    with session_scope(engine()) as session:
        return lookalikes.count_events_with_open_candidates(session, event_filter)


def possible_duplicates(event_id: int) -> list[DuplicateRow]:
    """The duplicate candidates one event is part of, of any status, likeliest first."""
    with session_scope(engine()) as session:
        return list_duplicate_candidates(
            session, status=ALL_STATUSES, event_id=event_id, limit=DUPLICATE_LIMIT
        )


# --- CSV export route -------------------------------------------------------------


def export_chunks(event_filter: EventFilter, fmt: ExportFormat) -> Iterator[str]:
    """CSV text (BOM first) of every matching event in date order, in chunks of rows.

    The generator owns its session: it stays open while the response is read and is
    closed when the stream ends, fails or is closed."""
    bound = engine()

    def chunks() -> Iterator[str]:
        with session_scope(bound) as session:
            yield from iter_export_chunks(
                session, event_filter, fmt, byte_order_mark=True
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
        return event_store.list_actor_names(session, limit=ACTOR_NAME_LIMIT)


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
            for place in event_store.find_locations(session, name, limit=limit)
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
    accept: bool = False,
    check_duplicates: bool = False,
) -> int:
    """Validate an event from the form, then add it or replace `event_id`; its id.

    With `accept`, `event_id` is a proposal under review, saved as confirmed (see
    `tracker.review.accept_proposal`). With `check_duplicates`, a new event or an
    accepted proposal that looks like a confirmed or disputed event raises
    LikelyDuplicates (listing them) before anything is written. Raises
    PermissionDenied when the account may not, InvalidInput listing every problem
    (EditConflict when someone saved the event since `expected_version`), with
    nothing saved; NotFound when the edited event is gone."""
    author = allowed(
        _form_action(record, event_id, accept),
        "review queue" if accept else "dashboard form",
    )
    stored = event_record(event_id) if event_id is not None and not accept else None
    data = _validated_form_record(record, stored)
    with session_scope(engine()) as session:
        if check_duplicates and (event_id is None or accept):
            found = lookalikes.find_likely_duplicates(
                session, data, exclude_id=event_id
            )
            if found:
                raise lookalikes.LikelyDuplicates(found)
        if event_id is None:
            return event_store.create_event(session, data, author=author).id
        if accept:
            event = review.accept_proposal(
                session,
                event_id,
                data,
                expected_version=expected_version,
                author=author,
            )
            return event.id
        event = event_store.update_event(
            session, event_id, data, expected_version=expected_version, author=author
        )
        return event.id


def cite_form_sources_on(record: dict[str, Any], into: int) -> int:
    """Add the sources of a new event typed in the form to the recorded event
    `into` it repeats, instead of saving a second event; `into`.

    The record is validated as a save would be (InvalidInput, nothing written);
    the event's history records the new sources as a merge."""
    author = allowed(Action.MERGE, "dashboard form: a new report of this event")
    data = _validated_form_record(record)
    with session_scope(engine()) as session:
        event_store.cite_sources(session, into, data.sources, author=author)
    return into


def _validated_form_record(
    record: dict[str, Any], stored: EventRecord | None = None
) -> EventCreate:
    """The form's record validated, or InvalidInput with every problem at once (a
    form event must cite a source, which the model itself does not ask).

    Figures are checked strictly: only an edit of `stored` that leaves its flagged
    figures as the dataset published them keeps the flag (and so the figures)."""
    if stored is not None:
        record = event_store.published_figures_kept(record, stored)
    else:
        record = {k: v for k, v in record.items() if k != "figures_flag"}
    problems: list[errors.Problem] = []
    try:
        [data] = event_store.validate_event_records([(1, record)])
    except errors.InvalidInput as error:
        problems.extend(error.problems)
    if not record.get("sources"):
        problems.append(errors.Problem("sources", NO_SOURCE))
    if problems:
        raise errors.InvalidInput(problems)
    return data


def _form_action(record: dict[str, Any], event_id: int | None, accept: bool) -> Action:
    if accept:
        return Action.REVIEW
    if event_id is None:
        return Action.ADD
    retracting = record.get("status") == EventStatus.RETRACTED.value
    return Action.RETRACT if retracting else Action.EDIT


# --- import page ------------------------------------------------------------------

# The default; $TRACKER_IMPORT_LIMIT_MB sets another (see dashboard.server.uploads).
UPLOAD_LIMIT_BYTES = uploads.DEFAULT_IMPORT_LIMIT_BYTES
UPLOAD_FOLDER_KEY = "TRACKER_UPLOAD_FOLDER"  # app config: where uploads wait
UPLOAD_MAX_AGE_SECONDS = 24 * 3600  # uploads left behind longer are deleted
# A token names a stored upload: random hex, then the file's extension (formats may
# look at it). Tokens come back from the browser, so nothing else is accepted.
UPLOAD_TOKEN = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,10})?")
TOO_LARGE = (
    "is {size}, over the limit of {limit} for uploads; import it with "
    "`tracker import` instead. Nothing was stored"
)


@dataclass(frozen=True)
class StoredUpload:
    """A file uploaded for import: the token naming it and what to show of it."""

    token: str
    name: str  # the uploaded file's own name, cleaned, only ever displayed
    size: int  # bytes


def describe_size(size: int) -> str:
    """A byte count in words a person reads at a glance: "812 bytes", "3.4 MB"."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def display_name(filename: str | None) -> str:
    """The uploaded file's name without folders or control characters, for display."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()[:120]
    return name or "uploaded file"


def upload_folder() -> Path:
    """The private folder (mode 0700) where uploads wait to be imported."""
    configured = current_app.config.get(UPLOAD_FOLDER_KEY)
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    folder = Path(configured or Path(tempfile.gettempdir()) / f"tracker-uploads{user}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A folder of that name made by someone else could be read or swapped by them.
    if folder.is_symlink() or (user and folder.stat().st_uid != os.getuid()):
        raise errors.ConfigurationError(f"{folder} is not a private folder of ours")
    folder.chmod(0o700)
    return folder


def save_upload(contents: str | None, filename: str | None) -> StoredUpload:
    """Store an upload (a base64 data URL, as dcc.Upload sends it) under a new token.

    Raises InvalidInput, with nothing stored, for an empty, unreadable or too large
    file, PermissionDenied when the account may not import. Uploads older than a
    day are deleted on the way."""
    allowed(Action.IMPORT, "dashboard upload")
    header, _, data = (contents or "").partition(",")
    size = len(data) * 3 // 4 - data[-2:].count("=")
    refusal = None
    if not header.endswith(";base64"):
        refusal = "could not be read; choose it again"
    elif size > uploads.import_limit():
        limit = describe_size(uploads.import_limit())
        refusal = TOO_LARGE.format(size=describe_size(size), limit=limit)
    elif size == 0:
        refusal = "is empty. Nothing was stored"
    if refusal is None:
        try:
            content = base64.b64decode(data, validate=True)
        except ValueError:
            refusal = "could not be read; choose it again"
    if refusal is not None:
        raise errors.InvalidInput([errors.Problem("file", refusal)])
    name = display_name(filename)
    suffix = re.search(r"\.[A-Za-z0-9]{1,10}$", name)
    token = secrets.token_hex(16) + (suffix.group().lower() if suffix else "")
    folder = upload_folder()
    _delete_stale_uploads(folder)
    descriptor = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return StoredUpload(token, name, len(content))


def _delete_stale_uploads(folder: Path) -> None:
    """Delete uploads abandoned (never imported nor replaced) for over a day."""
    oldest = time.time() - UPLOAD_MAX_AGE_SECONDS
    for path in folder.iterdir():
        if not UPLOAD_TOKEN.fullmatch(path.name):
            continue
        try:
            stale = path.stat().st_mtime < oldest
        except FileNotFoundError:  # another request imported or replaced it meanwhile
            continue
        if stale:
            path.unlink(missing_ok=True)


def discard_upload(token: str | None) -> None:
    """Delete a stored upload; nothing happens for an unknown or malformed token."""
    if token and UPLOAD_TOKEN.fullmatch(token):
        (upload_folder() / token).unlink(missing_ok=True)


def _upload_path(token: str | None) -> Path:
    """The stored file a token names; NotFound when it is malformed or gone."""
    if token and UPLOAD_TOKEN.fullmatch(token):
        path = upload_folder() / token
        if path.is_file():
            return path
    raise NotFound("the uploaded file is no longer on the server; choose it again")


def dry_run_import(token: str, format_name: str) -> importing.ImportReport:
    """Validate a stored upload as an import would, and say what it would do.

    Nothing is written. Raises InvalidInput when the file cannot be read at all (its
    format cannot be told, a required column is missing), NotFound when it is gone."""
    path = _upload_path(token)
    with session_scope(engine()) as session:
        return importing.import_file(
            session, path, format_name=format_name, mode=importing.ImportMode.DRY_RUN
        )


def run_import(
    token: str, format_name: str, skip_invalid: bool
) -> importing.ImportReport:
    """Import a stored upload in one transaction, then delete the stored file.

    All or nothing unless `skip_invalid`: raises ImportFailed (its `report` lists
    the problems) with nothing written, and the file is kept for another try;
    PermissionDenied when the account may not import."""
    author = allowed(Action.IMPORT, "dashboard import")
    path = _upload_path(token)
    mode = (
        importing.ImportMode.SKIP_INVALID
        if skip_invalid
        else importing.ImportMode.ATOMIC
    )
    with session_scope(engine()) as session:
        report = importing.import_file(
            session, path, format_name=format_name, mode=mode, author=author
        )
    discard_upload(token)
    return report


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


def extract_article(
    text: str, published: dt.date, url: str | None
) -> review.ArticleQueue:
    """Run extraction over an article, store its proposals, and return its queue.

    Raises InvalidInput when the URL is not a web address, PermissionDenied when the
    account may not review."""
    author = allowed(Action.REVIEW, f"extracted from {url or 'a pasted article'}")
    article = Article(text=text, published=published, url=url)
    try:
        source = article.source(None)
    except ValidationError as error:
        problems = errors.problems_from_validation_error(error)
        raise errors.InvalidInput(problems) from None
    # Imported here: extraction loads spaCy's model, which only this page needs.
    from tracker.extraction.pipeline import extract_events

    with session_scope(engine()) as session:
        proposals = extract_events(
            text, published=published, source=source, session=session
        )
        review.save_article_proposals(session, article, proposals, author=author)
        return review.review_queue(session, article_key=article.key())[0]


def review_queue(article_key: str | None = None) -> list[review.ArticleQueue]:
    """The articles with proposals waiting (or the one asked for), newest first."""
    with session_scope(engine()) as session:
        return review.review_queue(session, article_key=article_key)


def similar_events(event_id: int) -> list[review.SimilarEvent]:
    """Known events that look like proposal `event_id`, offered for a merge."""
    with session_scope(engine()) as session:
        return review.similar_events(session, event_id)


def reject_proposal(event_id: int, version: int | None) -> None:
    """Reject a proposal: retracted, tagged "rejected", kept."""
    author = allowed(Action.REVIEW, "review queue")
    with session_scope(engine()) as session:
        review.reject_proposal(
            session, event_id, expected_version=version, author=author
        )


def merge_proposal(event_id: int, into: int) -> review.ProposalMerge:
    """Merge a proposal into the known event `into`."""
    author = allowed(Action.MERGE, "review queue")
    with session_scope(engine()) as session:
        return review.merge_proposal(session, event_id, into=into, author=author)


# --- edit history -----------------------------------------------------------------


def event_history(event_id: int) -> list[HistoryEntry]:
    """Every recorded write to the event, newest first."""
    with session_scope(engine()) as session:
        return history.event_history(session, event_id)


def revert_event(event_id: int, *, to_version: int, expected_version: int) -> int:
    """Save the event as it was at `to_version`; its new version.

    PermissionDenied when the account may not revert; EditConflict when someone
    saved the event after `expected_version` (the version the page showed)."""
    author = allowed(Action.REVERT, "event page")
    with session_scope(engine()) as session:
        event = history.revert_event(
            session,
            event_id,
            to_version=to_version,
            expected_version=expected_version,
            author=author,
        )
        return event.version
