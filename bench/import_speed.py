"""Time `tracker.importing.import_file` on a file into a fresh SQLite database.

`python bench/import_speed.py /tmp/acled-100k.csv [--profile out.prof]
[--no-duplicate-check] [--keep DB]`: migrates a new database in a temporary folder
(or at --keep), imports the file in one transaction as `tracker import` does, and
prints rows, seconds, rows/s and the report. With --profile the run is under
cProfile and the top entries by cumulative and by own time are printed too."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from tracker.db import make_engine, session_scope, upgrade_database
from tracker.importing import import_file


def run(path: Path, database: Path, *, duplicate_check: bool) -> None:
    """Import `path` into a new database at `database` and print the speed."""
    engine = make_engine(f"sqlite:///{database}")
    upgrade_database(engine)
    started = time.perf_counter()
    with session_scope(engine) as session:
        report = import_file(session, path, duplicate_check=duplicate_check)
    seconds = time.perf_counter() - started
    print(f"{report.summary()}; {report.duplicate_candidates} candidates")  # noqa: T201
    print(  # noqa: T201
        f"{report.rows} rows in {seconds:.1f} s: {report.rows / seconds:,.0f} rows/s"
    )


def main() -> None:
    """Parse the command line and run, under cProfile if asked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--keep", type=Path, help="database file to create and keep")
    parser.add_argument("--no-duplicate-check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.keep or Path(folder) / "bench.db"
        if args.profile is None:
            run(args.path, database, duplicate_check=not args.no_duplicate_check)
            return
        profiler = cProfile.Profile()
        profiler.runcall(
            run, args.path, database, duplicate_check=not args.no_duplicate_check
        )
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
