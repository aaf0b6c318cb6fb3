"""Score extraction against the gold sets; every function takes the extractor.

`extract(text, published)` returns the proposals of one text. It defaults to
`tracker.extraction.pipeline.extract_events`; tests pass a small function instead to
check the plumbing of this harness (the figures they give mean nothing)."""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tracker.extraction.proposals import ProposedEvent
from tracker.vocab.dates import covered_interval
from tracker.vocab.gazetteer import normalise_name

from .gold import AcledGold, PloverGold, SeedGold

Extract = Callable[[str, dt.date], list[ProposedEvent]]
NEAR_KM = 25.0
PROGRESS_EVERY = 500


def pipeline_extract(text: str, published: dt.date) -> list[ProposedEvent]:
    """The real extractor (imported on first use: the harness loads without it)."""
    from tracker.extraction.pipeline import extract_events

    return extract_events(text, published=published)


def rules_extract(text: str, published: dt.date) -> list[ProposedEvent]:
    """The extractor with its ACLED typing left to the rules (the comparison)."""
    from tracker.extraction.pipeline import extract_events

    return extract_events(text, published=published, learned=False)


def extract_safely(
    extract: Extract, text: str, published: dt.date, crashes: Counter
) -> list[ProposedEvent]:
    """The proposals, or none when extraction raises: a bench run counts a crash as
    a miss and names it in the report instead of stopping after hours of work."""
    try:
        return extract(text, published)
    except Exception as error:  # noqa: BLE001 - any crash is counted, then shown
        crashes[f"{type(error).__name__}: {error}"[:120]] += 1
        return []


def share(hits: int, n: int) -> float | None:
    """hits / n, or None when there is nothing to count."""
    return hits / n if n else None


def _interval(p: ProposedEvent) -> tuple[dt.date, dt.date]:
    return covered_interval(p.date_start, p.date_end, p.date_precision)


def _words(text: str) -> set[str]:
    return {w.strip(".,;:\"'()“”’").casefold() for w in text.split()} - {""}


def _quote_overlap(gold: str, proposal: ProposedEvent) -> float:
    quotes = [proposal.quote] + [e.quote for e in proposal.evidence]
    gold_words = _words(gold)
    if not gold_words:
        return 0.0
    return max(len(gold_words & _words(q)) / len(gold_words) for q in quotes)


def top_proposal(proposals: Sequence[ProposedEvent]) -> ProposedEvent | None:
    """The highest-confidence proposal; the earliest in the text on a tie."""
    if not proposals:
        return None
    return min(proposals, key=lambda p: (-p.confidence, p.start))


# ---------------------------------------------------------------- seed article
@dataclass(frozen=True)
class SeedRow:
    """One seed event and the proposal matched to it, if any."""

    gold: SeedGold
    matched: ProposedEvent | None
    date_overlaps: bool
    date_exact: bool


@dataclass(frozen=True)
class SeedResult:
    """The seed events, each with its match, and how many proposals there were."""

    rows: list[SeedRow]
    proposals: int

    @property
    def type_share(self) -> float | None:
        """Share of seed events matched by a proposal of the same PLOVER type."""
        return share(sum(r.matched is not None for r in self.rows), len(self.rows))

    @property
    def date_share(self) -> float | None:
        """Share of seed events matched with the right type and an overlapping date."""
        return share(sum(r.date_overlaps for r in self.rows), len(self.rows))


def evaluate_seed(
    text: str,
    events: Sequence[SeedGold],
    published: dt.date,
    extract: Extract = pipeline_extract,
) -> SeedResult:
    """Match each seed event one-to-one to a proposal of its type, greedily: pairs
    whose dates overlap first, then by how much of the seed quote the proposal cites."""
    proposals = extract(text, published)
    pairs = []
    for g, gold in enumerate(events):
        for p, proposal in enumerate(proposals):
            if proposal.event_type != gold.event_type:
                continue
            first, last = _interval(proposal)
            overlaps = first <= gold.date_end and gold.date_start <= last
            score = (overlaps, _quote_overlap(gold.quote, proposal))
            pairs.append((score, g, p, overlaps, (first, last)))
    pairs.sort(key=lambda item: item[0], reverse=True)
    taken_gold: dict[int, SeedRow] = {}
    taken_proposals: set[int] = set()
    for _score, g, p, overlaps, span in pairs:
        if g in taken_gold or p in taken_proposals:
            continue
        gold = events[g]
        exact = span == (gold.date_start, gold.date_end)
        taken_gold[g] = SeedRow(gold, proposals[p], overlaps, exact)
        taken_proposals.add(p)
    rows = [
        taken_gold.get(g, SeedRow(gold, None, False, False))
        for g, gold in enumerate(events)
    ]
    return SeedResult(rows, len(proposals))


# ---------------------------------------------------------------- PLOVER gold records
@dataclass
class PloverResult:
    """Type accuracy, country-level actor F1 and death counts on PLOVER records."""

    n: int = 0
    type_correct: int = 0
    no_proposal: int = 0
    actor_tp: int = 0
    actor_fp: int = 0
    actor_fn: int = 0
    deaths_n: int = 0
    deaths_correct: int = 0
    confusion: Counter = field(default_factory=Counter)
    crashes: Counter = field(default_factory=Counter)

    @property
    def type_accuracy(self) -> float | None:
        return share(self.type_correct, self.n)

    @property
    def actor_f1(self) -> float | None:
        found = 2 * self.actor_tp + self.actor_fp + self.actor_fn
        return share(2 * self.actor_tp, found)

    @property
    def deaths_accuracy(self) -> float | None:
        return share(self.deaths_correct, self.deaths_n)


def evaluate_plover(
    records: Sequence[PloverGold],
    published: dt.date,
    extract: Extract = pipeline_extract,
) -> PloverResult:
    """The top proposal of each sentence against its gold coding (none = wrong)."""
    result = PloverResult()
    for record in records:
        proposals = extract_safely(extract, record.text, published, result.crashes)
        top = top_proposal(proposals)
        predicted = top.event_type if top else None
        result.n += 1
        result.no_proposal += top is None
        result.type_correct += predicted == record.event_type
        if predicted != record.event_type:
            result.confusion[(record.event_type, predicted or "(none)")] += 1
        countries = {a.country for a in top.actors if a.country} if top else set()
        result.actor_tp += len(countries & record.countries)
        result.actor_fp += len(countries - record.countries)
        result.actor_fn += len(record.countries - countries)
        if record.dead is not None:
            result.deaths_n += 1
            result.deaths_correct += (top.fatalities if top else None) == record.dead
    return result


# ---------------------------------------------------------------- ACLED notes
@dataclass
class AcledResult:
    """ACLED type, sub-type, fatalities and location agreement on coded notes."""

    n: int = 0
    no_proposal: int = 0
    no_acled_pair: int = 0
    type_correct: int = 0
    sub_correct: int = 0
    fatalities_top: int = 0
    fatalities_sum: int = 0
    located_n: int = 0
    within_km: int = 0
    admin1_n: int = 0
    admin1_same: int = 0
    seconds: float = 0.0
    type_confusion: Counter = field(default_factory=Counter)
    sub_confusion: Counter = field(default_factory=Counter)
    fatality_errors: Counter = field(default_factory=Counter)
    crashes: Counter = field(default_factory=Counter)

    def figure(self, name: str) -> float | None:
        """A named share: type, sub, fatalities, fatalities_sum, near, admin1."""
        hits, n = {
            "type": (self.type_correct, self.n),
            "sub": (self.sub_correct, self.n),
            "fatalities": (self.fatalities_top, self.n),
            "fatalities_sum": (self.fatalities_sum, self.n),
            "near": (self.within_km, self.located_n),
            "admin1": (self.admin1_same, self.admin1_n),
        }[name]
        return share(hits, n)


def acled_choice(proposals: Sequence[ProposedEvent]) -> ProposedEvent | None:
    """The proposal compared with an ACLED row: the most confident one that carries an
    ACLED pair (ACLED would record it), else the most confident one."""
    coded = [p for p in proposals if p.acled_event_type]
    return top_proposal(coded) or top_proposal(proposals)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _fatality_error(gold: int, predicted: int) -> str | None:
    if gold == predicted:
        return None
    if predicted == 0:
        return "deaths missed (coded > 0, proposed none)"
    if gold == 0:
        return "deaths invented (coded 0, proposed > 0)"
    return "too many" if predicted > gold else "too few"


def _score_location(result: AcledResult, note: AcledGold, top: ProposedEvent) -> None:
    place = top.location
    if note.latitude is not None and note.longitude is not None:
        result.located_n += 1
        if place and place.latitude is not None and place.longitude is not None:
            km = distance_km(
                note.latitude, note.longitude, place.latitude, place.longitude
            )
            result.within_km += km <= NEAR_KM
    if note.admin1:
        result.admin1_n += 1
        if place and place.admin1:
            same = normalise_name(place.admin1) == normalise_name(note.admin1)
            result.admin1_same += same


def _score_note(result: AcledResult, note: AcledGold, proposals: list) -> None:
    top = acled_choice(proposals)
    result.n += 1
    if top is None:
        result.no_proposal += 1
    elif not top.acled_event_type:
        result.no_acled_pair += 1
    predicted = (
        (top.acled_event_type, top.acled_sub_event_type) if top else (None, None)
    )
    result.type_correct += predicted[0] == note.event_type
    result.sub_correct += predicted == (note.event_type, note.sub_event_type)
    if predicted[0] != note.event_type:
        result.type_confusion[(note.event_type, predicted[0] or "(none)")] += 1
    if predicted[1] != note.sub_event_type:
        result.sub_confusion[(note.sub_event_type, predicted[1] or "(none)")] += 1
    top_deaths = (top.fatalities or 0) if top else 0
    all_deaths = sum(p.fatalities or 0 for p in proposals)
    result.fatalities_top += top_deaths == note.fatalities
    result.fatalities_sum += all_deaths == note.fatalities
    if error := _fatality_error(note.fatalities, top_deaths):
        result.fatality_errors[error] += 1
    if top is not None:
        _score_location(result, note, top)
    else:
        result.located_n += note.latitude is not None
        result.admin1_n += bool(note.admin1)


def evaluate_acled(
    notes: Sequence[AcledGold],
    extract: Extract = pipeline_extract,
    *,
    label: str = "ACLED",
) -> AcledResult:
    """Each note, published on its event date, against its ACLED coding."""
    result = AcledResult()
    started = time.monotonic()
    for i, note in enumerate(notes, start=1):
        proposals = extract_safely(extract, note.text, note.published, result.crashes)
        _score_note(result, note, proposals)
        if i % PROGRESS_EVERY == 0 or i == len(notes):
            rate = i / max(time.monotonic() - started, 1e-9)
            sys.stderr.write(f"{label}: {i}/{len(notes)} notes ({rate:.0f}/s)\n")
    result.seconds = time.monotonic() - started
    return result
