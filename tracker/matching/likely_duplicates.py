"""Likely duplicates: existing events a record about to be written may repeat.

Asked before a write, so an analyst is warned instead of a strike being counted
twice: the review queue's "Edit and accept", the Add event form and an import's dry
run call `find_likely_duplicates`.

The rule and the score are those of `tracker.matching.similarity`, as for the duplicate
scan: the same type family (quad class), dates that overlap at their precision, places
within `max_km`, one score and one wording. The scan only meets events with coordinates;
a hand-typed or extracted event often has none, so here the rest of the rule matters:
when a side has no coordinates, a pair still counts if the places have the same name
(scored as the same point), or, when a side has no place at all, if the events share an
actor (the place then scores 0). Places known on both sides and not near never pair.

One idea, kept whole at the usual 400 lines: the SQL narrowing and the exact check
of a record about to be written, and the same for a file's rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select, union
from sqlmodel import Session

from tracker.errors import TrackerError
from tracker.matching.similarity import (
    DEFAULT_MAX_KM,
    KM_PER_DEGREE,
    Place,
    Side,
    alike,
    compare_places,
    score_pair,
)
from tracker.models import (
    Actor,
    Event,
    EventActor,
    EventCreate,
    EventStatus,
    Location,
)
from tracker.query.registry import event_actor_names, find_actor
from tracker.vocab import taxonomy
from tracker.vocab.dates import covered_interval, describe_date

# Existing events compared are confirmed or disputed: a proposal is not yet a fact,
# a retracted event no longer one.
COMPARED_STATUSES = (EventStatus.CONFIRMED.value, EventStatus.DISPUTED.value)
# How long before the new event's first day an existing event may start and still
# overlap it: a year-precision event, or one given an end up to a year later. Longer
# spans are not looked for, so the date_start index bounds the search on both ends.
LONGEST_SPAN_DAYS = 366
# Days before the first day within which an event found by a shared actor alone
# starts (a month-precision event reaches back 30 days), unless it has an end.
NEAR_DAYS = 31
CANDIDATE_ROWS = 500  # events checked exactly, at most, after the SQL narrowing
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class LikelyDuplicate:
    """An existing event the record may repeat, and why it looks alike."""

    id: int
    title: str
    date: str  # described at its precision
    place: str | None
    score: float  # 0..1, the duplicate scan's score
    reasons: str


class LikelyDuplicates(TrackerError):
    """A record looks like events already stored; nothing was written.

    `found` lists them, likeliest first, for the analyst to merge or save anyway."""

    def __init__(self, found: Sequence[LikelyDuplicate]):
        self.found = list(found)
        first = self.found[0]
        more = len(self.found) - 1
        others = f" (and {more} more)" if more else ""
        super().__init__(
            f"this looks like event {first.id}, {first.title!r}{others}; "
            "nothing was written"
        )


def find_likely_duplicates(
    session: Session,
    data: EventCreate,
    *,
    exclude_id: int | None = None,
    exclude_dataset: str | None = None,
    max_km: float = DEFAULT_MAX_KM,
    limit: int = DEFAULT_LIMIT,
    actor_cache: dict[str, Actor | None] | None = None,
) -> list[LikelyDuplicate]:
    """Confirmed or disputed events that `data` likely duplicates, likeliest first.

    `exclude_id` is the event being edited or accepted (never its own duplicate);
    `exclude_dataset` leaves out that dataset's events, as the scan does for an
    import (a dataset does not repeat itself; re-importing updates by id). The same
    (dataset, external id) is always left out: it is the same record. Nothing is
    written. SQL narrows first (type family and a date window through the
    (event_type, date_start) index, then a place box, a place name or a shared
    actor), and at most CANDIDATE_ROWS events are checked exactly. `actor_cache`
    keeps registry look-ups by name across calls (an import's rows)."""
    mine = _NewSide.of(session, data, {} if actor_cache is None else actor_cache)
    rows = session.execute(
        select(Event, Location)
        .outerjoin(Location, Location.id == Event.location_id)
        .where(
            Event.id.in_(
                _candidate_ids(data, mine, max_km, exclude_id, exclude_dataset)
            )
        )
        .order_by(Event.date_start.desc(), Event.id.desc())
        .limit(CANDIDATE_ROWS)
    ).all()
    actors = event_actor_names(session, {event.id for event, _ in rows})
    found = []
    for event, location in rows:
        likely = _compare(mine, event, location, actors.get(event.id, {}), max_km)
        if likely is not None:
            found.append(likely)
    found.sort(key=lambda a: (-a.score, a.id))
    return found[:limit]


@dataclass(frozen=True)
class _NewSide:
    """The record about to be written, as the comparison needs it."""

    side: Side
    place: Place | None
    actors: dict[int, str]  # registry actors it names: {id: name}
    actor_count: int  # actors it names, known to the registry or not
    fatalities: int | None
    children: int | None

    @classmethod
    def of(
        cls, session: Session, data: EventCreate, cache: dict[str, Actor | None]
    ) -> _NewSide:
        place = data.location
        for ref in data.actors:
            if ref.name not in cache:
                cache[ref.name] = find_actor(session, ref.name)
        known = [cache[ref.name] for ref in data.actors]
        return cls(
            Side(
                0,
                data.event_type,
                taxonomy.quad_class(data.event_type),
                data.date_start,
                data.date_end,
                data.date_precision.value,
                place.latitude if place else None,
                place.longitude if place else None,
            ),
            Place.of(place),
            {actor.id: actor.name for actor in known if actor is not None},
            len({ref.name.casefold() for ref in data.actors}),
            data.fatalities.best,
            data.children_killed,
        )

    @property
    def located(self) -> bool:
        """Whether the record has coordinates."""
        return self.place is not None and self.place.located

    @property
    def place_name(self) -> str | None:
        """The name of the record's place, if it has one."""
        return self.place.name if self.place is not None else None

    @property
    def country(self) -> str | None:
        """The country of the record's place, if given."""
        return self.place.country if self.place is not None else None


def _candidate_ids(
    data: EventCreate,
    mine: _NewSide,
    max_km: float,
    exclude_id: int | None,
    exclude_dataset: str | None,
):
    """SQL: ids of the events worth an exact look (a superset, bounded)."""
    first, last = covered_interval(
        data.date_start, data.date_end, data.date_precision.value
    )
    quad = mine.side.quad_class
    types = [t for t in taxonomy.event_types() if taxonomy.quad_class(t) == quad]
    since = first - dt.timedelta(days=LONGEST_SPAN_DAYS)

    def base(*, indexed: bool) -> list:
        """The conditions every candidate meets. Not `indexed`: the type, status and
        date tests are hidden from the planners (`|| ''`, coalesce), so a search from
        places goes through them and ix_event_location_id rather than a year of
        the (event_type, date_start) index, as tracker.matching.duplicates does."""
        event_type = Event.event_type if indexed else Event.event_type.concat("")
        status = Event.status if indexed else Event.status.concat("")
        start = (
            Event.date_start
            if indexed
            else func.coalesce(Event.date_start, Event.date_start)
        )
        where = [
            event_type.in_(types),
            start.between(since, last),
            or_(Event.date_end.is_(None), Event.date_end >= first),
            status.in_(COMPARED_STATUSES),
        ]
        if exclude_id is not None:
            where.append(Event.id != exclude_id)
        if exclude_dataset is not None:
            where.append(or_(Event.dataset.is_(None), Event.dataset != exclude_dataset))
        if data.dataset and data.external_id:
            where.append(
                or_(
                    Event.dataset.is_(None),
                    Event.dataset != data.dataset,
                    Event.external_id != data.external_id,
                )
            )
        return where

    def at_places(*conditions) -> Any:
        places = select(Location.id).where(*conditions)
        return select(Event.id).where(
            Event.location_id.in_(places), *base(indexed=False)
        )

    parts = []
    if mine.located:
        parts.append(at_places(_box(mine.side, max_km)))
    # Without coordinates on a side, the place's name has to do.
    unlocated = or_(Location.latitude.is_(None), Location.longitude.is_(None))
    if mine.place_name:
        same_name = func.lower(Location.name) == mine.place_name.casefold()
        if mine.country:
            same_name = and_(
                same_name,
                or_(Location.country.is_(None), Location.country == mine.country),
            )
        parts.append(at_places(same_name, *([unlocated] if mine.located else [])))
    if mine.actors:
        # With no place on one side, shared actors are all there is to go on.
        shares = exists().where(
            EventActor.event_id == Event.id,
            EventActor.actor_id.in_(sorted(mine.actors)),
        )
        extra = [] if not mine.place_name else [Event.location_id.is_(None)]
        # Two searches, so neither reads a year of events: those starting within a
        # month before (through the type and date index), and the longer ones
        # still running on the first day (through ix_event_date_end). A
        # year-precision event without a place or an end is not looked for here.
        near = first - dt.timedelta(days=NEAR_DAYS)
        parts.append(
            select(Event.id).where(
                *base(indexed=True), Event.date_start >= near, shares, *extra
            )
        )
        parts.append(
            select(Event.id).where(
                *base(indexed=False), Event.date_end >= first, shares, *extra
            )
        )
    if not parts:
        return select(Event.id).where(false())
    # Each part bounded on its own (SQLite wants a LIMIT inside a subquery), keeping
    # the events that start latest in the window: those nearest the record's dates
    # (a common actor may share thousands of events in a year).
    # (Sorted on an expression: given the bare column, SQLite walks the whole
    # date_start index in order rather than sort the few rows it finds.)
    start = func.coalesce(Event.date_start, Event.date_start)
    latest_first = (start.desc(), Event.id.desc())
    bounded = [
        part.order_by(*latest_first).limit(CANDIDATE_ROWS).subquery() for part in parts
    ]
    return union(*(select(part.c.id) for part in bounded)).subquery().select()


def _box(side: Side, max_km: float):
    """SQL: places within a latitude/longitude box `max_km` around the side's point."""
    dlat = max_km / KM_PER_DEGREE
    latitude = Location.latitude.between(side.latitude - dlat, side.latitude + dlat)
    widest = min(89.0, abs(side.latitude) + dlat)
    dlon = max_km / (KM_PER_DEGREE * math.cos(math.radians(widest))) * 1.01
    if widest >= 89.0 or abs(side.longitude) + dlon > 180:
        return latitude  # near a pole or the antimeridian: latitude alone bounds it
    return and_(
        latitude,
        Location.longitude.between(side.longitude - dlon, side.longitude + dlon),
    )


def _compare(
    mine: _NewSide,
    event: Event,
    location: Location | None,
    actors: dict[int, str],
    max_km: float,
) -> LikelyDuplicate | None:
    """Check one existing event exactly and score it as the scan does; None if not
    alike."""
    theirs = Side.of(event, location)
    shared = sorted(
        (name for actor_id, name in actors.items() if actor_id in mine.actors),
    )
    nearness = compare_places(mine.place, Place.of(location), max_km)
    if not alike(mine.side, theirs, nearness, len(shared)):
        return None
    fewer = min(mine.actor_count, len(actors))
    score, reasons = score_pair(mine.side, theirs, nearness, shared, fewer)
    reasons = "; ".join([reasons, *_same_casualties(mine, event)])
    return LikelyDuplicate(
        event.id,
        event.title,
        describe_date(event.date_start, event.date_end, event.date_precision),
        location.name if location is not None else None,
        score,
        reasons,
    )


def _same_casualty_words(label: str, mine: int | None, theirs: int | None) -> list[str]:
    if mine is None or mine != theirs:
        return []
    return [f"same {label} ({mine})"]


def _same_casualties(mine: _NewSide, event: Event) -> list[str]:
    """Words for the casualty figures both give alike: a strong hint, not scored."""
    return [
        *_same_casualty_words("fatalities", mine.fatalities, event.fatalities_best),
        *_same_casualty_words("children killed", mine.children, event.children_killed),
    ]


# --- An import's dry run -------------------------------------------------------------

CHECKED_ROWS = 2000  # rows of a file compared with stored events, at most
EXAMPLES = 5  # rows named in the report


@dataclass
class RowsLikeExisting:
    """Rows of a file that look like events already stored (an import's dry run).

    Each valid row is compared, up to CHECKED_ROWS of them, with the stored events
    of other datasets (a re-import updates its own dataset's events by id)."""

    checked: int = 0
    rows: int = 0  # rows that look like at least one stored event
    examples: list[tuple[int, LikelyDuplicate]] = field(default_factory=list)
    complete: bool = True  # False when the file had more rows than were checked
    _actors: dict[str, Actor | None] = field(default_factory=dict, repr=False)

    def check(self, session: Session, line: int, data: EventCreate) -> None:
        """Compare the row at `line` with the stored events and count it if alike."""
        if self.checked >= CHECKED_ROWS:
            self.complete = False
            return
        self.checked += 1
        found = find_likely_duplicates(
            session,
            data,
            exclude_dataset=data.dataset,
            limit=1,
            actor_cache=self._actors,
        )
        if found:
            self.rows += 1
            if len(self.examples) < EXAMPLES:
                self.examples.append((line, found[0]))

    def describe(self) -> list[str]:
        """The count in words, then one line per example; nothing when none."""
        if not self.rows:
            return []
        rows = "row looks" if self.rows == 1 else "rows look"
        of = "" if self.complete else f" (of the first {self.checked:,} rows checked)"
        lines = [f"{self.rows:,} {rows} like events already stored{of}:"]
        lines += [
            f"line {line}: like event {found.id}, {found.title!r} ({found.reasons})"
            for line, found in self.examples
        ]
        return lines


def describe_likely_duplicates(found: Sequence[LikelyDuplicate]) -> list[str]:
    """One line per likely duplicate: "#6 Title (date, place): reasons"."""
    return [
        f"#{d.id} {d.title} ({d.date}{', ' + d.place if d.place else ''}): {d.reasons}"
        for d in found
    ]
