"""The extraction evaluation harness (bench/extraction_eval) keeps working.

Fake extractors check the plumbing: matching, scoring and the report. The figures
they give mean nothing, so only their sanity is asserted; the real figures are in
bench/EXTRACTION.md."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bench.extraction_eval import cli, gold, report, scoring
from tests.conftest import REPO_ROOT, require_shared
from tracker.extraction.acled_coding import code_acled
from tracker.extraction.proposals import ProposedActor, ProposedEvent, ProposedPlace

SEED_EVENTS = REPO_ROOT / "seed_data" / "events.jsonl"


def _proposal(text: str, event_type: str, **fields) -> ProposedEvent:
    defaults = {
        "title": text[:60] or "nothing",
        "event_type": event_type,
        "date_start": dt.date(2025, 5, 1),
        "quote": text,
        "start": 0,
        "end": len(text),
        "confidence": 0.5,
    }
    return ProposedEvent(**(defaults | fields))


def seed_replayer(text: str, published: dt.date) -> list[ProposedEvent]:
    """Proposes exactly the seed events: a perfect extractor for the seed article."""
    proposals = []
    for line in SEED_EVENTS.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        proposals.append(
            _proposal(
                event["sources"][0]["quote"],
                event["event_type"],
                date_start=dt.date.fromisoformat(event["date_start"]),
                date_end=dt.date.fromisoformat(event["date_end"]),
                date_precision=event["date_precision"],
            )
        )
    return proposals


def cue_only(text: str, published: dt.date) -> list[ProposedEvent]:
    """One ASSAULT per text, coded for ACLED by the cue rules alone."""
    pair = code_acled(text, "ASSAULT", None, []) or (None, None)
    place = ProposedPlace(
        name="Kyiv", admin1="Kyiv City", latitude=50.45, longitude=30.52
    )
    actor = ProposedActor(name="Israel", role="initiator", country="ISR")
    return [
        _proposal(
            text,
            "ASSAULT",
            date_start=published,
            acled_event_type=pair[0],
            acled_sub_event_type=pair[1],
            actors=[actor],
            location=place,
            fatalities=1,
        )
    ]


def test_in_tune_half_is_a_fixed_hash_split() -> None:
    ids = [f"UKR{n}" for n in range(200)]
    tune = [i for i in ids if gold.in_tune_half(i)]
    assert 60 < len(tune) < 140
    assert tune == [i for i in ids if gold.in_tune_half(i)]


def test_cameo_country_reads_the_first_three_letters() -> None:
    assert gold.cameo_country("USAGOV") == "USA"
    assert gold.cameo_country("SYRMIL") == "SYR"
    assert gold.cameo_country("IGOUNO") is None


def test_distance_km_kyiv_to_kharkiv_is_about_410_km() -> None:
    assert 400 < scoring.distance_km(50.45, 30.52, 49.99, 36.23) < 420


def test_evaluate_seed_perfect_extractor_matches_every_event() -> None:
    shared = require_shared()
    text, events = gold.read_seed(shared, REPO_ROOT / "seed_data")
    result = scoring.evaluate_seed(text, events, gold.SEED_PUBLISHED, seed_replayer)
    assert len(result.rows) == len(events) > 0
    assert result.type_share == 1.0
    assert result.date_share == 1.0


def test_evaluate_seed_empty_extractor_misses_every_event() -> None:
    shared = require_shared()
    text, events = gold.read_seed(shared, REPO_ROOT / "seed_data")
    result = scoring.evaluate_seed(text, events, gold.SEED_PUBLISHED, lambda t, p: [])
    assert result.type_share == 0.0
    assert all(row.matched is None for row in result.rows)


def test_evaluate_plover_five_records_gives_sane_figures() -> None:
    shared = require_shared()
    records, skipped = gold.read_plover_gold(shared / gold.PLOVER_FILE)
    assert "PLOVER-GSR01-DOCUMENT-0001" in skipped
    result = scoring.evaluate_plover(records[:5], gold.PLOVER_PUBLISHED, cue_only)
    assert result.n == 5
    assert 0 <= result.type_accuracy <= 1
    assert result.actor_f1 is None or 0 <= result.actor_f1 <= 1


def test_evaluate_acled_slice_gives_sane_figures() -> None:
    shared = require_shared()
    notes = gold.read_acled_gold((shared / gold.ACLED_DIR).glob("*.csv"))
    assert len(notes) > 1000
    result = scoring.evaluate_acled(notes[:40], cue_only)
    assert result.n == 40
    for figure in ("type", "sub", "fatalities", "fatalities_sum"):
        assert 0 <= result.figure(figure) <= 1


def test_main_writes_report_with_command_and_both_halves(tmp_path: Path) -> None:
    shared = require_shared()
    output = tmp_path / "EXTRACTION.md"
    argv = ["--shared", str(shared), "--output", str(output), "--only", "seed"]
    argv += ["--only", "plover"]
    assert cli.main(argv, extract=cue_only) == 0
    written = output.read_text(encoding="utf-8")
    assert "bench/eval_extraction.py --shared" in written
    assert "tune half" in written and "held-out half" in written
    assert "## PLOVER gold records" in written


def test_render_without_gold_sets_still_names_the_command() -> None:
    info = report.RunInfo("make eval-extraction", "2025-01-01", "test", "abc", 1.0)
    text = report.render(info, None, None, None)
    assert text.startswith("# Extraction quality") and "make eval-extraction" in text


def test_real_pipeline_on_seed_and_five_plover_records_gives_sane_figures() -> None:
    shared = require_shared()
    text, events = gold.read_seed(shared, REPO_ROOT / "seed_data")
    seed = scoring.evaluate_seed(text, events, gold.SEED_PUBLISHED)
    assert seed.proposals > 0 and 0 <= seed.type_share <= 1
    records, _ = gold.read_plover_gold(shared / gold.PLOVER_FILE)
    plover = scoring.evaluate_plover(records[:5], gold.PLOVER_PUBLISHED)
    assert plover.n == 5 and 0 <= plover.type_accuracy <= 1
