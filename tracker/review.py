"""The analyst's review queue: events extraction proposed, accepted, rejected or merged.

Proposals are stored as `proposed` events of the "extraction" dataset (see
`tracker.extraction.proposals`), so the queue outlives a closed browser tab; the
article they come from is kept in the `article` table with the offsets of each
proposal's evidence, so a page can show the text with the evidence marked.

Each decision is a write on one proposal and checks that it is still a proposal:
- accept: the analyst's edits are saved and the event becomes confirmed, still citing
  the article and the quote;
- reject: the event is retracted and tagged "rejected", kept, never deleted;
- merge: the proposal records an event already known; the kept event gains the
  article and quote, and the proposal is retracted with a `duplicate_of` link.
Every decision writes through `tracker.store.events`, which records it in the history.
Functions flush, never commit: the caller's `session_scope` decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from tracker.errors import InvalidInput, NotFound, Problem
from tracker.extraction.proposals import (
    EXTRACTION_DATASET,
    Article,
    ProposedEvent,
    proposals_to_events,
)
from tracker.models import (
    ChangeAction,
    Event,
    EventCreate,
    EventRecord,
    EventStatus,
    SourceIn,
    StoredArticle,
)
from tracker.query.events import event_records, find_event_by_external_id
from tracker.store import events as event_store
from tracker.store.history import Author
from tracker.store.merging import merge_events

REJECTED_TAG = "rejected"
MERGED_TAG = "merged"


# --- Saving what extraction proposed -------------------------------------------------


def article_key_of(external_id: str | None) -> str | None:
    """The article a proposal comes from: its external id is "<article key>-<nnn>"."""
    if not external_id or "-" not in external_id:
        return None
    return external_id.rsplit("-", 1)[0]


def save_article_proposals(
    session: Session,
    article: Article,
    proposals: Sequence[ProposedEvent],
    *,
    author: Author = event_store.UNKNOWN_AUTHOR,
) -> list[int]:
    """Store the article and its proposals as `proposed` events; their ids.

    Saving the same article again updates its proposals instead of adding copies, and
    never touches a proposal an analyst already decided (accepted, rejected, merged):
    those ids are left out of the result."""
    records = proposals_to_events(list(proposals), article)
    ordered = sorted(proposals, key=lambda p: (p.start, p.event_type))
    spans: dict[str, list[list[int]]] = {}
    pending: list[EventCreate] = []
    for record, proposal in zip(records, ordered, strict=True):
        existing = find_event_by_external_id(
            session, EXTRACTION_DATASET, record.external_id
        )
        if existing is not None and existing.status != EventStatus.PROPOSED.value:
            continue
        pending.append(record)
        passages = [(e.start, e.end) for e in proposal.evidence]
        spans[record.external_id] = [
            [start, end]
            for start, end in sorted({(proposal.start, proposal.end), *passages})
        ]
    _store_article(session, article, spans)
    return event_store.save_events(session, pending, author=author).event_ids


def _store_article(
    session: Session, article: Article, spans: dict[str, list[list[int]]]
) -> StoredArticle:
    """Add the article, or refresh it and merge in the new evidence spans."""
    key = article.key()
    stored = session.execute(
        select(StoredArticle).where(StoredArticle.article_key == key)
    ).scalar_one_or_none()
    if stored is None:
        stored = StoredArticle(article_key=key, text=article.text, spans={})
        session.add(stored)
    stored.url, stored.title, stored.publisher = (
        article.url,
        article.source_title(),
        article.publisher,
    )
    stored.published, stored.text = article.published, article.text
    # A new dict, so the JSON column sees the change.
    stored.spans = {**(stored.spans or {}), **spans}
    session.flush()
    return stored


# --- The queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One proposed event and where its evidence lies in the article's text."""

    record: EventRecord
    quote: str | None
    spans: list[tuple[int, int]]  # [start, end) offsets into the article's text


@dataclass(frozen=True)
class ArticleQueue:
    """An article and the proposals still waiting for a decision.

    `text` is None for proposals saved without their article (only the source is
    known then)."""

    article_key: str
    title: str | None
    url: str | None
    publisher: str | None
    published: dt.date | None
    text: str | None
    proposals: list[Proposal]


def review_queue(
    session: Session, *, article_key: str | None = None
) -> list[ArticleQueue]:
    """The proposals waiting for review, per article, the newest article first.

    With `article_key`, only that article, listed even when nothing waits any more."""
    query = select(Event.id, Event.external_id).where(
        Event.dataset == EXTRACTION_DATASET,
        Event.status == EventStatus.PROPOSED.value,
    )
    if article_key is not None:
        query = query.where(Event.external_id.startswith(f"{article_key}-"))
    waiting: dict[str, list[int]] = {}
    for event_id, external_id in session.execute(query.order_by(Event.external_id)):
        waiting.setdefault(article_key_of(external_id) or "", []).append(event_id)
    keys = set(waiting) | ({article_key} if article_key else set())
    stored = {
        a.article_key: a
        for a in session.execute(
            select(StoredArticle).where(StoredArticle.article_key.in_(keys))
        ).scalars()
    }
    queues = [
        _article_queue(session, k, stored.get(k), waiting.get(k, [])) for k in keys
    ]
    queues = [q for q in queues if q.proposals or q.article_key in stored]
    newest_first = sorted(queues, key=lambda q: q.article_key)
    newest_first.sort(key=lambda q: q.published or dt.date.min, reverse=True)
    return newest_first


def _article_queue(
    session: Session, key: str, stored: StoredArticle | None, event_ids: list[int]
) -> ArticleQueue:
    records = event_records(session, event_ids)
    spans = stored.spans if stored is not None else {}
    proposals = []
    for record in records:
        quote = record.sources[0]["quote"] if record.sources else None
        found = spans.get(record.external_id or "", [])
        proposals.append(Proposal(record, quote, [(s, e) for s, e in found]))
    proposals.sort(key=lambda p: (p.spans[0][0] if p.spans else 0, p.record.id))
    if stored is not None:
        return ArticleQueue(
            key,
            stored.title,
            stored.url,
            stored.publisher,
            stored.published,
            stored.text,
            proposals,
        )
    source = records[0].sources[0] if records and records[0].sources else {}
    return ArticleQueue(
        key,
        source.get("title"),
        source.get("url"),
        source.get("publisher"),
        source.get("published"),
        None,
        proposals,
    )


# --- Deciding ------------------------------------------------------------------------


def _proposal(session: Session, event_id: int, action: str) -> Event:
    """The proposal to decide; NotFound, or InvalidInput when it is not a proposal."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"there is no event with id {event_id}")
    if event.status != EventStatus.PROPOSED.value:
        reason = (
            f"event {event_id} is {event.status}, not proposed: only a proposal "
            f"waiting for review can be {action}"
        )
        raise InvalidInput([Problem("status", reason, value=event.status)])
    return event


def accept_proposal(
    session: Session,
    event_id: int,
    data: EventCreate,
    *,
    expected_version: int,
    author: Author = event_store.UNKNOWN_AUTHOR,
) -> Event:
    """Save the analyst's edits of a proposal and confirm it.

    A status left at "proposed" becomes "confirmed" ("disputed" is kept); the article
    and quote stay cited even if the edit dropped them. InvalidInput when the event
    is not a proposal, `data` says "retracted" (that is Reject), or someone saved
    the event since `expected_version`."""
    _proposal(session, event_id, "accepted")
    if data.status == EventStatus.RETRACTED:
        reason = "a proposal is retracted by rejecting it, not by accepting it"
        raise InvalidInput([Problem("status", reason, value=data.status.value)])
    status = (
        EventStatus.CONFIRMED if data.status == EventStatus.PROPOSED else data.status
    )
    [original] = event_records(session, [event_id])
    cited = {source.key() for source in data.sources}
    kept_sources = [
        SourceIn.model_validate(source)
        for source in original.sources
        if SourceIn.model_validate(source).key() not in cited
    ]
    edited = data.model_copy(
        update={"status": status, "sources": [*data.sources, *kept_sources]}
    )
    return event_store.update_event(
        session,
        event_id,
        edited,
        expected_version=expected_version,
        author=author,
        action=ChangeAction.ACCEPT,
    )


def _check_version(event: Event, expected_version: int | None) -> None:
    if expected_version is not None and event.version != expected_version:
        reason = (
            f"event {event.id} was changed after you opened it (it is now at version "
            f"{event.version}, you saw version {expected_version}); reload the queue"
        )
        raise InvalidInput([Problem("version", reason)])


def reject_proposal(
    session: Session,
    event_id: int,
    *,
    expected_version: int | None = None,
    author: Author = event_store.UNKNOWN_AUTHOR,
) -> Event:
    """Retract a proposal and tag it "rejected"; it is kept and still retrievable."""
    event = _proposal(session, event_id, "rejected")
    _check_version(event, expected_version)
    return event_store.retract_event(
        session, event.id, author=author, action=ChangeAction.REJECT, tag=REJECTED_TAG
    )


@dataclass(frozen=True)
class ProposalMerge:
    """What merging a proposal did."""

    kept: int
    retracted: int
    sources_added: int
    quotes_added: int


def merge_proposal(
    session: Session,
    event_id: int,
    *,
    into: int,
    author: Author = event_store.UNKNOWN_AUTHOR,
) -> ProposalMerge:
    """Merge a proposal into the event `into` that already records the same happening.

    `into` cites the proposal's sources (the article) and quotes it does not have yet;
    the proposal is retracted, tagged "merged" and linked to it as `duplicate_of`.
    InvalidInput when `into` is the proposal itself, is retracted or is a proposal."""
    proposal = _proposal(session, event_id, "merged")
    kept = session.get(Event, into)
    if kept is None:
        raise NotFound(f"there is no event with id {into}")
    if kept.id == proposal.id or kept.status in (
        EventStatus.PROPOSED.value,
        EventStatus.RETRACTED.value,
    ):
        reason = (
            f"event {into} is {kept.status}: a proposal is merged into a confirmed "
            "or disputed event other than itself"
        )
        raise InvalidInput([Problem("into", reason, value=into)])
    merged = merge_events(
        session, keep=kept.id, other=proposal.id, author=author, tag=MERGED_TAG
    )
    return ProposalMerge(
        kept.id, proposal.id, merged.sources_added, merged.quotes_added
    )
