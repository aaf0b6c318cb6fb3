"""Merge one event into another, or make an event cite more sources: through the door.

Both are what an analyst does instead of counting one happening twice: a duplicate
candidate or a review proposal merged into a recorded event, an article's report
added to the event it reports. Each write is a recorded write of `tracker.store.events`,
so every event they change gets its new version and history entry there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.models import ChangeAction, EventLink, EventSource, LinkRelation, SourceIn
from tracker.store import registry
from tracker.store.events import mark_retracted, recorded_write
from tracker.store.history import Author


@dataclass(frozen=True)
class MergeOutcome:
    """What merging one event into another did to the kept one's citations."""

    sources_added: int
    quotes_added: int


def merge_events(
    session: Session,
    *,
    keep: int,
    other: int,
    author: Author,
    tag: str | None = None,
) -> MergeOutcome:
    """Merge event `other` into `keep`, both recorded as a new version; nothing deleted.

    `keep` cites every source of `other` it did not (a quote it lacks is appended);
    `other` is retracted (tagged `tag` if given) and linked to `keep` as
    `duplicate_of`, so its history says it was retracted by a merge and which event
    it went into. The caller checks that the two may be merged."""
    said = f"{author.via}: " if author.via else ""
    into = Author(author.username, via=f"{said}event {other} merged into this one")
    with recorded_write(session, keep, author=into, action=ChangeAction.MERGE):
        theirs = session.exec(
            select(EventSource).where(EventSource.event_id == other)
        ).all()
        outcome = _cite(session, keep, ((s.source_id, s.quote) for s in theirs))
    away = Author(author.username, via=f"{said}merged into event {keep}")
    with recorded_write(session, other, author=away, action=ChangeAction.MERGE) as gone:
        mark_retracted(gone, tag)
        relation = LinkRelation.DUPLICATE_OF.value
        linked = session.exec(
            select(EventLink.id).where(
                EventLink.event_id == other,
                EventLink.target_id == keep,
                EventLink.relation == relation,
            )
        ).first()
        if linked is None:
            session.add(EventLink(event_id=other, target_id=keep, relation=relation))
    return outcome


def cite_sources(
    session: Session,
    event_id: int,
    sources: Sequence[SourceIn],
    *,
    author: Author,
) -> MergeOutcome:
    """Make the recorded event `event_id` cite `sources` too, as one new version.

    What an analyst does with a report of an event already recorded: instead of a
    second event that would be counted twice, the event gains the new source (a
    quote it lacks is appended to the one it has)."""
    with recorded_write(session, event_id, author=author, action=ChangeAction.MERGE):
        resolved = []
        for data in sources:
            source = registry.resolve_source(session, data)
            session.flush()
            resolved.append((source.id, data.quote))
        outcome = _cite(session, event_id, resolved)
    return outcome


def _cite(
    session: Session, event_id: int, citations: Iterable[tuple[int, str | None]]
) -> MergeOutcome:
    """Make `event_id` cite each (source id, quote); a quote it lacks is appended."""
    cited = {
        row.source_id: row
        for row in session.exec(
            select(EventSource).where(EventSource.event_id == event_id)
        )
    }
    added = quoted = 0
    for source_id, quote in citations:
        ours = cited.get(source_id)
        if ours is None:
            cited[source_id] = EventSource(
                event_id=event_id, source_id=source_id, quote=quote
            )
            session.add(cited[source_id])
            added += 1
        elif quote and quote not in (ours.quote or ""):
            ours.quote = " […] ".join(q for q in (ours.quote, quote) if q)
            quoted += 1
    return MergeOutcome(added, quoted)
