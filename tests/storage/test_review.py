"""The review queue: extraction's proposals saved, accepted, rejected or merged.

Proposals here are built by hand (what `extract_events` returns), so these tests say
what review does whatever the pipeline proposes. Every test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tracker import review
from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound
from tracker.extraction.proposals import Article, Evidence, ProposedEvent
from tracker.matching.similar_events import similar_events
from tracker.models import Event, EventCreate, StoredArticle
from tracker.query.events import count_events, get_event_record
from tracker.query.filters import EventFilter
from tracker.store import events as event_store

TEXT = (
    "KYIV, 24 May 2025. A Russian missile strike on Kharkiv killed three civilians "
    "on Friday, regional officials said. Russia and Ukraine exchanged 390 prisoners "
    "each on Saturday. The strike hit a residential block in Kharkiv."
)
ARTICLE = Article(
    text=TEXT,
    published=dt.date(2025, 5, 24),
    url="https://news.example.org/kharkiv-strike",
    publisher="Example News",
)
KHARKIV = {"name": "Kharkiv", "country": "UKR", "latitude": 49.99, "longitude": 36.23}


def span(quote: str) -> dict:
    start = TEXT.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


STRIKE_QUOTE = "A Russian missile strike on Kharkiv killed three civilians on Friday"
SWAP_QUOTE = "Russia and Ukraine exchanged 390 prisoners each on Saturday"
ECHO_QUOTE = "The strike hit a residential block in Kharkiv"


def strike() -> ProposedEvent:
    return ProposedEvent(
        title="Russian missile strike on Kharkiv",
        event_type="ASSAULT",
        mode="aerial",
        date_start=dt.date(2025, 5, 23),
        actors=[
            {"name": "Russia", "role": "initiator"},
            {"name": "Civilians (Ukraine)", "role": "target"},
        ],
        location=KHARKIV,
        fatalities=3,
        civilians_killed=3,
        evidence=[Evidence(**span(ECHO_QUOTE))],
        confidence=0.8,
        **span(STRIKE_QUOTE),
    )


def swap() -> ProposedEvent:
    return ProposedEvent(
        title="Russia and Ukraine exchange prisoners",
        event_type="RETREAT",
        mode="release",
        date_start=dt.date(2025, 5, 24),
        actors=[
            {"name": "Russia", "role": "participant"},
            {"name": "Ukraine", "role": "participant"},
        ],
        confidence=0.7,
        **span(SWAP_QUOTE),
    )


def save(engine, proposals=None) -> list[int]:
    with session_scope(engine) as session:
        return review.save_article_proposals(
            session, ARTICLE, proposals or [swap(), strike()]
        )


def known_strike(engine, **changes) -> int:
    """A confirmed event of the same strike, entered by hand from another report."""
    record = {
        "title": "Missile strike on Kharkiv residential block",
        "event_type": "ASSAULT",
        "mode": "aerial",
        "date_start": "2025-05-23",
        "location": KHARKIV,
        "actors": [{"name": "Russia", "role": "initiator"}],
        "sources": [
            {"url": "https://other.example.org/kharkiv", "quote": "Kharkiv was hit."}
        ],
        **changes,
    }
    with session_scope(engine) as session:
        return event_store.create_event(session, EventCreate.model_validate(record)).id


def record(engine, event_id: int):
    with session_scope(engine) as session:
        return get_event_record(session, event_id)


def edited(engine, event_id: int, **changes) -> EventCreate:
    """The proposal as the edit form would send it back, with `changes`."""
    data = record(engine, event_id).model_dump(
        exclude={"id", "quad_class", "score", "created_at", "updated_at", "version"}
    )
    data["actors"] = [{"name": a["name"], "role": a["role"]} for a in data["actors"]]
    data.update(changes)
    return EventCreate.model_validate(data)


def snapshot(engine) -> list[tuple]:
    with session_scope(engine) as session:
        return [
            (e.id, e.status, e.version, tuple(e.tags), e.title)
            for e in session.exec(select(Event).order_by(Event.id))
        ]


# --- saving --------------------------------------------------------------------------


def test_save_article_proposals_stores_proposed_events_citing_the_article(engine):
    ids = save(engine)

    assert len(ids) == 2
    strike_record, swap_record = (record(engine, i) for i in ids)
    assert strike_record.title == "Russian missile strike on Kharkiv"  # text order
    assert {strike_record.status, swap_record.status} == {"proposed"}
    assert strike_record.dataset == "extraction"
    assert "extracted" in strike_record.tags
    [source] = strike_record.sources
    assert source["url"] == ARTICLE.url
    assert source["quote"] == STRIKE_QUOTE
    with session_scope(engine) as session:
        stored = session.exec(select(StoredArticle)).one()
        assert stored.text == TEXT
        assert stored.article_key == ARTICLE.key()


def test_save_article_proposals_twice_does_not_duplicate(engine):
    first = save(engine)
    again = save(engine)

    assert again == first
    with session_scope(engine) as session:
        # Proposals are counted only when the status filter asks for them.
        assert count_events(session, EventFilter()) == 0
        assert count_events(session, EventFilter(statuses=("proposed",))) == 2
        assert len(session.exec(select(StoredArticle)).all()) == 1


def test_save_article_proposals_again_leaves_decided_proposals_alone(engine):
    strike_id, swap_id = save(engine)
    with session_scope(engine) as session:
        review.reject_proposal(session, swap_id)

    again = save(engine)

    assert again == [strike_id]
    assert record(engine, swap_id).status == "retracted"


# --- the queue -----------------------------------------------------------------------


def test_review_queue_lists_waiting_proposals_with_their_evidence_spans(engine):
    strike_id, swap_id = save(engine)

    [queue] = _queue(engine)

    assert queue.article_key == ARTICLE.key()
    assert queue.text == TEXT
    assert queue.published == ARTICLE.published
    assert [p.record.id for p in queue.proposals] == [strike_id, swap_id]
    strike_spans = queue.proposals[0].spans
    assert [TEXT[s:e] for s, e in strike_spans] == [STRIKE_QUOTE, ECHO_QUOTE]
    assert queue.proposals[0].quote == STRIKE_QUOTE


def _queue(engine, **options):
    with session_scope(engine) as session:
        return review.review_queue(session, **options)


def test_review_queue_leaves_decided_proposals_out(engine):
    strike_id, swap_id = save(engine)
    with session_scope(engine) as session:
        review.reject_proposal(session, swap_id)

    [queue] = _queue(engine)

    assert [p.record.id for p in queue.proposals] == [strike_id]


def test_review_queue_of_an_article_lists_it_even_when_all_are_decided(engine):
    ids = save(engine)
    with session_scope(engine) as session:
        for event_id in ids:
            review.reject_proposal(session, event_id)

    assert _queue(engine) == []
    [queue] = _queue(engine, article_key=ARTICLE.key())
    assert queue.proposals == []
    assert queue.text == TEXT


def test_review_queue_lists_the_newest_article_first(engine):
    save(engine)
    later = Article(text="Later report.", published=dt.date(2025, 6, 1))
    proposal = swap().model_copy(
        update={"quote": "Later report.", "start": 0, "end": 13}
    )
    with session_scope(engine) as session:
        review.save_article_proposals(session, later, [proposal])

    assert [q.article_key for q in _queue(engine)] == [later.key(), ARTICLE.key()]


# --- accepting -----------------------------------------------------------------------


def test_accept_proposal_with_edits_confirms_it_citing_the_article_and_quote(engine):
    strike_id, _ = save(engine)
    data = edited(engine, strike_id, title="Missile strike on Kharkiv flats")

    with session_scope(engine) as session:
        review.accept_proposal(session, strike_id, data, expected_version=1)

    accepted = record(engine, strike_id)
    assert accepted.status == "confirmed"
    assert accepted.title == "Missile strike on Kharkiv flats"
    assert accepted.version == 2
    assert [(s["url"], s["quote"]) for s in accepted.sources] == [
        (ARTICLE.url, STRIKE_QUOTE)
    ]
    assert (accepted.dataset, accepted.external_id) == (
        "extraction",
        f"{ARTICLE.key()}-001",
    )


def test_accept_proposal_keeps_the_article_when_the_edit_dropped_it(engine):
    strike_id, _ = save(engine)
    other = {"url": "https://other.example.org/a", "quote": "Kharkiv hit."}
    data = edited(engine, strike_id, sources=[other])

    with session_scope(engine) as session:
        review.accept_proposal(session, strike_id, data, expected_version=1)

    urls = [s["url"] for s in record(engine, strike_id).sources]
    assert sorted(urls) == sorted([ARTICLE.url, other["url"]])


def test_accept_proposal_of_a_decided_event_is_refused_and_changes_nothing(engine):
    strike_id, _ = save(engine)
    data = edited(engine, strike_id)
    with session_scope(engine) as session:
        review.accept_proposal(session, strike_id, data, expected_version=1)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
        review.accept_proposal(session, strike_id, data, expected_version=2)

    assert "is confirmed, not proposed" in str(error.value)
    assert error.value.problems[0].field == "status"
    assert snapshot(engine) == before


def test_accept_proposal_as_retracted_is_refused(engine):
    strike_id, _ = save(engine)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
        data = edited(engine, strike_id, status="retracted")
        review.accept_proposal(session, strike_id, data, expected_version=1)

    assert "by rejecting it" in str(error.value)
    assert snapshot(engine) == before


def test_accept_proposal_over_a_newer_version_is_refused(engine):
    strike_id, _ = save(engine)
    data = edited(engine, strike_id)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
        review.accept_proposal(session, strike_id, data, expected_version=7)

    assert "saved by someone else" in str(error.value)
    assert snapshot(engine) == before


# --- rejecting -----------------------------------------------------------------------


def test_reject_proposal_retracts_and_tags_it_and_keeps_it_retrievable(engine):
    _, swap_id = save(engine)

    with session_scope(engine) as session:
        review.reject_proposal(session, swap_id, expected_version=1)

    rejected = record(engine, swap_id)
    assert rejected.status == "retracted"
    assert "rejected" in rejected.tags
    assert rejected.version == 2
    with session_scope(engine) as session:
        proposed = EventFilter(statuses=("proposed",))
        assert count_events(session, proposed) == 1  # the strike, still to review
        assert count_events(session, EventFilter()) == 0  # neither is counted
        asked = EventFilter(statuses=("retracted",))
        assert count_events(session, asked) == 1


def test_reject_proposal_twice_or_unknown_is_refused(engine):
    _, swap_id = save(engine)
    with session_scope(engine) as session:
        review.reject_proposal(session, swap_id)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
        review.reject_proposal(session, swap_id)
    assert "is retracted, not proposed" in str(error.value)
    with pytest.raises(NotFound, match="no event with id 999"):
        with session_scope(engine) as session:
            review.reject_proposal(session, 999)
    assert snapshot(engine) == before


def test_reject_proposal_changed_since_it_was_shown_is_refused(engine):
    _, swap_id = save(engine)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
        review.reject_proposal(session, swap_id, expected_version=3)

    assert "reload the queue" in str(error.value)
    assert snapshot(engine) == before


# --- merging and similar events ------------------------------------------------------


def test_similar_events_of_a_proposal_finds_the_known_strike(engine):
    strike_id, swap_id = save(engine)
    kept = known_strike(engine)
    known_strike(engine, date_start="2025-04-01")  # another day: not alike
    known_strike(engine, event_type="CONSULT", mode=None)  # another family

    with session_scope(engine) as session:
        similar = similar_events(session, strike_id)
        for_swap = similar_events(session, swap_id)

    assert [s.id for s in similar] == [kept]
    assert similar[0].score > 0.8
    assert "same type ASSAULT" in similar[0].reasons
    assert "shared actor Russia" in similar[0].reasons
    assert for_swap == []


def test_similar_events_leaves_out_proposals_and_far_places_without_actors(engine):
    strike_id, _ = save(engine)
    lviv = {"name": "Lviv", "country": "UKR", "latitude": 49.84, "longitude": 24.03}
    known_strike(engine, location=lviv, actors=[])

    with session_scope(engine) as session:
        assert similar_events(session, strike_id) == []


def test_merge_proposal_adds_the_article_to_the_kept_event_and_links(engine):
    strike_id, _ = save(engine)
    kept = known_strike(engine)

    with session_scope(engine) as session:
        merge = review.merge_proposal(session, strike_id, into=kept)

    assert (merge.kept, merge.retracted, merge.sources_added) == (kept, strike_id, 1)
    kept_record = record(engine, kept)
    assert (ARTICLE.url, STRIKE_QUOTE) in [
        (s["url"], s["quote"]) for s in kept_record.sources
    ]
    assert kept_record.version == 2
    merged = record(engine, strike_id)
    assert merged.status == "retracted"
    assert "merged" in merged.tags
    assert [(x["relation"], x["id"]) for x in merged.links] == [("duplicate_of", kept)]


def test_merge_proposal_into_an_event_citing_the_article_adds_the_quote(engine):
    strike_id, _ = save(engine)
    cited = {"url": ARTICLE.url, "quote": "Kharkiv was struck."}
    kept = known_strike(engine, sources=[cited])

    with session_scope(engine) as session:
        merge = review.merge_proposal(session, strike_id, into=kept)

    assert (merge.sources_added, merge.quotes_added) == (0, 1)
    [source] = record(engine, kept).sources
    assert source["quote"] == f"Kharkiv was struck. […] {STRIKE_QUOTE}"


def test_merge_proposal_into_a_proposal_or_itself_is_refused(engine):
    strike_id, swap_id = save(engine)
    before = snapshot(engine)

    for into in (swap_id, strike_id):
        with pytest.raises(InvalidInput) as error, session_scope(engine) as session:
            review.merge_proposal(session, strike_id, into=into)
        assert error.value.problems[0].field == "into"
        assert "is proposed" in str(error.value)
    with pytest.raises(NotFound), session_scope(engine) as session:
        review.merge_proposal(session, strike_id, into=999)
    assert snapshot(engine) == before
