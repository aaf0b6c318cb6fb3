"""The learned ACLED typing (issue #16): offline, reproducible, what it was trained on.

The model's figures on text it never saw are in bench/EXTRACTION.md (`make
eval-extraction`); these tests pin how it is built and shipped, and a few answers no
analyst would dispute."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

from tracker.extraction import acled_model
from tracker.extraction.acled_model import NOT_AN_EVENT, load_model
from tracker.extraction.acled_training import (
    build_model,
    files_digest,
    read_all_examples,
    read_examples,
    training_files,
)
from tracker.vocab import taxonomy

PLACES = ["Kano", "Gao", "Aleppo", "Kharkiv", "Mosul", "Goma", "Cali", "Peshawar"]


def small_training_file(tmp_path: Path) -> Path:
    rows = []
    for i, place in enumerate(PLACES):
        rows += [
            (
                f"Troops and rebels clashed near {place}, leaving {i + 3} dead.",
                "Battles",
                "Armed clash",
            ),
            (
                f"Hundreds of students marched peacefully through {place} on Monday.",
                "Protests",
                "Peaceful protest",
            ),
            (
                f"Floods swept through villages near {place}, killing {i + 10}.",
                NOT_AN_EVENT,
                "natural disaster",
            ),
        ]
    path = tmp_path / "training.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": t, "event_type": e, "sub_event_type": s})
            for t, e, s in rows
        ),
        encoding="utf-8",
    )
    return path


def test_the_committed_model_was_trained_on_the_committed_sentences():
    model = acled_model.acled_model()
    assert model is not None, "tracker/data/extraction/acled_model.npz is missing"
    assert model.meta["training"] == files_digest(training_files()), (
        "the training sentences changed: run `make extraction-model`"
    )


def test_every_training_label_is_an_acled_pair_or_a_kind_of_non_event():
    examples = read_all_examples(training_files())
    pairs = taxonomy.acled_event_types()
    labels = {(e.event_type, e.sub_event_type) for e in examples}
    every_pair = {(t, s) for t, subs in pairs.items() for s in subs}
    assert every_pair <= labels, "each of ACLED's 25 sub-event types is trained"
    assert any(t == NOT_AN_EVENT for t, _ in labels)


def test_a_bad_training_line_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"text": "x", "event_type": "Battles", "sub_event_type": "Attack"})
        + "\n"
        + json.dumps({"text": "y", "event_type": "Battles", "sub_event_type": "Riot"}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"bad.jsonl:1: unknown label"):
        read_examples(path)


def test_training_is_reproducible_and_the_saved_model_answers_the_same(tmp_path):
    examples = read_examples(small_training_file(tmp_path))
    first, figures = build_model(examples)
    second, _ = build_model(examples)
    assert np.array_equal(first.coef, second.coef)
    assert figures["cv_type_accuracy"] == 1.0
    first.save(tmp_path / "model.npz")
    loaded = load_model(tmp_path / "model.npz")
    texts = ["Rebels and soldiers clashed near Gao.", "Floods hit Kano again."]
    assert np.allclose(first.probabilities(texts), loaded.probabilities(texts))
    assert [g.event_type for g in loaded.guess(texts)] == ["Battles", NOT_AN_EVENT]


def test_the_model_loads_and_answers_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    acled_model.sentence_embedder.cache_clear()
    acled_model.acled_model.cache_clear()
    try:
        guesses = acled_model.guess_acled(
            [
                "An earthquake of magnitude 7.1 killed at least 40 people in the"
                " mountain villages, the disaster agency said.",
                "Police fired tear gas and rubber bullets to disperse hundreds of"
                " protesters demanding the release of the opposition leader.",
            ]
        )
    finally:
        acled_model.sentence_embedder.cache_clear()
        acled_model.acled_model.cache_clear()
    assert guesses is not None
    assert guesses[0].event_type == NOT_AN_EVENT
    assert guesses[1].event_type == "Protests"
    assert all(0 <= g.confidence <= 1 for g in guesses)
