"""Known events that look like the same happening as a proposal under review.

The review page offers them for "Merge with…". The rule, the score and its words are
those of `tracker.matching.similarity`, as for the duplicate scan (same type family,
dates overlapping at their precision, a nearby place, shared actors), which also
compares events without coordinates, by place name and actors, since extraction often
knows only a name. Two things are wider here, as the list is an offer an analyst
picks from, not a flag: "nearby" is SIMILAR_MAX_KM, since a proposal is placed where
the article's place name puts it (a town's centre); and an event placed elsewhere
that shares an actor is offered too, since known events are often placed coarsely
(a country, a front).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from tracker.errors import NotFound
from tracker.matching.similarity import (
    REACH_DAYS,
    Place,
    Side,
    alike,
    compare_places,
    score_pair,
)
from tracker.models import Event, EventStatus, Location
from tracker.query.registry import event_actor_names
from tracker.vocab.dates import covered_interval, describe_date

SIMILAR_MAX_KM = 50.0  # places further apart than this are not "nearby"
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
    name, without coordinates) or an actor in common
    (`tracker.matching.similarity`). The score weighs type, date, place and actors."""
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
    actors = event_actor_names(session, [proposal.id, *(e.id for e, _ in rows)])
    mine = Side.of(proposal, place)
    found = []
    for event, location in rows:
        similar = _compare(mine, place, event, location, actors)
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


def _compare(
    mine: Side,
    place: Location | None,
    event: Event,
    location: Location | None,
    actors: dict[int, dict[int, str]],
) -> SimilarEvent | None:
    """Score one known event against the proposal; None if not alike."""
    theirs = Side.of(event, location)
    nearness = compare_places(Place.of(place), Place.of(location), SIMILAR_MAX_KM)
    ours, their_actors = actors.get(mine.id, {}), actors.get(event.id, {})
    shared = sorted(ours[a] for a in ours.keys() & their_actors.keys())
    if not alike(mine, theirs, nearness, len(shared), any_place=True):
        return None
    fewer = min(len(ours), len(their_actors))
    score, reasons = score_pair(mine, theirs, nearness, shared, fewer)
    when = describe_date(event.date_start, event.date_end, event.date_precision)
    return SimilarEvent(
        event.id,
        event.title,
        when,
        location.name if location is not None else None,
        score,
        reasons,
    )
