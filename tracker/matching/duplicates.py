"""Duplicate candidates across datasets: the scan that flags them.
One idea, kept whole past the usual 400 lines: the sweep that finds pairs among a
million events, its SQL pre-filter and its exact check read best side by side.

Two datasets often record the same happening (an ACLED strike and a GDELT report of
it). Nothing here merges on its own: `find_duplicate_candidates` only flags pairs, and
an analyst merges or dismisses each one (`tracker.matching.candidates`). A pair is
recorded once, whatever its fate, so a dismissed pair is never raised again. Pairs are
scored and worded by `tracker.matching.similarity`.

A pair is a candidate when the two events
- come from different datasets (or either has none: a hand-entered event);
- are in the same PLOVER type *family*, taken as the quad class: the crosswalks put one
  happening under different types (a shelling is ASSAULT from ACLED, FIGHT from a CAMEO
  190 code), so requiring the same type would miss the duplicates that matter. The
  same type scores higher;
- have dates that overlap once each is widened to its precision
  (`tracker.vocab.dates.covered_interval`: a week-precision event covers its week);
- are placed, by coordinates, within `max_km` of each other (great-circle distance);
  events without coordinates are never candidates;
- are not retracted (a merged duplicate is retracted, so it is not raised again).
Shared actors do not decide, they raise the score.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.matching.similarity import (
    DEFAULT_MAX_KM,
    KM_PER_DEGREE,
    REACH_DAYS,
    Side,
    dates_overlap,
    distance_nearness,
    haversine_km,
    score_pair,
)
from tracker.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Event,
    EventStatus,
    Location,
    utc_now,
)
from tracker.query.filters import among_ids
from tracker.query.registry import event_actor_names

# Upper edges of the |latitude| bands, each with its own longitude width of the box.
LATITUDE_BANDS = (30.0, 45.0, 55.0, 62.0, 70.0, 75.0, 80.0, 85.0)
CHUNK = 500  # ids per IN (...) list
STREAM_ROWS = 5000  # pre-filtered pairs fetched at a time

_RETRACTED = EventStatus.RETRACTED.value


# --- Finding candidates ---------------------------------------------------------------


def find_duplicate_candidates(
    session: Session,
    event_ids: Sequence[int] | None = None,
    *,
    dataset: str | None = None,
    max_km: float = DEFAULT_MAX_KM,
) -> int:
    """Flag events of other datasets that may record the same happening; count new ones.

    `event_ids` are the events to check (those just imported); None checks every
    event of `dataset` against the other datasets, or, without `dataset`, every
    event against every other. Pairs already recorded, whatever their status, are
    skipped. Nothing is merged or changed besides the new candidate rows, which are
    written as each batch of events is done, so memory stays bounded.

    How it scales to a million events: the events are taken as groups by dataset,
    and only pairs across groups are looked for. For each pair of groups, SQL walks
    from the events of the smaller side (in batches of ids): from each event's place,
    a latitude/longitude box `max_km` wide finds the nearby places (a range scan of
    ix_location_latitude_longitude), their events come through ix_event_location_id,
    and the other group's dataset, the quad class, the status and a widened date
    window (day numbers, see `_day_window`) discard the rest. A dataset with no
    other group to meet costs one count. Only the pairs that survive are checked
    exactly in Python: the intervals of `covered_interval` must overlap and the
    haversine distance must be within `max_km`."""
    groups = _located_counts(session)
    if event_ids is not None:
        sweeps = _sweeps_for_events(session, sorted(set(event_ids)), groups)
    else:
        sweeps = _sweeps_for_groups(groups, dataset)
    return sum(
        _flag_pairs(session, query, keep, max_km)
        for sweep in sweeps
        for query, keep in _pair_queries(session, sweep, max_km)
    )


@dataclass(frozen=True)
class _Sweep:
    """Pairs whose first event is in `driver` and second in `other` (None: any).

    The driver's events are read in pages of ids; `keep`, when given, holds the only
    ids the second event may have (the events just imported, sorted)."""

    driver: _Group
    other: _Group | None
    ordered: bool = False  # first id < second id: both sides are one group
    keep: array | None = None
    ids: Sequence[int] | None = None  # the driver's ids, when already known


@dataclass(frozen=True)
class _Group:
    """The events of one dataset; `dataset` None means the hand-entered ones."""

    dataset: str | None

    def condition(self, event, *, indexed: bool = True) -> ColumnElement[bool]:
        """This group's events; not `indexed`: a test that cannot use an index.

        The second event of a pair must come through its place, never through the
        dataset index (which would read the whole group for every first event):
        `dataset || ''` hides the column from both planners."""
        column = event.dataset if indexed else event.dataset.concat("")
        if self.dataset is None:
            return column.is_(None)
        return column == self.dataset

    def other_condition(self, event) -> ColumnElement[bool]:
        """Events another dataset (or none) recorded: those a pair may join."""
        if self.dataset is None:
            return true()  # a hand-entered event meets any other, hand-entered too
        return or_(event.dataset.is_(None), event.dataset != self.dataset)


def _located_counts(session: Session) -> dict[str | None, int]:
    """Events that may be in a pair (placed, not retracted), by dataset."""
    query = (
        select(Event.dataset, func.count())
        .where(Event.location_id.is_not(None), Event.status != _RETRACTED)
        .group_by(Event.dataset)
    )
    return dict(session.execute(query).all())


def _sweeps_for_events(
    session: Session, ids: list[int], groups: dict[str | None, int]
) -> Iterator[_Sweep]:
    """The sweeps that find every pair of the events `ids`.

    Per dataset among them: nothing when no other group has events; else from
    these events outwards, or, when the other groups hold fewer events, from
    each of those groups towards this dataset, keeping the pairs that end in `ids`."""
    mine: dict[str | None, int] = {}
    for i in range(0, len(ids), CHUNK):
        query = (
            select(Event.dataset, func.count())
            .where(among_ids(Event.id, ids[i : i + CHUNK]))
            .group_by(Event.dataset)
        )
        for name, count in session.execute(query):
            mine[name] = mine.get(name, 0) + count
    total = sum(groups.values())
    for name, count in sorted(mine.items(), key=lambda item: item[0] or ""):
        others = total if name is None else total - groups.get(name, 0)
        if others == 0:
            continue
        if name is None or count <= others:
            yield _Sweep(_Group(name), None, ids=ids)
            continue
        keep = array("q", ids)
        for other in sorted(groups, key=lambda g: g or ""):
            if other != name:
                yield _Sweep(_Group(other), _Group(name), keep=keep)


def _sweeps_for_groups(
    groups: dict[str | None, int], dataset: str | None
) -> Iterator[_Sweep]:
    """The sweeps that find every pair of `dataset`'s events (None: of all events),
    each pair of groups walked from its smaller side."""
    names = sorted(groups, key=lambda g: (g is not None, g or ""))
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if dataset is not None and dataset not in (first, second):
                continue
            small, large = sorted((first, second), key=lambda g: groups[g])
            yield _Sweep(_Group(small), _Group(large))
    if None in groups and dataset is None:  # hand-entered events among themselves
        yield _Sweep(_Group(None), _Group(None), ordered=True)


def _driver_pages(session: Session, sweep: _Sweep) -> Iterator[list[tuple[int, float]]]:
    """The sweep's first events as (id, latitude), CHUNK at a time (keyset paging)."""
    located = (
        select(Event.id, Location.latitude)
        .join(Location, Location.id == Event.location_id)
        .where(Location.latitude.is_not(None), Event.status != _RETRACTED)
        # Through the ids, not the dataset index: pages in id order then cost one
        # pass over the events in all, not a sort per page.
        .where(sweep.driver.condition(Event, indexed=False))
    )
    if sweep.ids is not None:
        for i in range(0, len(sweep.ids), CHUNK):
            query = located.where(among_ids(Event.id, sweep.ids[i : i + CHUNK]))
            yield session.execute(query).all()
        return
    last = 0
    while page := list(
        session.execute(
            located.where(Event.id > last).order_by(Event.id).limit(CHUNK)
        ).all()
    ):
        yield page
        last = page[-1][0]


def _flag_pairs(session: Session, query, keep: array | None, max_km: float) -> int:
    """Run one pre-filter query, check its pairs exactly and record the new ones."""
    found: dict[tuple[int, int], tuple[Side, Side, float]] = {}
    # Streamed: on a whole-database scan the pre-filter may still pass many rows.
    for row in session.execute(query.execution_options(yield_per=STREAM_ROWS)):
        first, second = _sides(row)
        if keep is not None and not _holds(keep, second.id):
            continue
        if first.id > second.id:
            first, second = second, first
        if (first.id, second.id) in found or not dates_overlap(first, second):
            continue
        km = haversine_km(
            first.latitude, first.longitude, second.latitude, second.longitude
        )
        if km <= max_km:
            found[(first.id, second.id)] = (first, second, km)
    if not found:
        return 0
    _record_pairs(session, found, max_km)
    return len(found)


def _holds(ids: array, value: int) -> bool:
    """Whether the sorted array `ids` holds `value`."""
    at = bisect_left(ids, value)
    return at < len(ids) and ids[at] == value


def _record_pairs(
    session: Session,
    found: dict[tuple[int, int], tuple[Side, Side, float]],
    max_km: float,
) -> None:
    """Score the pairs with their shared actors and insert them as open candidates."""
    actors = event_actor_names(session, {i for pair in found for i in pair})
    now = utc_now()
    rows = []
    for (low, high), (first, second, km) in sorted(found.items()):
        shared = sorted(
            actors.get(low, {}).keys() & actors.get(high, {}).keys(),
            key=lambda actor_id: actors[low][actor_id],
        )
        fewer = min(len(actors.get(low, {})), len(actors.get(high, {})))
        score, reasons = score_pair(
            first,
            second,
            distance_nearness(km, max_km),
            [actors[low][a] for a in shared],
            fewer,
        )
        rows.append(
            {
                "event_id": low,
                "other_id": high,
                "score": score,
                "reasons": reasons,
                "status": DuplicateStatus.OPEN.value,
                "created_at": now,
            }
        )
    session.execute(insert(DuplicateCandidate), rows)
    session.flush()


def _pair_queries(
    session: Session, sweep: _Sweep, max_km: float
) -> Iterator[tuple[Any, array | None]]:
    """The sweep's pre-filter queries, with the ids their second events must be in:
    one per page of first events and latitude band.

    Within a band the search box has one width in longitude, a constant, so the
    database compares numbers rather than working the width out for every place."""
    day = _day_number_function(session.get_bind().dialect.name)
    a, b = aliased(Event, name="a"), aliased(Event, name="b")
    la, lb = aliased(Location, name="la"), aliased(Location, name="lb")
    a_low, a_high = _day_window(a, day)
    b_low, b_high = _day_window(b, day)
    dlat = max_km / KM_PER_DEGREE
    other = (
        sweep.driver.other_condition(b)
        if sweep.other is None
        else sweep.other.condition(b, indexed=False)
    )
    conditions = (
        other,
        # "+ 0" on both sides: no index by type (SQLite would build one on the
        # fly and scan every event), so both backends go through the places.
        b.quad_class + 0 == a.quad_class + 0,
        (b.id > a.id) if sweep.ordered else (b.id != a.id),
        a.status != _RETRACTED,
        b.status != _RETRACTED,
        a_low <= b_high,
        b_low <= a_high,
        ~_recorded(a.id, b.id),
        ~_recorded(b.id, a.id),
    )
    bands = _latitude_bands(max_km)
    for page in _driver_pages(session, sweep):
        # Each event goes to its band here, so a query reaches its first events
        # through their ids alone, and bands with none cost no query.
        by_band: dict[int, list[int]] = {}
        for event_id, latitude in page:
            band = next(
                i for i, (_, high, _) in enumerate(bands) if abs(latitude) < high
            )
            by_band.setdefault(band, []).append(event_id)
        for band, ids in sorted(by_band.items()):
            query = (
                select(*_side_columns(a, la), *_side_columns(b, lb))
                .select_from(a)
                .join(la, la.id == a.location_id)
                .join(lb, _near(la, lb, dlat, bands[band][2]))
                .join(b, b.location_id == lb.id)
                .where(a.id.in_(ids), *conditions)
            )
            yield query, sweep.keep


def _latitude_bands(max_km: float) -> list[tuple[float, float, float]]:
    """(lowest |latitude|, highest, longitude half-width in degrees) of each band.

    A degree of longitude shrinks towards the poles, so each band takes the width its
    edge needs, a neighbour `max_km` nearer the pole included."""
    dlat = max_km / KM_PER_DEGREE
    bands, low = [], 0.0
    for edge in LATITUDE_BANDS:
        widest = edge + dlat
        if widest >= 89.0:
            break
        degrees = max_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
        bands.append((low, edge, degrees * 1.01))
        low = edge
    bands.append((low, 91.0, 360.0))  # near a pole, any longitude may be near
    return bands


def _near(la, lb, dlat: float, dlon: float) -> ColumnElement[bool]:
    """Place lb lies in the box of half-widths dlat, dlon (degrees) around place la."""
    latitude = lb.latitude.between(la.latitude - dlat, la.latitude + dlat)
    if dlon >= 180:
        return latitude
    return and_(
        latitude,
        or_(
            lb.longitude.between(la.longitude - dlon, la.longitude + dlon),
            # A box crossing the antimeridian continues on the other side.
            and_(la.longitude < dlon - 180, lb.longitude >= la.longitude - dlon + 360),
            and_(la.longitude > 180 - dlon, lb.longitude <= la.longitude + dlon - 360),
        ),
    )


def _side_columns(event, location) -> list[ColumnElement]:
    return [
        event.id,
        event.event_type,
        event.quad_class,
        event.date_start,
        event.date_end,
        event.date_precision,
        location.latitude,
        location.longitude,
    ]


def _sides(row) -> tuple[Side, Side]:
    values = tuple(row)
    return Side(*values[:8]), Side(*values[8:])


def _recorded(low: ColumnElement, high: ColumnElement) -> ColumnElement[bool]:
    """A candidate row exists for (low, high) (through the unique pair index)."""
    return exists().where(
        DuplicateCandidate.event_id == low, DuplicateCandidate.other_id == high
    )


def _day_number_function(dialect: str):
    """SQL turning a date column into a whole day number, on this dialect.

    The one place where the two backends differ: SQLite keeps dates as ISO text and
    has julianday(); PostgreSQL subtracts dates into a number of days."""
    if dialect == "postgresql":
        epoch = literal(dt.date(1970, 1, 1), Date)
        return lambda column: column - epoch
    return lambda column: func.julianday(column)


def _day_window(event, day) -> tuple[ColumnElement, ColumnElement]:
    """Day numbers bracketing every day the event may cover (a superset, in SQL).

    An explicit end is exact; otherwise the precision's reach around date_start
    (a week: 6 days either side) contains the covered interval."""
    reach = case(
        *((event.date_precision == name, days) for name, days in REACH_DAYS.items()),
        else_=0,
    )
    start = day(event.date_start)
    low = case((event.date_end.is_not(None), start), else_=start - reach)
    high = case((event.date_end.is_not(None), day(event.date_end)), else_=start + reach)
    return low, high
