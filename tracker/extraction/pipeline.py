"""Article text -> proposed events: the extraction pipeline.

Sentences are read in order; each trigger becomes a candidate event with its actors
(roles from word order, pronouns from earlier sentences), a date (the sentence's own
phrase, else the last date carried along the article), a place and casualty figures.
Same-type candidates of one sentence are one event; a later sentence reporting the
same event is merged into it as more evidence; headlines and subheadings only confirm
what the body says. Deterministic, offline, CPU only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from tracker.extraction.acled_coding import code_acled
from tracker.extraction.actors import (
    ActorMention,
    ActorVocabulary,
    country_by_iso3,
    find_actors,
    load_vocabulary,
)
from tracker.extraction.casualties import find_casualties
from tracker.extraction.classify import (
    Candidate,
    classify_sentence,
    clause_starts,
    find_attribution,
    find_contexts,
    find_mode,
    find_pattern,
    is_descriptive,
    is_unnamed,
    rules,
)
from tracker.extraction.dates import DateSpan, find_dates
from tracker.extraction.drafts import Draft, can_merge, merge, to_proposal
from tracker.extraction.places import country_place, find_place
from tracker.extraction.proposals import Evidence, ProposedActor, ProposedEvent
from tracker.extraction.roles import ArticleMemory, Span, assign_roles, resolve_mentions
from tracker.extraction.sentences import Sentence, split_sentences
from tracker.models import DatePrecision, SourceIn
from tracker.vocab.taxonomy import plover_to_acled

BASE_CONFIDENCE = 0.5
UNDATED_DAYS = 6  # an article with no date at all: the week up to publication
# Up to ten days reads as "that week" (a weekend and the days after it).
_WIDTH_PRECISION = (
    (1, DatePrecision.DAY),
    (10, DatePrecision.WEEK),
    (31, DatePrecision.MONTH),
)


@dataclass
class _Reading:
    """What the pipeline carries from one sentence to the next."""

    published: dt.date
    vocab: ActorVocabulary
    countries: set[str]
    memory: ArticleMemory = field(default_factory=ArticleMemory)
    previous: DateSpan | None = None
    trailing: bool = False


def acled_pair(
    text: str, event_type: str, mode: str | None, actors: list[ProposedActor]
) -> tuple[str, str] | None:
    """The ACLED pair from the sentence's cues, else from the PLOVER crosswalk."""
    return code_acled(text, event_type, mode, actors) or plover_to_acled(
        event_type, mode
    )


def _precision_for(start: dt.date, end: dt.date, floor: DatePrecision) -> DatePrecision:
    order = [
        DatePrecision.DAY,
        DatePrecision.WEEK,
        DatePrecision.MONTH,
        DatePrecision.YEAR,
    ]
    width = (end - start).days + 1
    by_width = next(
        (p for days, p in _WIDTH_PRECISION if width <= days), DatePrecision.YEAR
    )
    return max(by_width, floor, key=order.index)


_When = tuple[dt.date, dt.date, DatePrecision, bool]


def _sentence_date(
    sentence: Sentence, reading: _Reading, content: tuple[int, int] | None = None
) -> _When:
    """The sentence's own date, else the last one carried along.

    Returns start, end, precision and whether the sentence gave the date itself. A
    phrase inside `content` (character offsets in the sentence: what a proposal
    proposes, "talks in June") dates the proposed event, not the proposal."""
    spans = find_dates(sentence.text, reading.published, previous=reading.previous)
    own = next(
        (
            d
            for d in spans
            if not d.future and not (content and content[0] <= d.offset < content[1])
        ),
        None,
    )
    if own is not None:
        if content is None:
            reading.previous = own
        return own.start, own.end, own.precision, True
    previous = reading.previous
    if previous is None:
        start = reading.published - dt.timedelta(days=UNDATED_DAYS)
        return start, reading.published, DatePrecision.WEEK, False
    lowers = [t.lower for t in sentence.tokens]
    if find_pattern(rules().markers["subsequent"], lowers) is not None:
        end = max(reading.published, previous.end)
        return (
            previous.start,
            end,
            _precision_for(previous.start, end, previous.precision),
            False,
        )
    return previous.start, previous.end, previous.precision, False


def _excluded_positions(lowers: Sequence[str]) -> frozenset[int]:
    """Token positions inside ", who ..." clauses: background, never a role."""
    starts = [*clause_starts(lowers), len(lowers)]
    excluded: set[int] = set()
    for start, end in zip(starts, starts[1:], strict=False):
        if is_descriptive(lowers, start):
            excluded |= set(range(start, end))
    return frozenset(excluded)


def _confidence(draft: Draft, candidate: Candidate, rank: int, inferred: bool) -> float:
    score = BASE_CONFIDENCE
    score += 0.15 if draft.role_names("initiator") else 0
    score += 0.05 if draft.role_names("target") else 0
    score += 0.1 if draft.explicit_date else 0
    score += 0.05 if draft.place else 0
    score -= 0.05 * rank  # the first event of a sentence is usually its main one
    score -= 0.05 if candidate.transformed else 0
    score -= 0.05 if inferred else 0
    if draft.attributed_to and is_unnamed(draft.attributed_to):
        score -= 0.2
    return score


def _place_and_host(
    near: int,
    draft: Draft,
    sentence: Sentence,
    mentions: list[ActorMention],
    reading: _Reading,
) -> None:
    place = find_place(sentence.tokens, mentions, reading.countries, near)
    if place is None and draft.event_type == "ASSAULT":
        victim = next(
            (a for a in draft.actors if a.role == "target" and a.country), None
        )
        country = country_by_iso3(victim.country) if victim and victim.country else None
        place = country_place(country) if country else None
    draft.place = place
    if draft.event_type != "CONSULT" or place is None or place.country is None:
        return
    sides = draft.role_countries("initiator")
    host = country_by_iso3(place.country)
    if sides and place.country not in sides and host is not None:
        draft.mode = draft.mode or "third-party"
        name = reading.vocab.actor_name("government", host)
        if name not in draft.role_names("initiator"):
            draft.actors.append(
                ProposedActor(
                    name=name, role="host", kind="government", country=host.iso3
                )
            )


def _read_sentence(sentence: Sentence, reading: _Reading) -> list[Draft]:
    """The drafts one sentence proposes, one per event type."""
    tokens = sentence.tokens
    lowers = [t.lower for t in tokens]
    mentions = find_actors(tokens, reading.vocab)
    resolved = resolve_mentions(mentions, reading.memory)
    candidates = classify_sentence(tokens)
    previous = reading.previous
    when = _sentence_date(sentence, reading)
    if not candidates:
        return []
    excluded = _excluded_positions(lowers)
    casualties = find_casualties(sentence.text)
    speaker = find_attribution(tokens)
    contexts = find_contexts(lowers)
    evidence = Evidence(quote=sentence.text, start=sentence.start, end=sentence.end)
    drafts: dict[str, Draft] = {}
    for rank, candidate in enumerate(candidates):
        span = Span(candidate.first, candidate.last, candidate.clause_end, excluded)
        actors = assign_roles(
            span, candidate.event_type, resolved, tokens, reading.vocab
        )
        start, end, precision, own = _candidate_date(
            candidate, sentence, reading, previous, when
        )
        draft = Draft(
            candidate.event_type,
            find_mode(candidate, lowers),
            start,
            end,
            precision,
            own,
            [evidence],
            actors,
            contexts=contexts,
            heading=sentence.heading,
        )
        inferred = _infer_attacker(draft, reading)
        if speaker and not any(a.name in speaker or speaker in a.name for a in actors):
            draft.attributed_to = speaker
        _place_and_host(candidate.first, draft, sentence, mentions, reading)
        if draft.event_type == "ASSAULT":
            draft.killed, draft.killed_qualifier = (
                casualties.killed,
                casualties.killed_qualifier,
            )
            draft.injured = casualties.injured
            draft.civilians_killed = casualties.civilians_killed
            draft.children_killed = casualties.children_killed
        draft.confidence = _confidence(
            draft, candidate, min(rank, len(drafts)), inferred
        )
        if draft.event_type in drafts:
            merge(drafts[draft.event_type], draft)
            continue
        drafts[draft.event_type] = draft
    return list(drafts.values())


def _candidate_date(
    candidate: Candidate,
    sentence: Sentence,
    reading: _Reading,
    previous: DateSpan | None,
    when: _When,
) -> _When:
    """The sentence's date, except that an AGREE is not dated by what it proposes."""
    if candidate.event_type != "AGREE":
        return when
    tokens = sentence.tokens
    # What is proposed runs to the next comma: "proposed talks ... in June, the
    # ministry said on Friday" is dated Friday.
    stop = next(
        (i for i in range(candidate.last, len(tokens)) if tokens[i].text in ",;:"),
        len(tokens),
    )
    content = (
        tokens[candidate.last - 1].end - sentence.start,
        tokens[stop - 1].end - sentence.start,
    )
    carried = _Reading(reading.published, reading.vocab, set(), previous=previous)
    return _sentence_date(sentence, carried, content)


def _infer_attacker(draft: Draft, reading: _Reading) -> bool:
    """An attack with no named attacker is the article's last attacker's (flagged)."""
    if draft.event_type != "ASSAULT":
        return False
    initiator = next((a for a in draft.actors if a.role == "initiator"), None)
    if initiator is not None:
        reading.memory.attacker = initiator
        return False
    if reading.memory.attacker is None:
        return False
    draft.actors.insert(0, reading.memory.attacker)
    return True


def _is_trailing_heading(sentence: Sentence) -> bool:
    lowered = sentence.text.lower()
    return sentence.heading and any(lowered.startswith(h) for h in rules().trailing)


def _article_countries(
    sentences: Sequence[Sentence], vocab: ActorVocabulary
) -> set[str]:
    """Countries the article names: towns there win over namesakes elsewhere."""
    return {
        m.country.iso3
        for s in sentences
        for m in find_actors(s.tokens, vocab)
        if m.country is not None
    }


def extract_events(
    text: str,
    *,
    published: dt.date,
    source: SourceIn | None = None,
    session: Session | None = None,
) -> list[ProposedEvent]:
    """The events an article reports, as proposals for an analyst to review.

    `published` resolves relative dates ("this weekend"); `session`, when given, lets
    the actor registry's names and aliases be recognised. `source` is accepted for
    callers that hold one; proposals cite the article when saved (see
    `proposals_to_events`)."""
    del source  # the proposals carry offsets into `text`; the caller keeps the source
    vocab = load_vocabulary(session)
    sentences = split_sentences(text)
    reading = _Reading(published, vocab, _article_countries(sentences, vocab))
    body: list[Draft] = []
    headings: list[Draft] = []
    for sentence in sentences:
        if _is_trailing_heading(sentence):
            reading.trailing = True
            continue
        for draft in _read_sentence(sentence, reading):
            if reading.trailing:
                draft.confidence *= 0.3
            if draft.heading:
                headings.append(draft)
                continue
            match = next((d for d in body if can_merge(d, draft)), None)
            if match is None:
                body.append(draft)
            else:
                merge(match, draft)
    for draft in headings:
        match = _closest(
            draft, [d for d in body if can_merge(d, draft, ignore_dates=True)]
        )
        if match is not None:
            match.evidence.append(draft.evidence[0])
            continue
        draft.confidence -= 0.15
        body.append(draft)
    body.sort(key=lambda d: d.evidence[0].start)
    for draft in body:
        quotes = " ".join(e.quote for e in draft.evidence)
        draft.acled = acled_pair(quotes, draft.event_type, draft.mode, draft.actors)
    return [to_proposal(_clamped(d)) for d in body]


def _words(draft: Draft) -> set[str]:
    return {w.strip(".,;:").lower() for e in draft.evidence for w in e.quote.split()}


def _closest(heading: Draft, drafts: list[Draft]) -> Draft | None:
    """The body event sharing most words with a heading ("proposes ... talks")."""
    if not drafts:
        return None
    words = _words(heading)
    return max(drafts, key=lambda d: len(words & _words(d)) / (len(_words(d)) or 1))


def _clamped(draft: Draft) -> Draft:
    draft.confidence = min(0.95, max(0.05, draft.confidence))
    return draft
