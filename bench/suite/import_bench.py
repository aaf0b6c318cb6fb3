"""Benchmark 1: `tracker import` of N ACLED rows against the flat-table reference.

Both run as child processes into a new SQLite file each run. The last import is kept
as the dataset's database, which the other benchmarks read."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.suite.datasets import Dataset, keep_database
from bench.suite.measuring import Figure, Samples, peak_wrapped, run_child

TARGET_SHARE = 0.5  # at least half the reference's rows per second


def tracker_import_command(csv_path: Path, database: Path) -> list[str]:
    """`tracker import` as a user runs it, on a database `tracker init-db` made."""
    url = f"sqlite:///{database}"
    return [sys.executable, "-m", "tracker", "--database-url", url, "import"] + [
        str(csv_path)
    ]


def _init(database: Path) -> None:
    url = f"sqlite:///{database}"
    run_child([sys.executable, "-m", "tracker", "--database-url", url, "init-db"])


def run_import(files: Dataset, runs: int) -> list[Figure]:
    """Rows per second of both imports, `runs` times each, alternating."""
    ours, reference, peaks = [], [], []
    with tempfile.TemporaryDirectory(dir=files.database.parent) as folder:
        for run in range(runs):
            flat = Path(folder) / f"flat-{run}.db"
            child = run_child(
                peak_wrapped(
                    [sys.executable, "-m", "bench.suite.flat_import"]
                    + [str(files.acled_csv), str(flat)]
                )
            )
            reference.append(files.n / child.seconds)
            flat.unlink()
            database = Path(folder) / f"tracker-{run}.db"
            _init(database)
            child = run_child(
                peak_wrapped(tracker_import_command(files.acled_csv, database))
            )
            ours.append(files.n / child.seconds)
            peaks.append(child.peak_mb)
            if run == runs - 1:
                keep_database(database, files)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(database) + suffix).unlink(missing_ok=True)
    reference_samples = Samples(tuple(reference), "rows/s")
    figure = Figure(
        "1. import",
        f"`tracker import` of {files.n:,} ACLED rows (validated, crosswalked, "
        "actors and places resolved, duplicate check)",
        Samples(tuple(ours), "rows/s"),
        target=TARGET_SHARE * reference_samples.median,
        target_text=">= 0.5 x reference",
        higher_is_better=True,
        reference=reference_samples,
        reference_name="pandas.read_csv + sqlite3.executemany, flat 31-column table",
    )
    memory = Figure(
        "1. import",
        "peak memory of `tracker import`",
        Samples(tuple(peaks), "MB"),
        statistic="high",
    )
    return [figure, memory]


def ensure_database(files: Dataset) -> None:
    """Import the dataset once (unmeasured) when no benchmark run made the database."""
    with tempfile.TemporaryDirectory(dir=files.database.parent) as folder:
        database = Path(folder) / "tracker.db"
        _init(database)
        run_child(tracker_import_command(files.acled_csv, database))
        keep_database(database, files)
