"""Do these two events look alike? One score, one set of reasons in words, one rule.

Pure (no Session, no SQL). The duplicate scan (`tracker.matching.duplicates`), the
check before a write (`tracker.matching.likely_duplicates`) and the review's "Merge
with…" (`tracker.matching.similar_events`) all score here, so one pair gets one score
and one wording wherever it is shown; they differ in how far apart two places may be
(`max_km`), in what SQL narrows first, and in one widening of the rule for the review.

Two events are alike when they are in one PLOVER type family (quad class; the caller's
SQL sees to it), their dates overlap once each is widened to its precision, and their
places are near (`compare_places`) or, when a side has no place, they share an actor.
The review's offers also take events placed elsewhere that share an actor
(`alike(..., any_place=True)`): a known event is often placed coarsely, at a country's
or a front's centre, while a proposal names a town.
The score weighs four resemblances by WEIGHTS:
- type: 1 for the same type, 0.5 for the same quad class only;
- dates: the days both cover over the days the longer covers (1 = the same single day);
- place: 1 at the same point, falling to 0 at `max_km`; a place of the same name counts
  as the same point when a side has no coordinates; 0 when a side has no place;
- actors: the shared ones over those of the event with fewer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.vocab import taxonomy
from tracker.vocab.dates import covered_interval, describe_date

DEFAULT_MAX_KM = 10.0
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian, on the sphere
# How much each resemblance adds to the score (they sum to 1).
WEIGHTS = {"type": 0.3, "date": 0.25, "place": 0.25, "actors": 0.2}
# Days a date may lie before or after `date_start` once widened to its precision
# (no `date_end` given): a week reaches back to its Monday, a month to its first day.
# The SQL that narrows a search by date uses it; the exact check is `dates_overlap`.
REACH_DAYS = {"day": 0, "week": 6, "month": 30, "year": 365}


@dataclass(frozen=True)
class Side:
    """One event of a pair, with what the comparison needs."""

    id: int
    event_type: str
    quad_class: int
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str
    latitude: float | None
    longitude: float | None

    @classmethod
    def of(cls, event: Any, location: Any | None) -> Side:
        """The side of a stored event (an `Event` row) at its place (or None)."""
        return cls(
            event.id,
            event.event_type,
            event.quad_class,
            event.date_start,
            event.date_end,
            event.date_precision,
            location.latitude if location is not None else None,
            location.longitude if location is not None else None,
        )

    def covered(self) -> tuple[dt.date, dt.date]:
        """The first and last day the event may fall on, at its precision."""
        return covered_interval(self.date_start, self.date_end, self.date_precision)


@dataclass(frozen=True)
class Place:
    """A place as the comparison needs it: a `Location` row or a `LocationIn`."""

    name: str
    country: str | None
    latitude: float | None
    longitude: float | None

    @classmethod
    def of(cls, location: Any | None) -> Place | None:
        """The place of a `Location` or `LocationIn` (None: no place)."""
        if location is None:
            return None
        return cls(
            location.name, location.country, location.latitude, location.longitude
        )

    @property
    def located(self) -> bool:
        """Whether the place has coordinates."""
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Nearness:
    """How near two places are, for the score (0..1), and in words."""

    closeness: float
    words: str
    near: bool  # within `max_km`, or of the same name
    # False: a side has no place, so only a shared actor can make the pair alike.
    compared: bool = True


def dates_overlap(first: Side, second: Side) -> bool:
    """The exact check: the intervals covered at each event's precision overlap."""
    a_start, a_end = first.covered()
    b_start, b_end = second.covered()
    return a_start <= b_end and b_start <= a_end


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in kilometres between two points, on a sphere."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_nearness(km: float, max_km: float) -> Nearness:
    """Places `km` apart: 1 at the same point, falling to 0 at `max_km`."""
    closeness = max(0.0, 1 - km / max_km) if max_km > 0 else 1.0
    return Nearness(closeness, f"{km:.1f} km apart", near=km <= max_km)


def compare_places(
    first: Place | None, second: Place | None, max_km: float
) -> Nearness | None:
    """How near two places are.

    Both with coordinates: by distance, near within `max_km`. Not both with
    coordinates: the same name (and no two different countries) is the same point,
    other names are not near. A side without a place: nothing to compare (closeness
    0, `compared` False)."""
    if first is None or second is None:
        return Nearness(0.0, "no place to compare", near=False, compared=False)
    if first.located and second.located:
        km = haversine_km(
            first.latitude, first.longitude, second.latitude, second.longitude
        )
        return distance_nearness(km, max_km)
    same_country = None in (first.country, second.country) or (
        first.country == second.country
    )
    if first.name.casefold() == second.name.casefold() and same_country:
        return Nearness(1.0, f"same place {second.name}", near=True)
    return Nearness(0.0, "different places", near=False)


def alike(
    first: Side,
    second: Side,
    nearness: Nearness,
    shared: int,
    *,
    any_place: bool = False,
) -> bool:
    """Whether the pair is alike: dates that overlap, and places near, or `shared`
    (a count) actors in common when a side has no place (`any_place`: wherever)."""
    if not dates_overlap(first, second):
        return False
    if nearness.near:
        return True
    return shared > 0 and (any_place or not nearness.compared)


def score_pair(
    first: Side,
    second: Side,
    nearness: Nearness,
    shared_actors: Sequence[str],
    fewer_actors: int,
) -> tuple[float, str]:
    """Score a pair from 0 to 1 by WEIGHTS and say why, in words.

    `shared_actors` are the names of the actors both name, sorted; `fewer_actors`
    how many actors the event naming fewer names."""
    spans = [first.covered(), second.covered()]
    common = (min(spans[0][1], spans[1][1]) - max(spans[0][0], spans[1][0])).days + 1
    longest = max((end - start).days + 1 for start, end in spans)
    parts = {
        "type": 1.0 if first.event_type == second.event_type else 0.5,
        "date": max(0, common) / longest,
        "place": nearness.closeness,
        "actors": len(shared_actors) / fewer_actors if fewer_actors else 0.0,
    }
    score = round(sum(WEIGHTS[k] * min(1.0, v) for k, v in parts.items()), 2)
    if first.event_type == second.event_type:
        kind = f"same type {first.event_type}"
    else:
        family = taxonomy.quad_class_label(first.quad_class).lower()
        kind = (
            f"same type family ({family}): {first.event_type} and {second.event_type}"
        )
    dates = " vs ".join(
        describe_date(s.date_start, s.date_end, s.date_precision)
        for s in (first, second)
    )
    if shared_actors:
        plural = "s" if len(shared_actors) > 1 else ""
        actors = f"shared actor{plural} {', '.join(shared_actors)}"
    else:
        actors = "no shared actor"
    reasons = f"{kind}; dates overlap ({dates}); {nearness.words}; {actors}"
    return score, reasons
