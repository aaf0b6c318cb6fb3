"""Time `tracker.importing.import_file` on a file into a fresh SQLite or PostgreSQL
database.

`python -m bench.import_speed /tmp/acled-100k.csv [--profile out.prof]
[--no-duplicate-check] [--keep DB] [--postgres SERVER_URL]`: migrates a new
database in a temporary folder (or at --keep; with --postgres a scratch database on
that server, dropped after), imports the file in one transaction as `tracker import`
does, and prints rows, seconds, rows/s and the report. With --profile the run is
under cProfile and the top entries by cumulative and by own time are printed too.

Beside the wall time it prints the CPU seconds of this process and, on PostgreSQL,
of the server process that ran the import (read from /proc, so only for a server on
this machine): on a machine shared with other work they move much less than the
wall time does."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.suite.postgres_bench import scratch_databases
from tracker.db import make_engine, session_scope, upgrade_database
from tracker.importing import import_file


def server_cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` so far (0 without one)."""
    if pid is None:
        return 0.0
    # Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(path: Path, url: str, *, duplicate_check: bool) -> None:
    """Import `path` into the new database at `url` and print the speed."""
    engine = make_engine(url)
    upgrade_database(engine)
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        backend = None
        if engine.dialect.name == "postgresql":
            backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        server = server_cpu_seconds(backend)
        report = import_file(session, path, duplicate_check=duplicate_check)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = server_cpu_seconds(backend) - server
    engine.dispose()
    print(f"{report.summary()}; {report.duplicate_candidates} candidates")  # noqa: T201
    # SQLite works in this process: its CPU is all "here".
    on_server = f", {server:.1f} s on the server" if backend is not None else ""
    print(  # noqa: T201
        f"{report.rows} rows in {seconds:.1f} s: {report.rows / seconds:,.0f} rows/s; "
        f"CPU {cpu:.1f} s here{on_server}; load {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    """Parse the command line and run, under cProfile if asked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--keep", type=Path, help="database file to create and keep")
    parser.add_argument("--no-duplicate-check", action="store_true")
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        help="import into a scratch database on this PostgreSQL server instead",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_databases(args.postgres or "") as scratch,
    ):
        if args.postgres:
            url = scratch.create("import_speed")
        else:
            url = f"sqlite:///{args.keep or Path(folder) / 'bench.db'}"
        if args.profile is None:
            run(args.path, url, duplicate_check=not args.no_duplicate_check)
            return
        profiler = cProfile.Profile()
        profiler.runcall(
            run, args.path, url, duplicate_check=not args.no_duplicate_check
        )
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
