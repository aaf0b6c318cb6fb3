"""The learned ACLED typing of a sentence: event type, sub-event type, or not an event.

The rules of `acled_coding` read weapons and targets from cue words tuned on a few
files; on news nobody tuned them for they pick the right ACLED type about three times
in five and cannot tell a flood that killed 40 from an attack. This model is trained on
the project's own example sentences (`tracker/data/extraction/training/`, built by
`make extraction-model`, described in `tracker/data/extraction/MODEL_CARD.md`):

- features: WordLlama's static sentence embedding (its weights ship inside the
  wordllama wheel, so nothing is downloaded) beside TF-IDF of the sentence's words and
  word pairs;
- a multinomial logistic regression over the 25 ACLED sub-event types and seven kinds
  of news that are not conflict events (disasters, crime, sports, ...);
- an event type's probability is the sum over its sub-types; its confidence is that
  probability mapped through an isotonic calibration fitted on out-of-fold
  predictions, so 0.7 means "right about 70% of the time" on text like the training
  text.

The model file holds plain arrays (no pickle): loading it runs no code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy, scipy and scikit-learn load only when extraction runs
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

NOT_AN_EVENT = "Not an event"
MODEL_FILE = ("data", "extraction", "acled_model.npz")
# The calibrated confidence below which the Review page marks a proposal's ACLED
# type as uncertain: below it, the model is wrong more often than right.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class AcledGuess:
    """What the model reads in one text."""

    event_type: str  # an ACLED event type, or NOT_AN_EVENT
    sub_event_type: str  # an ACLED sub-event type, or the kind of non-event news
    confidence: float  # calibrated: how often a guess this sure is right
    probability: float  # the raw probability of `event_type`
    not_event: float  # the raw probability that the text reports no conflict event

    @property
    def is_event(self) -> bool:
        return self.event_type != NOT_AN_EVENT


def label_of(event_type: str, sub_event_type: str) -> str:
    """The class name the model is trained on: type and sub-type together."""
    return f"{event_type}|{sub_event_type}"


@cache
def sentence_embedder() -> Any:
    """WordLlama's 256-dimensional embedding, read from the files in its wheel.

    `WordLlama.load()` looks for the tokenizer in a folder the wheel does not have
    and then tries the network; the files are read from where the wheel puts them."""
    import wordllama
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama

    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(
        root / "tokenizers" / "l2_supercat_tokenizer_config.json"
    )
    with safe_open(
        str(root / "weights" / "l2_supercat_256.safetensors"), framework="np"
    ) as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text."""
    import numpy as np

    vectors = np.asarray(sentence_embedder().embed(list(texts)), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def word_vectorizer(**overrides: Any) -> TfidfVectorizer:
    """The TF-IDF settings training and prediction share."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    settings: dict[str, Any] = {
        "ngram_range": (1, 2),
        "sublinear_tf": True,
        "lowercase": True,
        "strip_accents": "unicode",
        "token_pattern": r"(?u)\b[a-zA-Z][a-zA-Z-]+\b",
    }
    settings.update(overrides)
    return TfidfVectorizer(**settings)


def feature_matrix(
    texts: Sequence[str], vectorizer: TfidfVectorizer, embedding_weight: float
) -> csr_matrix:
    """The features of `texts`: the weighted embedding beside the word TF-IDF."""
    from scipy.sparse import csr_matrix, hstack

    words = vectorizer.transform(list(texts))
    dense = csr_matrix(embed(texts) * embedding_weight)
    return hstack([dense, words], format="csr")


@dataclass(frozen=True)
class AcledModel:
    """A trained model: the vectorizer, the regression's weights and the calibration."""

    labels: tuple[str, ...]
    vectorizer: TfidfVectorizer
    embedding_weight: float
    coef: np.ndarray  # (labels, features)
    intercept: np.ndarray  # (labels,)
    calibration_x: np.ndarray  # raw type probability -> observed accuracy
    calibration_y: np.ndarray
    meta: dict[str, Any]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's probability of every label (rows sum to one)."""
        import numpy as np

        scores = feature_matrix(texts, self.vectorizer, self.embedding_weight)
        logits = np.asarray(scores @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def rule_precision(self, source: str | None) -> float:
        """How often the rules' event type from `source` (a cue rule, or the
        crosswalk of a type and mode) was right on the training sentences, smoothed
        towards one half: (right + 1) / (times + 2); unseen sources score 0.5."""
        if source is None:
            return 0.0
        right, _, times = self.meta.get("rule_precision", {}).get(source, (0, 0, 0))
        return (right + 1) / (times + 2)

    def calibrated(self, probability: float) -> float:
        import numpy as np

        return float(np.interp(probability, self.calibration_x, self.calibration_y))

    def guess(self, texts: Sequence[str]) -> list[AcledGuess]:
        """The most probable event type of each text and its likeliest sub-type."""
        if not texts:
            return []
        rows = self.probabilities(texts)
        types = [label.split("|", 1) for label in self.labels]
        guesses = []
        for row in rows:
            by_type: dict[str, float] = {}
            for (event_type, _), p in zip(types, row, strict=True):
                by_type[event_type] = by_type.get(event_type, 0.0) + float(p)
            best = max(by_type, key=lambda t: (by_type[t], t))
            sub = max(
                (i for i, (t, _) in enumerate(types) if t == best),
                key=lambda i: row[i],
            )
            guesses.append(
                AcledGuess(
                    event_type=best,
                    sub_event_type=types[sub][1],
                    confidence=round(self.calibrated(by_type[best]), 4),
                    probability=round(by_type[best], 4),
                    not_event=round(by_type.get(NOT_AN_EVENT, 0.0), 4),
                )
            )
        return guesses

    def save(self, path: Path) -> None:
        """Plain arrays and a JSON header: no pickle, nothing runs when loaded."""
        import numpy as np

        terms = [str(t) for t in self.vectorizer.get_feature_names_out()]
        np.savez_compressed(
            path,
            labels=np.array(self.labels, dtype=str),
            terms=np.array(terms, dtype=str),
            idf=self.vectorizer.idf_.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            calibration_x=self.calibration_x.astype(np.float32),
            calibration_y=self.calibration_y.astype(np.float32),
            meta=np.array(
                json.dumps(
                    {**self.meta, "embedding_weight": self.embedding_weight},
                    sort_keys=True,
                )
            ),
        )


def load_model(path: Path) -> AcledModel:
    """A model written by `AcledModel.save`."""
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        terms = [str(t) for t in data["terms"]]
        vectorizer = word_vectorizer(vocabulary={t: i for i, t in enumerate(terms)})
        vectorizer.idf_ = data["idf"].astype(np.float64)
        return AcledModel(
            labels=tuple(str(label) for label in data["labels"]),
            vectorizer=vectorizer,
            embedding_weight=float(meta["embedding_weight"]),
            coef=data["coef"].astype(np.float64),
            intercept=data["intercept"].astype(np.float64),
            calibration_x=data["calibration_x"].astype(np.float64),
            calibration_y=data["calibration_y"].astype(np.float64),
            meta=meta,
        )


def model_path() -> Path:
    return Path(str(files("tracker").joinpath(*MODEL_FILE)))


@cache
def acled_model() -> AcledModel | None:
    """The committed model, loaded once; None when the file is absent (the rules then
    type every proposal alone)."""
    path = model_path()
    return load_model(path) if path.is_file() else None


def guess_acled(texts: Sequence[str]) -> list[AcledGuess] | None:
    """The model's reading of each text, or None when no model is installed."""
    model = acled_model()
    return None if model is None else model.guess(texts)
