"""Render the evaluation as Markdown: figures beside targets, both halves, n, errors.

Only counts and category names are written: the file is committed, and ACLED's terms
forbid redistributing their notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .scoring import AcledResult, PloverResult, SeedResult
from .snippets import SNIPPETS_PUBLISHED, SnippetResult

TOP_ERRORS = 8
TARGETS = {
    "seed_type": 1.0,
    "plover_type": 0.70,
    "acled_type": 0.85,
    "acled_sub": 0.70,
    "acled_fatalities": 0.90,
}


@dataclass(frozen=True)
class RunInfo:
    """How the figures were produced."""

    command: str
    date: str
    machine: str
    commit: str
    seconds: float
    notes: tuple[str, ...] = ()


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _verdict(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "met" if value >= target else f"**gap {target - value:.1%}**"


def _figure_row(
    name: str, target: float | None, halves: list[tuple[float | None, int]]
) -> str:
    cells = [f"{_pct(v)} (n={n})" for v, n in halves]
    held_out = halves[-1][0]
    goal = "–" if target is None else f"≥ {target:.0%}"
    return f"| {name} | {goal} | {' | '.join(cells)} | {_verdict(held_out, target)} |"


def _table_head() -> list[str]:
    return [
        "| figure | target | tune half | held-out half | held-out vs target |",
        "|---|---|---|---|---|",
    ]


def _confusions(title: str, counts: Counter, n: int) -> list[str]:
    if not counts:
        return [f"{title}: none."]
    lines = [f"{title} (gold → predicted, of {n}):", ""]
    for (gold, predicted), count in counts.most_common(TOP_ERRORS):
        lines.append(f"- {count} × {gold} → {predicted}")
    return lines


def seed_section(result: SeedResult) -> list[str]:
    """The seed article: one row per seed event, and the two shares."""
    lines = [
        "## Seed article against seed_data/",
        "",
        f"{len(result.rows)} seed events, {result.proposals} proposals. A seed event "
        "is matched one-to-one to a proposal of the same PLOVER type, greedily: "
        "proposals whose date range overlaps the event's first, then by the share of "
        "the seed quote's words the proposal cites.",
        "",
        "| figure | target | value | vs target |",
        "|---|---|---|---|",
        f"| events proposed with the right type | ≥ 100% | {_pct(result.type_share)} "
        f"| {_verdict(result.type_share, TARGETS['seed_type'])} |",
        f"| ... and a date range overlapping the seed's | – | "
        f"{_pct(result.date_share)} | |",
        "",
        "| seed event | type | proposed | date (seed) | date (proposed) | date |",
        "|---|---|---|---|---|---|",
    ]
    for row in result.rows:
        gold, match = row.gold, row.matched
        seed_dates = f"{gold.date_start} – {gold.date_end}"
        if match is None:
            lines.append(
                f"| {gold.record_id[-2:]} {gold.title} | {gold.event_type} | miss "
                f"| {seed_dates} | – | miss |"
            )
            continue
        end = match.date_end or match.date_start
        date = (
            "exact" if row.date_exact else "overlaps" if row.date_overlaps else "miss"
        )
        lines.append(
            f"| {gold.record_id[-2:]} {gold.title} | {gold.event_type} | hit "
            f"| {seed_dates} | {match.date_start} – {end} ({match.date_precision}) "
            f"| {date} |"
        )
    return lines + [""]


def plover_section(tune: PloverResult, held: PloverResult, skipped: int) -> list[str]:
    """The PLOVER gold records: figures per half, then the tune half's confusions."""
    halves = (tune, held)
    lines = [
        "## PLOVER gold records (CAMEO manual sentences, 0.5b1 → 2.0)",
        "",
        f"{tune.n + held.n} records ({skipped} skipped: the DOCUMENT record and any "
        "category without a 2.0 type). Prediction: the highest-confidence proposal "
        "of the sentence; no proposal counts as wrong.",
        "",
        *_table_head(),
        _figure_row(
            "event type accuracy",
            TARGETS["plover_type"],
            [(r.type_accuracy, r.n) for r in halves],
        ),
        _figure_row(
            "actor F1, country level",
            None,
            [(r.actor_f1, r.actor_tp + r.actor_fn) for r in halves],
        ),
        _figure_row(
            "death count exact (where gold gives `dead`)",
            None,
            [(r.deaths_accuracy, r.deaths_n) for r in halves],
        ),
        _figure_row(
            "sentences with no proposal (lower is better)",
            None,
            [(r.no_proposal / r.n if r.n else None, r.n) for r in halves],
        ),
        "",
        "Actor F1 is micro-averaged over records: gold countries are the first three "
        "letters of each source/target CAMEO code when they are an ISO 3166 alpha-3 "
        "code (ISR, USAGOV → USA, SYRMIL → SYR; IGO, NGO and other non-state roots "
        "have no country), against the `country` of the top proposal's actors. n "
        "in that row is the number of gold countries.",
        "",
        *_confusions("Type errors on the tune half", tune.confusion, tune.n),
        "",
        *_crashes(tune.crashes + held.crashes),
    ]
    return lines


def acled_section(
    tune: AcledResult,
    held: AcledResult,
    sample_note: str | None,
    rules_held: AcledResult | None = None,
) -> list[str]:
    """The ACLED notes: figures per half, then the tune half's errors."""
    halves = (tune, held)

    def row(name: str, figure: str, n: str, target: str | None = None) -> str:
        values = [(r.figure(figure), getattr(r, n)) for r in halves]
        return _figure_row(name, TARGETS.get(target) if target else None, values)

    lines = [
        "## ACLED notes against their coding",
        "",
        "Each note is extracted as an article published on its event date. The "
        "proposal compared with the row is the most confident one that carries an "
        "ACLED pair, else the most confident one (no proposal counts as wrong).",
    ]
    if sample_note:
        lines += ["", sample_note]
    lines += [
        "",
        *_table_head(),
        row("event type", "type", "n", "acled_type"),
        row("sub-event type", "sub", "n", "acled_sub"),
        row(
            "fatalities exact (chosen proposal)", "fatalities", "n", "acled_fatalities"
        ),
        row("fatalities exact (sum over the note's proposals)", "fatalities_sum", "n"),
        row("location within 25 km of the coded point", "near", "located_n"),
        row("location in the coded admin1 (same name)", "admin1", "admin1_n"),
        "",
        "Fatalities: no figure counts as 0, as ACLED writes 0 for none reported. The "
        "target is read on the chosen proposal: one ACLED row is one event, and "
        "extraction merges the passages of one event into one proposal, so the "
        "chosen proposal's count is the one a reviewer would save; the sum over all "
        "proposals of a note is shown for comparison (it double-counts a death "
        "figure repeated in two proposals).",
        "",
        f"Notes with no proposal: {tune.no_proposal} (tune), {held.no_proposal} "
        f"(held-out); chosen proposal without an ACLED pair: {tune.no_acled_pair} "
        f"(tune), {held.no_acled_pair} (held-out). Time: {tune.seconds:.0f} s "
        f"(tune), {held.seconds:.0f} s (held-out).",
        "",
    ]
    if rules_held is not None:
        lines += [
            "The same held-out half with the ACLED typing left to the rules alone"
            f" (`learned=False`): event type {_pct(rules_held.figure('type'))},"
            f" sub-event type {_pct(rules_held.figure('sub'))}, fatalities exact"
            f" {_pct(rules_held.figure('fatalities'))}. These notes are the text the"
            " cue rules were tuned on (their tune half) and written to one formula, so"
            " the rules read them better than the model, which never saw ACLED text;"
            " on news nobody tuned for (the untouched set above) it is the reverse.",
            "",
        ]
    lines += [
        *_confusions("Event type errors on the tune half", tune.type_confusion, tune.n),
        "",
        *_confusions(
            "Sub-event type errors on the tune half", tune.sub_confusion, tune.n
        ),
        "",
        *_confusions_flat("Fatality errors on the tune half", tune.fatality_errors),
        "",
        *_crashes(tune.crashes + held.crashes),
    ]
    return lines


def _crashes(counts: Counter) -> list[str]:
    if not counts:
        return []
    lines = [
        f"Extraction raised on {sum(counts.values())} texts (counted as misses):",
        "",
    ]
    return lines + [f"- {n} × `{what}`" for what, n in counts.most_common()] + [""]


def _confusions_flat(title: str, counts: Counter) -> list[str]:
    if not counts:
        return [f"{title}: none."]
    return [f"{title}:", ""] + [f"- {n} × {what}" for what, n in counts.most_common()]


def render(
    info: RunInfo,
    seed: SeedResult | None,
    plover: tuple[PloverResult, PloverResult, int] | None,
    acled: tuple[AcledResult, AcledResult, str | None] | None,
    snippets: tuple[SnippetResult, SnippetResult, tuple[int, float] | None]
    | None = None,
) -> str:
    """The whole EXTRACTION.md."""
    lines = [
        "# Extraction quality",
        "",
        "Generated by `make eval-extraction`; do not edit by hand. The command:",
        "",
        "```",
        info.command,
        "```",
        "",
        f"- date: {info.date}",
        f"- machine: {info.machine}",
        f"- tracker commit: {info.commit}",
        f"- run time: {info.seconds:.0f} s",
        *[f"- {note}" for note in info.notes],
        "",
        "Split: a gold record is in the **tune half** when "
        "`int(sha256(record_id).hexdigest(), 16) % 2 == 0` (record_id: the PLOVER "
        "`id`, the ACLED `event_id_cnty`); the vocabularies may be tuned on it only. "
        "The **held-out half** is the rest; targets are read on it.",
        "",
    ]
    if snippets is not None:
        lines += snippets_section(*snippets)
    if seed is not None:
        lines += seed_section(seed)
    if plover is not None:
        lines += plover_section(*plover)
    if acled is not None:
        lines += acled_section(*acled)
    return "\n".join(lines).rstrip() + "\n"


SNIPPET_TARGETS = {"type": 0.80, "sub": 0.65, "not_event": 0.80}
SHORT_TYPES = {
    "Battles": "Battles",
    "Protests": "Protests",
    "Riots": "Riots",
    "Explosions/Remote violence": "Explosions",
    "Violence against civilians": "Civilians",
    "Strategic developments": "Strategic",
    "Not an event": "Not an event",
}


def _accuracy_by(counts: Counter) -> dict[str, tuple[int, int]]:
    """label -> (right, n) from a (label, right?) counter."""
    out: dict[str, tuple[int, int]] = {}
    for (label, right), n in counts.items():
        hits, total = out.get(label, (0, 0))
        out[label] = (hits + (n if right else 0), total + n)
    return out


def _side_by_side(
    title: str, label_head: str, rules: Counter, learned: Counter
) -> list[str]:
    """A table of accuracy per gold label, the rules alone beside the model."""
    by_rules, by_learned = _accuracy_by(rules), _accuracy_by(learned)
    lines = [
        title,
        "",
        f"| {label_head} | n | rules only | with the model |",
        "|---|---|---|---|",
    ]
    for label in sorted(by_learned):
        (r_hits, n), (l_hits, _) = by_rules[label], by_learned[label]
        lines.append(f"| {label} | {n} | {r_hits / n:.0%} | {l_hits / n:.0%} |")
    return lines


def snippets_section(
    rules: SnippetResult, learned: SnippetResult, batch: tuple[int, float] | None
) -> list[str]:
    """The untouched test set: rules alone beside rules with the learned model."""

    def row(name: str, key: str, pick) -> str:
        target = SNIPPET_TARGETS.get(key)
        goal = "–" if target is None else f"≥ {target:.0%}"
        cells = [pick(r) for r in (rules, learned)]
        shown = [f"{_pct(v)} (n={n})" for v, n in cells]
        verdict = _verdict(cells[1][0], target)
        return f"| {name} | {goal} | {' | '.join(shown)} | {verdict} |"

    lines = [
        "## Untouched test set: news snippets nobody tuned on",
        "",
        f"{learned.n} short wire-style snippets in"
        " `bench/extraction_eval/untouched/snippets.jsonl`, written before the model"
        " was trained by a helper that saw neither the extractor, its rules nor the"
        " training sentences (its README says how; labels per the ACLED codebook)."
        " Nothing is tuned on them. Each is extracted as an article published on"
        f" {SNIPPETS_PUBLISHED}; the answer is the most confident proposal with an"
        " ACLED pair, and no such proposal answers *Not an event*.",
        "",
        "| figure | target | rules only | rules + learned model | vs target |",
        "|---|---|---|---|---|",
        row("ACLED event type", "type", lambda r: (r.type_accuracy, r.n)),
        row(
            "sub-event type (gold events)",
            "sub",
            lambda r: (r.sub_accuracy, r.events),
        ),
        row(
            "*Not an event* precision",
            "not_event",
            lambda r: (r.not_event_precision, r.said_not_event),
        ),
        row(
            "*Not an event* recall",
            "none",
            lambda r: (r.not_event_recall, r.gold_not_event),
        ),
        "",
    ]
    if batch is not None:
        answered, seconds = batch
        lines += [
            f"`tracker extract --jsonl` over {answered} snippets (the set repeated),"
            f" timed from outside with start-up: **{seconds:.1f} s** (target < 60 s).",
            "",
        ]
    lines += _side_by_side(
        "Per event type (accuracy, rules only → with the model):",
        "gold type",
        rules.per_type,
        learned.per_type,
    )
    lines += [""] + _side_by_side(
        "Per sub-event type (right type and sub-type):",
        "gold sub-event type",
        rules.per_sub,
        learned.per_sub,
    )
    types = list(SHORT_TYPES)
    lines += [
        "",
        "Confusion with the model (rows: gold, columns: predicted):",
        "",
        "| gold \\ predicted | " + " | ".join(SHORT_TYPES[t] for t in types) + " |",
        "|---" * (len(types) + 1) + "|",
    ]
    for gold in types:
        cells = [str(learned.confusion.get((gold, p), 0)) for p in types]
        lines.append(f"| {SHORT_TYPES[gold]} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Reliability of the chosen proposal's confidence (with the model; snippets"
        " answered with an ACLED event type):",
        "",
        "| confidence | n | type right |",
        "|---|---|---|",
    ]
    counted = _accuracy_by(learned.bins)
    for label in sorted(counted):
        hits, n = counted[label]
        lines.append(f"| {label} | {n} | {hits / n:.0%} |")
    lines += ["", *_crashes(rules.crashes + learned.crashes)]
    return lines
