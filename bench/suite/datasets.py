"""The benchmark data: generated files and the database imported from them, cached in
bench/.data/ (outside git) by N, and rebuilt when the generators change.

A run uses several sizes (10,000, 100,000 and N events) to show how each cost grows;
each size has its own files and database."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.generate_acled import write_acled_csv
from bench.generate_native import write_native_csv

BENCH = Path(__file__).resolve().parents[1]
DATA_DIR = BENCH / ".data"
GENERATORS = (BENCH / "generate_acled.py", BENCH / "generate_native.py")


@dataclass(frozen=True)
class Dataset:
    """The files of one size N."""

    n: int
    acled_csv: Path
    native_csv: Path
    database: Path  # the SQLite database `tracker import` made of acled_csv
    distinct_places_csv: Path  # acled_csv with nearly every row's place its own

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"


def growth_sizes(n: int, smaller: Sequence[int]) -> list[int]:
    """The sizes a run measures: those of `smaller` below N, then N."""
    return sorted({size for size in smaller if 0 < size < n} | {n})


def generator_digest() -> str:
    """A short hash of the generators' source: new code means new files."""
    digest = hashlib.sha256()
    for path in GENERATORS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def dataset(
    n: int, data_dir: Path = DATA_DIR, *, native: bool = True, distinct: bool = False
) -> Dataset:
    """The files for N events, generated now if missing or out of date; the native
    CSV only if `native`, the distinct-places file only if `distinct`."""
    folder = data_dir / f"n{n}-{generator_digest()}"
    folder.mkdir(parents=True, exist_ok=True)
    files = Dataset(
        n,
        folder / f"acled-{n}.csv",
        folder / f"native-{n}.csv",
        folder / f"tracker-{n}.db",
        folder / f"acled-distinct-places-{n}.csv",
    )
    _write_once(files.acled_csv, lambda path: write_acled_csv(n, path))
    if native:
        _write_once(files.native_csv, lambda path: write_native_csv(n, path))
    if distinct:
        _write_once(
            files.distinct_places_csv,
            lambda path: write_acled_csv(n, path, distinct_places=True),
        )
    return files


def _write_once(path: Path, write) -> None:
    """Write to a temporary name and rename, so an interrupted run leaves no file."""
    if path.exists():
        return
    partial = path.with_suffix(path.suffix + ".part")
    write(partial)
    partial.replace(path)


def database_is_complete(files: Dataset) -> bool:
    """True when the cached database holds all N imported events."""
    if not files.database.exists():
        return False
    try:
        with sqlite3.connect(files.database) as connection:
            (count,) = connection.execute("SELECT count(*) FROM event").fetchone()
    except sqlite3.Error:
        return False
    return count == files.n


def keep_database(source: Path, files: Dataset) -> None:
    """Make `source` (a finished import) the dataset's database."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(files.database) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.move(source, files.database)
