"""`python bench/eval_extraction.py`: run every gold set and write EXTRACTION.md."""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

from .gold import (
    ACLED_DIR,
    PLOVER_FILE,
    PLOVER_PUBLISHED,
    SEED_PUBLISHED,
    in_tune_half,
    read_acled_gold,
    read_plover_gold,
    read_seed,
    subsample,
)
from .report import RunInfo, render
from .scoring import (
    Extract,
    evaluate_acled,
    evaluate_plover,
    evaluate_seed,
    pipeline_extract,
    rules_extract,
)
from .snippets import SNIPPETS_FILE, evaluate_snippets, read_snippets, time_batch

REPO = Path(__file__).resolve().parents[2]


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "tracker", "bench"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{out} (with uncommitted changes)" if dirty else out


def _machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, {platform.node() or 'unknown host'}"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--seed-dir", type=Path, default=REPO / "seed_data")
    parser.add_argument("--output", type=Path, default=REPO / "bench/EXTRACTION.md")
    parser.add_argument(
        "--acled-tune-limit",
        type=int,
        default=None,
        help="evaluate at most this many tune-half ACLED notes (a fixed subsample)",
    )
    parser.add_argument(
        "--snippets",
        type=Path,
        default=SNIPPETS_FILE,
        help="the untouched test set (JSON lines)",
    )
    parser.add_argument(
        "--no-batch-timing",
        action="store_true",
        help="skip timing `tracker extract --jsonl` over 1,000 snippets",
    )
    parser.add_argument(
        "--only",
        choices=("snippets", "seed", "plover", "acled"),
        action="append",
        help="run only these gold sets (repeatable); default: all",
    )
    return parser


def run(args: argparse.Namespace, extract: Extract) -> tuple:
    """Evaluate the chosen gold sets; returns (seed, plover, acled, snippets) results
    or None."""
    only = set(args.only or ("snippets", "seed", "plover", "acled"))
    seed = plover = acled = snippets = None
    if "snippets" in only:
        texts = read_snippets(args.snippets)
        batch = None if args.no_batch_timing else time_batch(texts, REPO)
        snippets = (
            evaluate_snippets(texts, rules_extract),
            evaluate_snippets(texts, extract),
            batch,
        )
    if "seed" in only:
        text, events = read_seed(args.shared, args.seed_dir)
        seed = evaluate_seed(text, events, SEED_PUBLISHED, extract)
    if "plover" in only:
        records, skipped = read_plover_gold(args.shared / PLOVER_FILE)
        tune = [r for r in records if in_tune_half(r.record_id)]
        held = [r for r in records if not in_tune_half(r.record_id)]
        plover = (
            evaluate_plover(tune, PLOVER_PUBLISHED, extract),
            evaluate_plover(held, PLOVER_PUBLISHED, extract),
            len(skipped),
        )
    if "acled" in only:
        notes = read_acled_gold((args.shared / ACLED_DIR).glob("*.csv"))
        tune_all = [r for r in notes if in_tune_half(r.record_id)]
        held = [r for r in notes if not in_tune_half(r.record_id)]
        tune = subsample(tune_all, args.acled_tune_limit)
        sampled = None
        if len(tune) < len(tune_all):
            sampled = (
                f"The tune half is subsampled for time: {len(tune)} of "
                f"{len(tune_all)} notes (lowest id hash first); the held-out half "
                "is complete."
            )
        acled = (
            evaluate_acled(tune, extract, label="ACLED tune"),
            evaluate_acled(held, extract, label="ACLED held-out"),
            sampled,
            evaluate_acled(held, rules_extract, label="ACLED held-out, rules only"),
        )
    return seed, plover, acled, snippets


def main(argv: list[str] | None = None, extract: Extract | None = None) -> int:
    """Run the evaluation and write the report; 0 on success."""
    args = _parser().parse_args(argv)
    extract = extract or pipeline_extract
    started = time.monotonic()
    seed, plover, acled, snippets = run(args, extract)
    shown = ["bench/eval_extraction.py", *(argv if argv is not None else sys.argv[1:])]
    info = RunInfo(
        command=".venv/bin/python " + shlex.join(shown),
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=_machine(),
        commit=_commit(),
        seconds=time.monotonic() - started,
    )
    report = render(info, seed, plover, acled, snippets)
    args.output.write_text(report, encoding="utf-8")
    sys.stderr.write(f"wrote {args.output}\n")
    return 0
