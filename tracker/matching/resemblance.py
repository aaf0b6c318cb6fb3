"""Known events that look like the same happening as a proposal under review.

The review page offers them for "Merge with…". The resemblance follows
`tracker.matching.duplicates` (same type family, dates overlapping at their precision,
nearby place, shared actors, the same weights) but also compares events without
coordinates, by place name and actors, since extraction often knows only a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from tracker.errors import NotFound
from tracker.matching.duplicates import haversine_km
from tracker.models import Actor, Event, EventActor, EventStatus, Location
from tracker.vocab.dates import covered_interval, describe_date

SIMILAR_MAX_KM = 50.0  # places further apart than this are not "nearby"
# Days either side of a start date that an event of each precision may reach, for the
# SQL pre-filter of `similar_events` (the exact check uses covered_interval).
REACH_DAYS = {"day": 0, "week": 6, "month": 31, "year": 366}
CANDIDATE_ROWS = 2000  # events of the date window checked exactly, at most


@dataclass(frozen=True)
class SimilarEvent:
    """A known event that may record the same happening as a proposal, and why."""

    id: int
    title: str
    date: str  # described at its precision
    place: str | None
    score: float  # 0..1, higher is more alike
    reasons: str


def similar_events(
    session: Session, event_id: int, *, limit: int = 5
) -> list[SimilarEvent]:
    """Confirmed or disputed events that look like the proposal `event_id`, best first.

    Alike means: the same type family (quad class), dates that overlap once each is
    widened to its precision, and a place within SIMILAR_MAX_KM (or of the same
    name) or an actor in common. The score weighs type, date, place and actors."""
    proposal = session.get(Event, event_id)
    if proposal is None:
        raise NotFound(f"there is no event with id {event_id}")
    first, last = covered_interval(
        proposal.date_start, proposal.date_end, proposal.date_precision
    )
    rows = session.execute(
        select(Event, Location)
        .outerjoin(Location, Location.id == Event.location_id)
        .where(
            Event.quad_class == proposal.quad_class,
            Event.id != proposal.id,
            Event.status.in_([EventStatus.CONFIRMED.value, EventStatus.DISPUTED.value]),
            _date_window(first, last),
        )
        .order_by(Event.date_start, Event.id)
        .limit(CANDIDATE_ROWS)
    ).all()
    place = (
        session.get(Location, proposal.location_id) if proposal.location_id else None
    )
    actors = _actor_names(session, [proposal.id, *(e.id for e, _ in rows)])
    found = []
    for event, location in rows:
        start, end = covered_interval(
            event.date_start, event.date_end, event.date_precision
        )
        if start > last or end < first:
            continue
        similar = _compare(
            proposal, place, event, location, actors, ((first, last), (start, end))
        )
        if similar is not None:
            found.append(similar)
    found.sort(key=lambda s: (-s.score, s.id))
    return found[:limit]


def _date_window(first: dt.date, last: dt.date):
    """SQL: events whose start, widened to their precision, may reach [first, last]."""
    ranged = and_(
        Event.date_end.is_not(None), Event.date_start <= last, Event.date_end >= first
    )
    reaches = [
        and_(
            Event.date_end.is_(None),
            Event.date_precision == precision,
            Event.date_start.between(
                first - dt.timedelta(days=days), last + dt.timedelta(days=days)
            ),
        )
        for precision, days in REACH_DAYS.items()
    ]
    return or_(ranged, *reaches)


def _actor_names(session: Session, event_ids: list[int]) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {}
    for start in range(0, len(event_ids), 500):
        for event_id, name in session.execute(
            select(EventActor.event_id, Actor.name)
            .join(Actor, Actor.id == EventActor.actor_id)
            .where(EventActor.event_id.in_(event_ids[start : start + 500]))
        ):
            names.setdefault(event_id, set()).add(name)
    return names


def _place_closeness(a: Location | None, b: Location | None) -> tuple[float, str]:
    """1 for the same place, falling to 0 at SIMILAR_MAX_KM; and the words for it."""
    if a is None or b is None:
        return 0.0, "no place to compare"
    if a.name.casefold() == b.name.casefold() and a.country == b.country:
        return 1.0, f"same place {a.name}"
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return 0.0, "different places"
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    if km > SIMILAR_MAX_KM:
        return 0.0, f"{km:.0f} km apart"
    return 1 - km / SIMILAR_MAX_KM, f"{km:.1f} km apart"


def _compare(
    proposal: Event,
    place: Location | None,
    event: Event,
    location: Location | None,
    actors: dict[int, set[str]],
    spans: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]],
) -> SimilarEvent | None:
    """Score one candidate as `tracker.matching.duplicates` scores pairs; None if not
    alike."""
    closeness, place_words = _place_closeness(place, location)
    shared = sorted(actors.get(proposal.id, set()) & actors.get(event.id, set()))
    if closeness == 0 and not shared:
        return None
    (a_start, a_end), (b_start, b_end) = spans
    common = (min(a_end, b_end) - max(a_start, b_start)).days + 1
    longest = max((a_end - a_start).days, (b_end - b_start).days) + 1
    fewer = min(len(actors.get(proposal.id, ())), len(actors.get(event.id, ()))) or 1
    same_type = proposal.event_type == event.event_type
    score = (
        0.3 * (1.0 if same_type else 0.5)
        + 0.25 * max(0, common) / longest
        + 0.25 * closeness
        + 0.2 * min(1.0, len(shared) / fewer)
    )
    kind = (
        f"same type {event.event_type}"
        if same_type
        else (f"same type family: {proposal.event_type} and {event.event_type}")
    )
    who = f"shared actors {', '.join(shared)}" if shared else "no shared actor"
    when = describe_date(event.date_start, event.date_end, event.date_precision)
    return SimilarEvent(
        event.id,
        event.title,
        when,
        location.name if location is not None else None,
        round(score, 2),
        f"{kind}; dates overlap; {place_words}; {who}",
    )
