"""Benchmark 1: `tracker import FILE --format acled` at each size (10,000, 100,000 and
N rows), on SQLite and on PostgreSQL, against the flat-table reference of the same
file measured in the same run.

Every import is the real command, a child process, into a fresh database that
`tracker init-db` made: a new SQLite file, or a new PostgreSQL database (triggers
on, as a user's import). The cost should be linear in the rows, so the spread of
rows per second across sizes is a figure of its own. A second file, whose rows mostly
have distinct places, covers the case that once grew quadratically on PostgreSQL.
The last regular import at each size is kept as that size's database (SQLite and
PostgreSQL), which the other benchmarks read; the reference, ours on SQLite and ours
on PostgreSQL take turns in every run so that a change of load hits all alike."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.suite.datasets import Dataset, keep_database
from bench.suite.measuring import ChildRun, Figure, Samples, peak_wrapped, run_child
from bench.suite.postgres_bench import ScratchDatabases

TARGET_SHARE = 0.5  # at least half the reference's rows per second
SPREAD_TARGET_PERCENT = 25.0  # rows/s at every size within 25% of each other
SQLITE, POSTGRES = "SQLite", "PostgreSQL"
REGULAR, DISTINCT = "ACLED rows", "ACLED rows with nearly every place distinct"
REFERENCE_NAME = "pandas.read_csv + sqlite3.executemany, flat 31-column table"


def tracker_command(url: str, *arguments: str) -> list[str]:
    """`tracker ARGUMENTS` as a user runs it, on the database at `url`."""
    return [sys.executable, "-m", "tracker", "--database-url", url, *arguments]


def tracker_import_command(csv_path: Path, url: str) -> list[str]:
    return tracker_command(url, "import", str(csv_path), "--format", "acled")


def import_into(url: str, csv_path: Path) -> ChildRun:
    """`tracker init-db` (not timed), then `tracker import` (timed, with its peak)."""
    run_child(tracker_command(url, "init-db"))
    return run_child(peak_wrapped(tracker_import_command(csv_path, url)))


def remove_sqlite(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)


@dataclass
class Series:
    """Rows per second and peak memory of one kind of import, by size."""

    database: str
    kind: str
    rates: dict[int, list[float]] = field(default_factory=dict)
    peaks: dict[int, list[float]] = field(default_factory=dict)

    def add(self, size: int, child: ChildRun) -> None:
        self.rates.setdefault(size, []).append(size / child.seconds)
        self.peaks.setdefault(size, []).append(child.peak_mb)


@dataclass
class ImportRun:
    """Where one run's imports go: a folder for SQLite files, PostgreSQL if any."""

    folder: Path
    postgres: ScratchDatabases | None
    series: dict[tuple[str, str], Series]

    def sqlite(self, kind: str, csv_path: Path, size: int, keep: Dataset | None):
        name = "regular" if kind == REGULAR else "distinct"
        database = self.folder / f"tracker-{name}-{size}.db"
        self.series[SQLITE, kind].add(
            size, import_into(f"sqlite:///{database}", csv_path)
        )
        if keep is not None:
            keep_database(database, keep)
        else:
            remove_sqlite(database)

    def postgresql(self, kind: str, csv_path: Path, size: int, keep: bool):
        if self.postgres is None:
            return
        name = str(size) if kind == REGULAR else f"distinct_{size}"
        url = self.postgres.create(name)
        self.series[POSTGRES, kind].add(size, import_into(url, csv_path))
        if not keep:
            self.postgres.drop(name)


def flat_rate(files: Dataset, folder: Path) -> float:
    """Rows per second of the reference on the size's regular file."""
    flat = folder / "flat.db"
    child = run_child(
        peak_wrapped(
            [sys.executable, "-m", "bench.suite.flat_import"]
            + [str(files.acled_csv), str(flat)]
        )
    )
    flat.unlink()
    return files.n / child.seconds


def run_import(
    datasets: Sequence[Dataset],
    runs_at: Callable[[int], int],
    *,
    postgres: ScratchDatabases | None,
    distinct_max: int,
) -> list[Figure]:
    """Every size in turn, `runs_at(size)` runs each: the reference, then ours on
    SQLite and on PostgreSQL (database `str(size)` kept), then the distinct-places
    file at sizes up to `distinct_max` (its databases not kept)."""
    databases = (SQLITE, POSTGRES) if postgres is not None else (SQLITE,)
    series = {(d, k): Series(d, k) for d in databases for k in (REGULAR, DISTINCT)}
    reference: dict[int, list[float]] = {}
    for files in datasets:
        runs = runs_at(files.n)
        with tempfile.TemporaryDirectory(dir=files.database.parent) as folder:
            target = ImportRun(Path(folder), postgres, series)
            for run in range(runs):
                last = run == runs - 1
                reference.setdefault(files.n, []).append(flat_rate(files, Path(folder)))
                target.sqlite(
                    REGULAR, files.acled_csv, files.n, files if last else None
                )
                target.postgresql(REGULAR, files.acled_csv, files.n, last)
                if files.n <= distinct_max:
                    csv_path = files.distinct_places_csv
                    target.sqlite(DISTINCT, csv_path, files.n, None)
                    target.postgresql(DISTINCT, csv_path, files.n, False)
    references = {size: Samples(tuple(v), "rows/s") for size, v in reference.items()}
    figures = []
    for database in databases:
        for kind in (REGULAR, DISTINCT):
            figures += series_figures(series[database, kind], references)
        figures.append(memory_figure(series[database, REGULAR]))
    return figures


def benchmark_name(database: str) -> str:
    return "1. import" if database == SQLITE else f"1. import ({database})"


def series_figures(series: Series, references: dict[int, Samples]) -> list[Figure]:
    """Rows per second at each size beside the reference, then their spread."""
    figures = []
    for size, rates in sorted(series.rates.items()):
        reference = references[size]
        note = "" if series.kind == REGULAR else " (of the regular file, same size)"
        figures.append(
            Figure(
                benchmark_name(series.database),
                f"`tracker import --format acled` into {series.database}: {size:,} "
                f"{series.kind} (validated, crosswalked, actors and places resolved, "
                "duplicate check, triggers on)",
                Samples(tuple(rates), "rows/s"),
                target=TARGET_SHARE * reference.median,
                target_text=f">= {TARGET_SHARE:g} x reference",
                higher_is_better=True,
                reference=reference,
                reference_name=REFERENCE_NAME + note,
            )
        )
    if len(series.rates) > 1:
        figures.append(spread_figure(series))
    return figures


def spread_percent(medians: Sequence[float]) -> float:
    """How far apart rates are: the highest over the lowest, minus one, in percent."""
    return (max(medians) / min(medians) - 1) * 100


def spread_figure(series: Series) -> Figure:
    sizes = sorted(series.rates)
    medians = [Samples(tuple(series.rates[size]), "rows/s").median for size in sizes]
    return Figure(
        benchmark_name(series.database),
        f"rows/s spread across sizes ({series.kind}; "
        + ", ".join(f"{size:,}" for size in sizes)
        + "): highest median / lowest median - 1",
        Samples((spread_percent(medians),), "%"),
        target=SPREAD_TARGET_PERCENT,
        target_text=f"within {SPREAD_TARGET_PERCENT:g}%",
    )


def memory_figure(series: Series) -> Figure:
    """Peak memory at the largest size; the smaller sizes' peaks in the text."""
    *smaller, largest = sorted(series.peaks)
    others = ", ".join(
        f"{size:,}: {max(series.peaks[size]):.0f} MB" for size in smaller
    )
    return Figure(
        benchmark_name(series.database),
        f"peak memory of `tracker import` of {largest:,} rows into {series.database}"
        + (" (the client process)" if series.database == POSTGRES else "")
        + (f"; at {others}" if others else ""),
        Samples(tuple(series.peaks[largest]), "MB"),
        statistic="high",
    )


def ensure_database(files: Dataset) -> None:
    """Import the dataset once (unmeasured) when no benchmark run made the database."""
    with tempfile.TemporaryDirectory(dir=files.database.parent) as folder:
        database = Path(folder) / "tracker.db"
        url = f"sqlite:///{database}"
        run_child(tracker_command(url, "init-db"))
        run_child(tracker_import_command(files.acled_csv, url))
        keep_database(database, files)
