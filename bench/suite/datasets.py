"""The benchmark data: generated files and the database imported from them, cached in
bench/.data/ (outside git) by N, and rebuilt when the generators change."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
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

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"


def generator_digest() -> str:
    """A short hash of the generators' source: new code means new files."""
    digest = hashlib.sha256()
    for path in GENERATORS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def dataset(n: int, data_dir: Path = DATA_DIR) -> Dataset:
    """The files for N events, generated now if missing or out of date."""
    folder = data_dir / f"n{n}-{generator_digest()}"
    folder.mkdir(parents=True, exist_ok=True)
    files = Dataset(
        n,
        folder / f"acled-{n}.csv",
        folder / f"native-{n}.csv",
        folder / f"tracker-{n}.db",
    )
    _write_once(files.acled_csv, lambda path: write_acled_csv(n, path))
    _write_once(files.native_csv, lambda path: write_native_csv(n, path))
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
