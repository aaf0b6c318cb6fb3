"""Training the learned ACLED typing from the project's example sentences.

`make extraction-model` runs `python -m tracker.extraction.acled_training`: it reads
`tracker/data/extraction/training/acled_sentences*.jsonl`, picks the regularisation and
the embedding's weight by five-fold cross-validation on those sentences only, fits the
model on all of them, fits the confidence calibration on the out-of-fold predictions,
and writes `acled_model.npz` and `MODEL_CARD.md`. Every step is seeded: the same file
gives the same model. No test text is read here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.extraction.acled_model import (
    NOT_AN_EVENT,
    AcledModel,
    embed,
    label_of,
    model_path,
    word_vectorizer,
)
from tracker.vocab import taxonomy

if TYPE_CHECKING:
    import numpy as np

NOT_EVENT_KINDS = (
    "natural disaster",
    "accident or man-made disaster",
    "ordinary crime",
    "sports",
    "election coverage",
    "economy or other news",
    "health",
)
REGULARISATION = (4.0, 16.0, 64.0, 256.0)
EMBEDDING_WEIGHTS = (0.0, 0.5, 1.0, 1.5)
FOLDS = 5
SEED = 0
# The training sentences carry no date; the rules need a publication date.
RULES_PUBLISHED = dt.date(2026, 1, 15)


@dataclass(frozen=True)
class Example:
    """One training sentence and its label."""

    text: str
    event_type: str
    sub_event_type: str

    @property
    def label(self) -> str:
        return label_of(self.event_type, self.sub_event_type)


def training_files() -> list[Path]:
    """The training sentences: every `acled_sentences*.jsonl`, in name order (one
    file per author)."""
    folder = Path(str(files("tracker").joinpath("data", "extraction", "training")))
    return sorted(folder.glob("acled_sentences*.jsonl"))


def read_all_examples(paths: Sequence[Path]) -> list[Example]:
    return [example for path in paths for example in read_examples(path)]


def read_examples(path: Path) -> list[Example]:
    """The labelled sentences of a JSON-lines file; a bad line names itself."""
    pairs = taxonomy.acled_event_types()
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        event_type, sub = record["event_type"], record["sub_event_type"]
        known = NOT_EVENT_KINDS if event_type == NOT_AN_EVENT else pairs.get(event_type)
        if not known or sub not in known:
            raise ValueError(f"{path}:{number}: unknown label {event_type!r} / {sub!r}")
        examples.append(Example(record["text"].strip(), event_type, sub))
    return examples


def _fit(
    texts: Sequence[str],
    embeddings: np.ndarray,
    labels: Sequence[str],
    regularisation: float,
    embedding_weight: float,
) -> tuple[Any, Any]:
    """The vectorizer and the regression fitted on these texts."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    vectorizer = word_vectorizer(min_df=2).fit(texts)
    features = hstack(
        [csr_matrix(embeddings * embedding_weight), vectorizer.transform(texts)],
        format="csr",
    )
    regression = LogisticRegression(
        C=regularisation, max_iter=3000, class_weight="balanced", random_state=SEED
    ).fit(features, labels)
    return vectorizer, regression


def _model(
    vectorizer: Any,
    regression: Any,
    embedding_weight: float,
    calibration: tuple[np.ndarray, np.ndarray],
    meta: dict[str, Any],
) -> AcledModel:
    return AcledModel(
        labels=tuple(str(c) for c in regression.classes_),
        vectorizer=vectorizer,
        embedding_weight=embedding_weight,
        coef=regression.coef_,
        intercept=regression.intercept_,
        calibration_x=calibration[0],
        calibration_y=calibration[1],
        meta=meta,
    )


def _type_of(label: str) -> str:
    return label.split("|", 1)[0]


def out_of_fold(
    examples: Sequence[Example],
    embeddings: np.ndarray,
    regularisation: float,
    embedding_weight: float,
) -> tuple[list[str], list[str], list[float]]:
    """Cross-validated guesses: predicted type and label, and the type's probability,
    for every example, each from a model that never saw it."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    labels = [e.label for e in examples]
    texts = [e.text for e in examples]
    predicted_type = [""] * len(examples)
    predicted_label = [""] * len(examples)
    probability = [0.0] * len(examples)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, held in folds.split(texts, labels):
        vectorizer, regression = _fit(
            [texts[i] for i in train],
            embeddings[train],
            [labels[i] for i in train],
            regularisation,
            embedding_weight,
        )
        model = _model(
            vectorizer,
            regression,
            embedding_weight,
            (np.array([0.0, 1.0]), np.array([0.0, 1.0])),
            {},
        )
        model_rows = model.probabilities([texts[i] for i in held])
        for i, row in zip(held, model_rows, strict=True):
            by_type: Counter[str] = Counter()
            for label, p in zip(model.labels, row, strict=True):
                by_type[_type_of(label)] += float(p)
            best = max(by_type, key=lambda t: (by_type[t], t))
            sub = max(
                (j for j, label in enumerate(model.labels) if _type_of(label) == best),
                key=lambda j: row[j],
            )
            predicted_type[i], predicted_label[i] = best, model.labels[sub]
            probability[i] = by_type[best]
    return predicted_type, predicted_label, probability


def build_model(examples: Sequence[Example]) -> tuple[AcledModel, dict[str, Any]]:
    """The model chosen and fitted on `examples`, and the cross-validated figures."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    texts = [e.text for e in examples]
    embeddings = embed(texts)
    trials = []
    for regularisation in REGULARISATION:
        for weight in EMBEDDING_WEIGHTS:
            types, labels, probability = out_of_fold(
                examples, embeddings, regularisation, weight
            )
            type_right = np.mean(
                [t == e.event_type for t, e in zip(types, examples, strict=True)]
            )
            label_right = np.mean(
                [la == e.label for la, e in zip(labels, examples, strict=True)]
            )
            trials.append(
                (float(type_right), float(label_right), regularisation, weight)
            )
            trials[-1] += (types, labels, probability)
    best = max(trials, key=lambda t: (t[0] + t[1], -t[2], -t[3]))
    type_right, label_right, regularisation, weight, types, labels, probability = best
    correct = [t == e.event_type for t, e in zip(types, examples, strict=True)]
    calibration = IsotonicRegression(
        y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True
    ).fit(probability, correct)
    vectorizer, regression = _fit(
        texts, embeddings, [e.label for e in examples], regularisation, weight
    )
    figures = {
        "examples": len(examples),
        "regularisation": regularisation,
        "cv_type_accuracy": round(type_right, 4),
        "cv_sub_type_accuracy": round(label_right, 4),
        "trials": [
            {
                "C": t[2],
                "embedding_weight": t[3],
                "type": round(t[0], 4),
                "sub_type": round(t[1], 4),
            }
            for t in trials
        ],
        "reliability": reliability(probability, correct, calibration.predict),
    }
    model = _model(
        vectorizer,
        regression,
        weight,
        (calibration.X_thresholds_, calibration.y_thresholds_),
        {
            "regularisation": regularisation,
            "rule_precision": rule_precision(examples),
        },
    )
    return model, figures


def reliability(
    confidence: Sequence[float], correct: Sequence[bool], mapped: Any = None
) -> list[dict[str, Any]]:
    """Confidence bins of 0.1 and how often the guesses in each were right."""
    rows = []
    values = list(mapped(confidence)) if mapped is not None else list(confidence)
    for low in [i / 10 for i in range(10)]:
        inside = [
            ok
            for value, ok in zip(values, correct, strict=True)
            if low <= value < low + 0.1 or (low == 0.9 and value == 1.0)
        ]
        rows.append(
            {
                "bin": f"{low:.1f}-{low + 0.1:.1f}",
                "n": len(inside),
                "accuracy": round(sum(inside) / len(inside), 3) if inside else None,
            }
        )
    return rows


def rule_precision(examples: Sequence[Example]) -> dict[str, list[int]]:
    """For each cue rule (and crosswalk of a type and mode): how often the pair it
    gave the rules' chosen proposal of a training sentence had the right event type,
    the right pair, and how often it spoke. The rules were tuned on other text, so
    these sentences are fresh to them."""
    from tracker.extraction.acled_coding import acled_reading
    from tracker.extraction.pipeline import extract_events

    counts: dict[str, list[int]] = {}
    for example in examples:
        proposals = extract_events(
            example.text, published=RULES_PUBLISHED, learned=False
        )
        coded = [p for p in proposals if p.acled_event_type]
        if not coded:
            continue
        top = max(coded, key=lambda p: p.confidence)
        quote = " ".join(e.quote for e in top.evidence)
        pair, source = acled_reading(quote, top.event_type, top.mode, top.actors)
        if pair is None or source is None:
            continue
        row = counts.setdefault(source, [0, 0, 0])
        row[0] += pair[0] == example.event_type
        row[1] += pair == (example.event_type, example.sub_event_type)
        row[2] += 1
    return dict(sorted(counts.items()))


def files_digest(paths: Sequence[Path]) -> str:
    """SHA-256 of the training files' bytes, one after another in name order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_card(
    examples: Sequence[Example],
    figures: dict[str, Any],
    digest: str,
    rules: dict[str, list[int]],
) -> str:
    """MODEL_CARD.md: what the model was trained on, its licence and its figures."""
    counts = Counter((e.event_type, e.sub_event_type) for e in examples)
    lines = [
        "# Model card: the learned ACLED typing of extraction",
        "",
        "Generated by `make extraction-model`; do not edit by hand.",
        "",
        "- **What it does**: reads one sentence (or the sentences one proposal rests"
        " on) and gives an ACLED event type and sub-event type, or *Not an event*"
        " with the kind of news (disaster, crime, sports, ...), with a calibrated"
        " confidence. The rule layer of `tracker.extraction` still finds the events,"
        " their PLOVER type, actors, dates, places and figures.",
        "- **Model**: multinomial logistic regression (scikit-learn, lbfgs,"
        " balanced class weights) over WordLlama's 256-dimensional static sentence"
        " embedding (`l2_supercat_256`, read from the files inside the wordllama"
        " wheel; nothing is downloaded) beside TF-IDF of words and word pairs"
        " (min_df 2). Event type probability = the sum over its sub-types;"
        " confidence = that probability through an isotonic calibration fitted on"
        " out-of-fold predictions.",
        f"- **Settings chosen by {FOLDS}-fold cross-validation on the training"
        f" sentences only**: C = {figures['regularisation']},"
        f" embedding weight = {figures['embedding_weight']}.",
        "- **Training data**: `tracker/data/extraction/training/acled_sentences*.jsonl`"
        f", {len(examples)} sentences written for the project on 2026-12-07 (see the"
        f" folder's README), SHA-256 of the files in name order `{digest}`. No ACLED,"
        " UCDP, GDELT or CASE 2021 text.",
        "- **Licence**: the model and its training data are the project's (MIT)."
        " The embedding is WordLlama's (MIT licence, distilled from the token"
        " embeddings of several open LLMs); it is not copied into the repository.",
        "- **Where it is weak**: the sentences were written for the purpose, by two"
        " authors; the cross-validated figures below are on that same kind of text"
        " and are optimistic. The figures on text it never saw are in"
        " bench/EXTRACTION.md (`make eval-extraction`).",
        "",
        "## Cross-validated figures (training sentences)",
        "",
        f"- event type accuracy: {figures['cv_type_accuracy']:.1%}",
        f"- sub-event type accuracy: {figures['cv_sub_type_accuracy']:.1%}",
        "",
        "| C | embedding weight | type | sub-type |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {t['C']} | {t['embedding_weight']} | {t['type']:.1%}"
        f" | {t['sub_type']:.1%} |"
        for t in figures["trials"]
    ]
    lines += [
        "",
        "Reliability of the calibrated confidence, out of fold:",
        "",
        "| confidence | n | accuracy |",
        "|---|---|---|",
    ]
    lines += [
        f"| {r['bin']} | {r['n']} | "
        + (f"{r['accuracy']:.1%}" if r["accuracy"] is not None else "–")
        + " |"
        for r in figures["reliability"]
    ]
    lines += [
        "",
        "## How far each rule is trusted",
        "",
        "Where a cue rule of `acled_cues.toml` (or the PLOVER crosswalk) gives a"
        " proposal an ACLED pair, the pair is kept when the rule's score, (right + 1)"
        " / (times + 2) of its event types on the training sentences, is at least the"
        " model's calibrated confidence; otherwise the model's pair wins.",
        "",
        "| rule | spoke | type right | pair right | score |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {times} | {right} | {pair} | {(right + 1) / (times + 2):.2f} |"
        for name, (right, pair, times) in rules.items()
    ]
    lines += ["", "## Training sentences per label", "", "| type | sub-type | n |"]
    lines += ["|---|---|---|"]
    lines += [f"| {t} | {s} | {n} |" for (t, s), n in sorted(counts.items())]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--training", type=Path, nargs="+", default=None, help="JSON-lines files"
    )
    parser.add_argument("--output", type=Path, default=model_path())
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    paths = args.training or training_files()
    examples = read_all_examples(paths)
    model, figures = build_model(examples)
    figures["embedding_weight"] = model.embedding_weight
    digest = files_digest(paths)
    model = AcledModel(**{**model.__dict__, "meta": {**model.meta, "training": digest}})
    model.save(args.output)
    card = args.output.with_name("MODEL_CARD.md")
    card.write_text(
        model_card(examples, figures, digest, model.meta["rule_precision"]),
        encoding="utf-8",
    )
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    sys.stdout.write(
        f"{len(examples)} sentences; C={figures['regularisation']},"
        f" embedding weight={model.embedding_weight}; cross-validated type"
        f" {figures['cv_type_accuracy']:.1%}, sub-type"
        f" {figures['cv_sub_type_accuracy']:.1%}; wrote {args.output} and {card}"
        f" in {seconds:.0f} s\n"
    )


if __name__ == "__main__":
    main()
