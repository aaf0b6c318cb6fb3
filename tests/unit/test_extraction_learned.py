"""Extraction with the learned ACLED typing (issue #16): what it proposes and how.

The rules find events, actors, dates and places; the model types them for ACLED,
keeps disasters, crime and sport out of the review queue, and proposes what no
trigger word names. Figures on unseen text are in bench/EXTRACTION.md."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.extraction import extract_events
from tracker.extraction.proposals import Article, ProposedEvent

PUBLISHED = dt.date(2026, 3, 18)


def coded(text: str, **options) -> list[tuple[str, str | None, str | None]]:
    return [
        (p.event_type, p.acled_event_type, p.acled_sub_event_type)
        for p in extract_events(text, published=PUBLISHED, **options)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "An earthquake of magnitude 6.8 killed at least 40 people and flattened"
        " hundreds of homes in the mountains south of Marrakesh on Friday.",
        "The striker's late attack crushed the visitors as Al Ahly stormed back to"
        " win 3-1 in Cairo on Sunday.",
        "Robbers shot dead a shopkeeper during a night-time hold-up in a"
        " Johannesburg suburb, police said.",
    ],
    ids=["disaster", "sport", "crime"],
)
def test_news_that_is_no_conflict_event_is_not_proposed(text):
    assert coded(text) == []


def test_the_rules_alone_propose_those_acts_of_force():
    """What the model changes: without it, the earthquake is an attack."""
    text = (
        "An earthquake of magnitude 6.8 killed at least 40 people and flattened"
        " hundreds of homes in the mountains south of Marrakesh on Friday."
    )
    assert [kind for kind, _, _ in coded(text, learned=False)] == ["ASSAULT"]


def test_two_events_of_one_sentence_are_typed_by_their_own_clauses():
    text = (
        "On Monday, Russian forces shelled Kharkiv with artillery and Ukrainian"
        " troops shot down three drones over Kyiv."
    )
    assert coded(text) == [
        ("ASSAULT", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ("MOBILIZE", "Strategic developments", "Disrupted weapons use"),
    ]


def test_a_sentence_no_trigger_names_is_proposed_when_the_model_is_sure():
    text = (
        "Al-Shabaab fighters set up a new camp in the forest near Jilib, residents"
        " said on Monday."
    )
    [proposal] = extract_events(text, published=PUBLISHED)
    assert proposal.event_type == "MOBILIZE"
    assert (proposal.acled_event_type, proposal.acled_sub_event_type) == (
        "Strategic developments",
        "Headquarters or base established",
    )
    assert proposal.quote == text
    assert extract_events(text, published=PUBLISHED, learned=False) == []


def test_negation_stays_the_rules_the_model_proposes_no_failed_deal():
    text = "Little progress was made in reaching a deal on the border."
    assert coded(text) == []


def test_a_caveat_travels_into_the_saved_events_notes():
    proposal = ProposedEvent(
        title="Blast at a fuel depot",
        event_type="ASSAULT",
        date_start=PUBLISHED,
        quote="A blast hit a fuel depot.",
        start=0,
        end=25,
        confidence=0.3,
        caveat="May not be a conflict event: reads as accident (62%).",
    )
    article = Article(text="A blast hit a fuel depot.", published=PUBLISHED)
    notes = proposal.to_event_create(article, number=1).notes
    assert notes == (
        "Proposed by extraction (confidence 0.30). May not be a conflict event:"
        " reads as accident (62%)."
    )
