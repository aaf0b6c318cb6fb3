"""Extraction end to end: article text -> proposed events (issue #5).

Golden files: `tests/data/extraction/<name>.txt` and `<name>.expected.json` (the
`tracker extract --json` objects); the seed article's golden file is
`seed_article.expected.json`, its text is read from ../shared. After a deliberate
change to the rules, regenerate a golden file and review its diff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, SEED_ARTICLE, require_shared
from tracker.cli.extract import proposal_json
from tracker.extraction import extract_events
from tracker.extraction.proposals import ProposedEvent

DATA = Path(__file__).parent.parent / "data" / "extraction"
PUBLISHED = dt.date(2025, 5, 28)  # a Wednesday


def extract_file(path: Path) -> list[ProposedEvent]:
    return extract_events(path.read_text(encoding="utf-8"), published=PUBLISHED)


def expected(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_proposals() -> list[ProposedEvent]:
    require_shared()
    return extract_file(SEED_ARTICLE)


@pytest.mark.parametrize(
    "name", ["two_events", "merged_reports", "failed_talks", "future_talks"]
)
def test_extract_short_article_matches_golden(name):
    proposals = extract_file(DATA / f"{name}.txt")
    assert [proposal_json(p) for p in proposals] == expected(name)


def test_extract_seed_article_matches_golden(seed_proposals):
    assert [proposal_json(p) for p in seed_proposals] == expected("seed_article")


def test_extract_seed_article_proposes_every_seed_event_with_its_type(
    seed_proposals,
):
    seed = [
        json.loads(line)
        for line in (REPO_ROOT / "seed_data" / "events.jsonl").read_text().splitlines()
    ]
    for event in seed:
        first_sentence = event["sources"][0]["quote"].split("”.")[0].split(". ")[0]
        matching = [
            p
            for p in seed_proposals
            if p.event_type == event["event_type"]
            and any(first_sentence in e.quote for e in p.evidence)
        ]
        assert matching, f"no {event['event_type']} for {event['title']!r}"


def test_extract_seed_article_dates_and_places(seed_proposals):
    by_quote = {p.quote.split()[0].strip(",") + p.event_type: p for p in seed_proposals}
    talks = by_quote["EarlierCONSULT"]
    assert (talks.date_start, talks.date_end) == (dt.date(2025, 5, 1), PUBLISHED)
    assert talks.date_precision == "month" and talks.mode == "third-party"
    assert talks.location and talks.location.name == "Istanbul"
    assert {(a.name, a.role) for a in talks.actors} == {
        ("Government of Russia", "participant"),
        ("Government of Ukraine", "participant"),
        ("Government of Turkey", "host"),
    }
    strike = by_quote["ThereASSAULT"]
    assert (strike.date_start, strike.date_end) == (
        dt.date(2025, 5, 24),
        dt.date(2025, 5, 25),
    )
    assert (strike.fatalities, strike.children_killed) == (14, 6)
    assert strike.location and strike.location.country == "UKR"
    proposal = by_quote["HoweverAGREE"]  # "they have now proposed ... in June"
    assert proposal.date_end == PUBLISHED and proposal.date_start.month == 5
    assert proposal.actors[0].name == "Government of Russia"
    accuse = by_quote["PresidentACCUSE"]
    assert [(a.name, a.role) for a in accuse.actors] == [
        ("Donald Trump", "initiator"),
        ("Vladimir Putin", "target"),
    ]
    assert len(accuse.evidence) == 2  # condemnation and accusation: one event


def test_extract_seed_article_failure_and_trailing_news_are_not_events(
    seed_proposals,
):
    quotes = " ".join(e.quote for p in seed_proposals for e in p.evidence)
    assert "little progress" not in quotes
    assert "student visa" not in quotes and "homebuilding" not in quotes


def test_extract_evidence_offsets_point_at_the_quote(seed_proposals):
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    for proposal in seed_proposals:
        assert text[proposal.start : proposal.end] == proposal.quote
        for evidence in proposal.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote


def test_extract_one_sentence_with_two_events_gives_both():
    proposals = extract_file(DATA / "two_events.txt")
    kinds = {
        (p.event_type, p.mode, p.location.name if p.location else None)
        for p in proposals
    }
    assert kinds == {
        ("ASSAULT", "heavy-weapons", "Kharkiv"),
        ("MOBILIZE", "weapons", "Kyiv"),
    }
    assert all(p.date_start == dt.date(2025, 5, 26) for p in proposals)  # Monday


def test_extract_one_event_in_two_sentences_is_merged_with_its_attribution():
    [strike] = extract_file(DATA / "merged_reports.txt")
    assert len(strike.evidence) == 2
    assert (strike.fatalities, strike.fatalities_qualifier) == (3, "at_least")
    assert strike.injured == 12  # "twelve", in words
    assert strike.attributed_to == "the regional governor"


def test_extract_talks_without_agreement_propose_no_agreement():
    proposals = extract_file(DATA / "failed_talks.txt")
    assert [p.event_type for p in proposals] == ["CONSULT"]


def test_extract_proposed_future_talks_are_an_agreement_dated_now():
    [proposal] = extract_file(DATA / "future_talks.txt")
    assert proposal.event_type == "AGREE"
    assert proposal.date_start == dt.date(2025, 5, 23)  # "said on Friday", not June
    assert proposal.attributed_to == "the foreign ministry"


@pytest.mark.parametrize(
    ("sentence", "event_type"),
    [
        ("Russia did not agree to the ceasefire proposal.", "REJECT"),
        ("Iran threatened to launch a new offensive against Iraq.", "THREATEN"),
        ("The United States will provide food aid to Sudan.", "AGREE"),
        ("Protesters blocked roads in Kyiv on Monday.", "PROTEST"),
        ("Police arrested 20 activists in Minsk on Sunday.", "COERCE"),
        ("The European Union imposed new sanctions on Russia.", "SANCTION"),
    ],
)
def test_extract_sentence_gets_its_type(sentence, event_type):
    proposals = extract_events(sentence, published=PUBLISHED)
    assert proposals and proposals[0].event_type == event_type
