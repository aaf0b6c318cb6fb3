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

from tracker.extraction.acled_coding import acled_reading, cue_book
from tracker.extraction.acled_model import AcledGuess, acled_model, guess_acled
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
    find_triggers,
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
from tracker.vocab.taxonomy import acled_to_plover

BASE_CONFIDENCE = 0.5
# Acts of force a flood, a robbery or a match report can be mistaken for: when the
# learned model reads the text as not a conflict event, these are not proposed.
# Talks, agreements and statements are kept whatever it says (ACLED records few of
# them, and the PLOVER reading of them is the rules').
SUPPRESSIBLE = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE"})
# Calibrated confidences: how sure the model must be that a text is not a conflict
# event before a proposal is dropped, and that a sentence no trigger fired on reports
# one before it is proposed from the model alone. Both were chosen on the tune
# halves of the PLOVER and ACLED gold files (dropping at 0.5 lost real attacks
# there: 84.7% PLOVER type against 87.1% at 0.9) and on the seed article (below
# 0.9, "Russia currently controls one-fifth of Ukraine's territory" became a
# proposal; 0.8 and 0.9 read the ACLED and PLOVER tune halves alike).
NOT_EVENT_CONFIDENCE = 0.9
MODEL_ONLY_CONFIDENCE = 0.9
CATCH_ALL_SUB_EVENT_TYPE = "Other"  # Strategic developments that fit no other
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


def _model_candidate(
    guess: AcledGuess | None, sentence: Sentence, mentions: list[ActorMention]
) -> Candidate | None:
    """A candidate for a sentence with no trigger word at all, when the model is sure
    enough that it reports an ACLED event ("a consignment of rifles was
    intercepted"). A sentence whose triggers the rules cancelled ("little progress
    was made in reaching a deal") gets none: negation is the rules' to read. Its
    PLOVER type is the ACLED pair's through the crosswalk; with no trigger word, the
    first actor named stands before the "trigger", so it initiates.

    Never a strategic development of ACLED's catch-all sub-type, Other: with no
    trigger word, the guess that a sentence reports something significant that fits
    no category is the weakest there is ("Russia currently controls one-fifth of
    Ukraine's territory", background in the seed article, read as Other at 0.93).
    Leaving them out changed nothing on the PLOVER and ACLED tune halves."""
    if (
        guess is None
        or not guess.is_event
        or guess.sub_event_type == CATCH_ALL_SUB_EVENT_TYPE
        or guess.confidence < MODEL_ONLY_CONFIDENCE
        or sentence.heading
        or find_triggers([t.lower for t in sentence.tokens])
    ):
        return None
    event_type, mode = acled_to_plover(guess.event_type, guess.sub_event_type)
    position = mentions[0].last if mentions else 0
    return Candidate(
        event_type, mode, position, position, len(sentence.tokens), model_only=True
    )


def _read_sentence(
    sentence: Sentence, reading: _Reading, guess: AcledGuess | None = None
) -> list[Draft]:
    """The drafts one sentence proposes, one per event type."""
    tokens = sentence.tokens
    lowers = [t.lower for t in tokens]
    mentions = find_actors(tokens, reading.vocab)
    resolved = resolve_mentions(mentions, reading.memory)
    candidates = classify_sentence(tokens)
    previous = reading.previous
    when = _sentence_date(sentence, reading)
    if not candidates:
        candidate = (
            None if reading.trailing else _model_candidate(guess, sentence, mentions)
        )
        if candidate is None:
            return []
        candidates = [candidate]
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
            candidate.mode if candidate.model_only else find_mode(candidate, lowers),
            start,
            end,
            precision,
            own,
            [evidence],
            actors,
            contexts=contexts,
            heading=sentence.heading,
        )
        if len(candidates) > 1:
            draft.clause = _clause_text(candidate, sentence)
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


def _clause_text(candidate: Candidate, sentence: Sentence) -> str:
    """The words of the candidate's clause, from its start to the clause's end."""
    tokens = sentence.tokens
    lowers = [t.lower for t in tokens]
    first = max((s for s in clause_starts(lowers) if s <= candidate.first), default=0)
    last = min(max(candidate.clause_end, first + 1), len(tokens))
    return sentence.text[
        tokens[first].start - sentence.start : tokens[last - 1].end - sentence.start
    ]


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
    learned: bool = True,
) -> list[ProposedEvent]:
    """The events an article reports, as proposals for an analyst to review.

    `published` resolves relative dates ("this weekend"); `session`, when given, lets
    the actor registry's names and aliases be recognised. `source` is accepted for
    callers that hold one; proposals cite the article when saved (see
    `proposals_to_events`). `learned=False` leaves the ACLED typing to the rules
    alone (the evaluation compares both)."""
    del source  # the proposals carry offsets into `text`; the caller keeps the source
    vocab = load_vocabulary(session)
    sentences = split_sentences(text)
    reading = _Reading(published, vocab, _article_countries(sentences, vocab))
    guesses = guess_acled([s.text for s in sentences]) if learned else None
    body: list[Draft] = []
    headings: list[Draft] = []
    for number, sentence in enumerate(sentences):
        if _is_trailing_heading(sentence):
            reading.trailing = True
            continue
        guess = guesses[number] if guesses else None
        for draft in _read_sentence(sentence, reading, guess):
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
    return [to_proposal(_clamped(d)) for d in _typed_for_acled(body, learned)]


def _typed_for_acled(drafts: list[Draft], learned: bool) -> list[Draft]:
    """Each draft's ACLED pair, from the rules or the learned model, whichever is
    likelier right; drafts the model reads as no conflict event are dropped (acts of
    force) or kept with a caveat (the rest).

    Both are scored on the same footing: the model by its calibrated confidence, a
    cue rule (or the crosswalk) by how often its pair was right on the training
    sentences, text the rules were never tuned on. Where ACLED records the PLOVER
    type, the draft's confidence is capped by the winner's score: a proposal is no
    surer than its ACLED type, so one the model doubts falls under the Review page's
    threshold, while the rules' order of the events stays as it was."""
    quotes = [" ".join(e.quote for e in d.evidence) for d in drafts]
    read = [d.clause or quote for d, quote in zip(drafts, quotes, strict=True)]
    guesses = guess_acled(read) if learned and drafts else None
    model = acled_model()
    kept = []
    for number, (draft, quote) in enumerate(zip(drafts, quotes, strict=True)):
        draft.acled, source = acled_reading(
            quote, draft.event_type, draft.mode, draft.actors
        )
        guess = guesses[number] if guesses else None
        if (
            guess is None
            or model is None
            or draft.event_type not in cue_book().record_types
        ):
            kept.append(draft)
            continue
        rule_score = model.rule_precision(source) if draft.acled else 0.0
        if guess.is_event:
            if rule_score < guess.confidence:
                draft.acled = (guess.event_type, guess.sub_event_type)
            draft.confidence = min(draft.confidence, max(rule_score, guess.confidence))
        elif rule_score >= guess.confidence:
            draft.confidence = min(draft.confidence, rule_score)
        elif (
            draft.event_type in SUPPRESSIBLE
            and guess.confidence >= NOT_EVENT_CONFIDENCE
        ):
            continue
        else:
            draft.confidence = min(draft.confidence, 1 - guess.not_event)
            draft.caveat = (
                f"May not be a conflict event: reads as {guess.sub_event_type}"
                f" ({guess.not_event:.0%})."
            )
        kept.append(draft)
    return kept


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
