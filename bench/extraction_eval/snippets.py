"""The untouched test set: short news snippets with their ACLED type, or "Not an event".

`untouched/snippets.jsonl` was written before the learned model was trained, by a
helper that never saw the extractor, its rules or the training sentences (its README
says how). Nothing is tuned on it: it is read here and only here. A snippet's answer
is the proposal `acled_choice` picks (the most confident one with an ACLED pair);
no such proposal means the extractor says "Not an event"."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .scoring import Extract, acled_choice, extract_safely, share

SNIPPETS_FILE = Path(__file__).resolve().parent / "untouched" / "snippets.jsonl"
NOT_AN_EVENT = "Not an event"
# The snippets carry no date; extraction needs a publication date to read "Tuesday".
SNIPPETS_PUBLISHED = dt.date(2026, 3, 18)
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Snippet:
    snippet_id: str
    text: str
    event_type: str
    sub_event_type: str


def read_snippets(path: Path = SNIPPETS_FILE) -> list[Snippet]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return [
        Snippet(r["id"], r["text"], r["event_type"], r["sub_event_type"]) for r in rows
    ]


@dataclass
class SnippetResult:
    """Type and sub-type agreement, "not an event" precision and the reliability of
    the chosen proposal's confidence."""

    n: int = 0
    events: int = 0  # gold events
    type_correct: int = 0
    sub_correct: int = 0  # over gold events: the sub-event type of an event
    said_not_event: int = 0
    said_not_event_right: int = 0
    gold_not_event: int = 0
    per_type: Counter = field(default_factory=Counter)  # (type, right?) -> n
    per_sub: Counter = field(default_factory=Counter)  # (sub, right?) -> n
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> n
    bins: Counter = field(default_factory=Counter)  # (bin, right?) -> n
    crashes: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def type_accuracy(self) -> float | None:
        return share(self.type_correct, self.n)

    @property
    def sub_accuracy(self) -> float | None:
        return share(self.sub_correct, self.events)

    @property
    def not_event_precision(self) -> float | None:
        return share(self.said_not_event_right, self.said_not_event)

    @property
    def not_event_recall(self) -> float | None:
        return share(self.said_not_event_right, self.gold_not_event)


def _bin(confidence: float) -> str:
    low = min(int(confidence * 10), 9) / 10
    return f"{low:.1f}-{low + 0.1:.1f}"


def evaluate_snippets(snippets: Sequence[Snippet], extract: Extract) -> SnippetResult:
    result = SnippetResult()
    started = time.monotonic()
    for snippet in snippets:
        proposals = extract_safely(
            extract, snippet.text, SNIPPETS_PUBLISHED, result.crashes
        )
        top = acled_choice(proposals)
        coded = top is not None and top.acled_event_type is not None
        predicted = top.acled_event_type if coded else NOT_AN_EVENT
        gold_event = snippet.event_type != NOT_AN_EVENT
        right = predicted == snippet.event_type
        result.n += 1
        result.type_correct += right
        result.per_type[(snippet.event_type, right)] += 1
        result.confusion[(snippet.event_type, predicted)] += 1
        result.gold_not_event += not gold_event
        if predicted == NOT_AN_EVENT:
            result.said_not_event += 1
            result.said_not_event_right += not gold_event
        if gold_event:
            result.events += 1
            sub_right = (
                right
                and top is not None
                and (top.acled_sub_event_type == snippet.sub_event_type)
            )
            result.sub_correct += sub_right
            result.per_sub[(snippet.sub_event_type, sub_right)] += 1
        if coded and top is not None:
            result.bins[(_bin(top.confidence), right)] += 1
    result.seconds = time.monotonic() - started
    return result


def time_batch(snippets: Sequence[Snippet], repo: Path) -> tuple[int, float]:
    """`tracker extract --jsonl` over BATCH_SIZE snippets (the set repeated), timed
    from outside, start-up included: (lines answered, seconds)."""
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "batch.jsonl"
        with batch.open("w", encoding="utf-8") as out:
            for i in range(BATCH_SIZE):
                snippet = snippets[i % len(snippets)]
                row = {
                    "id": f"{snippet.snippet_id}-{i}",
                    "text": snippet.text,
                    "published": SNIPPETS_PUBLISHED.isoformat(),
                }
                out.write(json.dumps(row) + "\n")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "extract", "--jsonl", str(batch)],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.monotonic() - started
    return len(done.stdout.splitlines()), seconds
