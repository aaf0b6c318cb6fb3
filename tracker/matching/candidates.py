"""Duplicate candidates the scan flagged: list and count them, let an analyst decide.

`tracker.matching.duplicates` only flags pairs; here an analyst lists them
(`list_duplicate_candidates`), merges one (`merge_candidate`, through
`tracker.store.merging.merge_events`, so both events' histories record it) or dismisses
it (`dismiss_candidate`: both events stay, both histories note who judged them
distinct, and the pair is never raised again). The dashboard's duplicates queue pages
through them (`count_duplicate_candidates`, `offset`), narrowed by the filter panel.
The timeline's banner counts, with `count_events_with_open_candidates`, the events of
a filter that the scan flagged and nobody has decided yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.errors import InvalidInput, NotFound, Problem
from tracker.models import (
    ChangeAction,
    DuplicateCandidate,
    DuplicateStatus,
    Event,
    EventStatus,
    Location,
    utc_now,
)
from tracker.query.filters import EventFilter
from tracker.store.events import UNKNOWN_AUTHOR, note_decision
from tracker.store.history import Author
from tracker.store.merging import merge_events
from tracker.tables import event as event_table

ALL_STATUSES = "all"


@dataclass(frozen=True)
class CandidateEvent:
    """One event of a candidate pair, as a listing shows it."""

    id: int
    title: str
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str
    dataset: str | None
    place: str | None
    status: str


@dataclass(frozen=True)
class DuplicateRow:
    """A duplicate candidate with both its events."""

    id: int
    score: float
    reasons: str
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    event: CandidateEvent  # the lower id
    other: CandidateEvent

    def counterpart(self, event_id: int) -> CandidateEvent:
        """The event of the pair that is not `event_id`."""
        return self.other if self.event.id == event_id else self.event


def list_duplicate_candidates(
    session: Session,
    *,
    status: str | None = DuplicateStatus.OPEN.value,
    event_id: int | None = None,
    event_filter: EventFilter | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DuplicateRow]:
    """Candidates with `status` ("all" or None: any), likeliest first.

    `event_id` keeps the pairs that event is part of; `event_filter` the pairs with
    at least one event it matches (see `_candidate_conditions`). `offset` skips that
    many, for a page of a long queue."""
    likeliest_first = (DuplicateCandidate.score.desc(), DuplicateCandidate.id)
    # The page's ids first, from the queue's index alone: a deep page skips its
    # OFFSET over index entries, not over rows joined to both events and places.
    page = (
        select(DuplicateCandidate.id)
        .where(*_candidate_conditions(status, event_id, event_filter))
        .order_by(*likeliest_first)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    a, b = aliased(Event, name="a"), aliased(Event, name="b")
    la, lb = aliased(Location, name="la"), aliased(Location, name="lb")
    query = (
        select(
            DuplicateCandidate,
            *_listed_columns(a, la),
            *_listed_columns(b, lb),
        )
        .join(page, page.c.id == DuplicateCandidate.id)
        .join(a, a.id == DuplicateCandidate.event_id)
        .join(b, b.id == DuplicateCandidate.other_id)
        .outerjoin(la, la.id == a.location_id)
        .outerjoin(lb, lb.id == b.location_id)
        .order_by(*likeliest_first)
    )
    rows = []
    for candidate, *values in session.execute(query):
        rows.append(
            DuplicateRow(
                candidate.id,
                candidate.score,
                candidate.reasons,
                candidate.status,
                candidate.created_at,
                candidate.decided_at,
                CandidateEvent(*values[:8]),
                CandidateEvent(*values[8:]),
            )
        )
    return rows


def count_duplicate_candidates(
    session: Session,
    *,
    status: str | None = DuplicateStatus.OPEN.value,
    event_id: int | None = None,
    event_filter: EventFilter | None = None,
) -> int:
    """How many candidates `list_duplicate_candidates` would list without a limit."""
    query = select(func.count(DuplicateCandidate.id)).where(
        *_candidate_conditions(status, event_id, event_filter)
    )
    return int(session.execute(query).scalar_one())


def _candidate_conditions(
    status: str | None, event_id: int | None, event_filter: EventFilter | None
) -> list[ColumnElement[bool]]:
    """The conditions on DuplicateCandidate that the listing and its count share.

    A pair is kept when either of its events matches the filter: "ACLED only" must
    still show the ACLED event's GDELT twin, or nothing would ever be merged. An empty
    filter keeps every pair: the queue is there to be emptied, so without a filter it
    shows pairs of proposed events too, which the default statuses would hide."""
    where: list[ColumnElement[bool]] = []
    if status not in (None, ALL_STATUSES):
        where.append(DuplicateCandidate.status == _check_status(status))
    if event_id is not None:
        where.append(
            or_(
                DuplicateCandidate.event_id == event_id,
                DuplicateCandidate.other_id == event_id,
            )
        )
    if event_filter is not None and not event_filter.is_empty():
        matching = select(event_table.c.id).where(*event_filter.conditions())
        where.append(
            or_(
                DuplicateCandidate.event_id.in_(matching),
                DuplicateCandidate.other_id.in_(matching),
            )
        )
    return where


def _listed_columns(event, location) -> list[ColumnElement]:
    return [
        event.id,
        event.title,
        event.date_start,
        event.date_end,
        event.date_precision,
        event.dataset,
        location.name,
        event.status,
    ]


def _check_status(status: str) -> str:
    known = [s.value for s in DuplicateStatus]
    if status not in known:
        expected = ", ".join([*known, ALL_STATUSES])
        reason = f"unknown status; expected one of {expected}"
        raise InvalidInput([Problem("status", reason, value=status)])
    return status


def _open_candidate(session: Session, candidate_id: int) -> DuplicateCandidate:
    """The candidate to decide; NotFound, or InvalidInput if it was decided already."""
    candidate = session.get(DuplicateCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"there is no duplicate candidate with id {candidate_id}")
    if candidate.status != DuplicateStatus.OPEN.value:
        raise InvalidInput(
            [
                Problem(
                    "candidate",
                    f"candidate #{candidate_id} is already {candidate.status}; "
                    "only open candidates can be merged or dismissed",
                )
            ]
        )
    return candidate


def dismiss_candidate(
    session: Session, candidate_id: int, *, author: Author = UNKNOWN_AUTHOR
) -> DuplicateCandidate:
    """Mark a candidate as not a duplicate; both events stay, the pair never returns.

    Each event's history notes who judged it distinct from which event. The note
    stays at the event's current version rather than making a new one: neither
    event changed, and a new version would refuse an editor's save begun before."""
    candidate = _open_candidate(session, candidate_id)
    candidate.status = DuplicateStatus.DISMISSED.value
    candidate.decided_at = utc_now()
    said = f"{author.via}: " if author.via else ""
    pair = (candidate.event_id, candidate.other_id)
    for event_id, other in (pair, pair[::-1]):
        noted = Author(author.username, via=f"{said}not a duplicate of event {other}")
        note_decision(session, event_id, action=ChangeAction.DISMISS, author=noted)
    session.flush()
    return candidate


@dataclass(frozen=True)
class Merge:
    """What merging a candidate did."""

    candidate_id: int
    kept: int
    retracted: int
    sources_added: int


def merge_candidate(
    session: Session,
    candidate_id: int,
    *,
    keep: int,
    author: Author = UNKNOWN_AUTHOR,
) -> Merge:
    """Merge a candidate pair into the event `keep`; nothing is deleted.

    The other event is retracted and linked to the kept one as "duplicate_of"; the
    kept event gains the other's sources it does not cite yet (with their quotes);
    each event's history records the merge as a new version (`tracker.store.merging`'s
    `merge_events`), so restoring an earlier version of either gives exactly what it
    was. InvalidInput if `keep` is not one of the pair or is itself retracted;
    NotFound if there is no such candidate."""
    candidate = _open_candidate(session, candidate_id)
    pair = (candidate.event_id, candidate.other_id)
    if keep not in pair:
        reason = (
            f"event {keep} is not one of candidate #{candidate_id}'s events "
            f"({pair[0]} and {pair[1]})"
        )
        raise InvalidInput([Problem("keep", reason, value=keep)])
    other = pair[1] if keep == pair[0] else pair[0]
    if session.get(Event, keep).status == EventStatus.RETRACTED.value:
        reason = f"event {keep} is retracted; keep event {other} or dismiss"
        raise InvalidInput([Problem("keep", reason, value=keep)])
    merged = merge_events(session, keep=keep, other=other, author=author)
    candidate.status = DuplicateStatus.MERGED.value
    candidate.decided_at = utc_now()
    session.flush()
    return Merge(candidate_id, keep, other, merged.sources_added)


# --- The timeline's banner ------------------------------------------------------------


@dataclass(frozen=True)
class OpenDuplicates:
    """Events of a filter that are in an undecided duplicate candidate."""

    events: int
    first_event_id: int | None  # of the likeliest open candidate, where to start


def count_events_with_open_candidates(
    session: Session, event_filter: EventFilter
) -> OpenDuplicates:
    """How many events matching the filter are in an open duplicate candidate, and
    one event of the likeliest such candidate (its page lists the pair).

    Counted in SQL: the events matching the filter whose id is on either side of an
    open DuplicateCandidate row."""
    open_ = DuplicateCandidate.status == DuplicateStatus.OPEN.value
    sides = union(
        select(DuplicateCandidate.event_id.label("id")).where(open_),
        select(DuplicateCandidate.other_id.label("id")).where(open_),
    ).subquery()
    matching = [*event_filter.conditions(), Event.id.in_(select(sides.c.id))]
    count = session.execute(select(func.count(Event.id)).where(*matching)).scalar_one()
    if not count:
        return OpenDuplicates(0, None)
    first = session.execute(
        select(Event.id)
        .join(
            DuplicateCandidate,
            or_(
                DuplicateCandidate.event_id == Event.id,
                DuplicateCandidate.other_id == Event.id,
            ),
        )
        .where(open_, *event_filter.conditions())
        .order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id, Event.id)
        .limit(1)
    ).scalar_one()
    return OpenDuplicates(int(count), first)
