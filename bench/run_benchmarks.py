"""Run every benchmark of issue #7 and write bench/RESULTS.md.

`make bench` runs `python -m bench.run_benchmarks` at N = 1,000,000 (BENCH_N to
change it). Data are generated once into bench/.data/ and reused while the
generators are unchanged. `--skip` leaves out parts (import, http, export,
datasette, postgres) for a quicker look; a full run leaves out nothing."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.suite import (
    duckdb_reference,
    export_bench,
    http_bench,
    import_bench,
    postgres_bench,
    service_bench,
)
from bench.suite.datasets import DATA_DIR, database_is_complete, dataset
from bench.suite.measuring import Figure, machine
from bench.suite.report import render
from bench.suite.servers import dashboard_command, free_port, serve
from tracker.db import make_engine, upgrade_database

PARTS = ("import", "http", "export", "datasette", "postgres")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
GAPS = RESULTS.with_name("GAPS.md")  # what limits each target not met, by hand


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=int(os.environ.get("BENCH_N", 1_000_000))
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed whole")
    parser.add_argument(
        "--samples", type=int, default=40, help="requests timed for each latency p95"
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--skip", action="append", choices=PARTS, default=[])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TRACKER_BENCH_POSTGRES_URL", postgres_bench.DEFAULT_URL
        ),
        help="a PostgreSQL server to create the benchmark database on",
    )
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def run_suite(
    options: argparse.Namespace, log_dir: Path
) -> tuple[list[Figure], list[str]]:
    """Every benchmark not skipped, in the issue's order; the figures and notes."""
    skip = set(options.skip)
    figures: list[Figure] = []
    notes: list[str] = []
    say(f"data for N={options.n:,}")
    files = dataset(options.n, options.data_dir)
    if "import" not in skip:
        say("1. import")
        figures += import_bench.run_import(files, options.runs)
    elif not database_is_complete(files):
        say("importing once (unmeasured)")
        import_bench.ensure_database(files)
    engine = make_engine(files.url)
    upgrade_database(engine)  # a database cached by older code gets the new schema
    say("2. timeline aggregations, and DuckDB")
    reference = duckdb_reference.run_reference(files.database, options.samples)
    figures += service_bench.run_aggregations(
        engine, options.samples, label="", reference=reference
    )
    say("3. table pages")
    figures += service_bench.run_pages(engine, options.samples, label="")
    engine.dispose()
    if "export" not in skip:
        say("5. export (CLI)")
        if "datasette" in skip:
            notes.append("Datasette reference skipped in this run.")
        figures += export_bench.run_export(
            files, options.runs, log_dir, datasette="datasette" not in skip
        )
    if "http" not in skip:
        port = free_port()
        command = dashboard_command(files.url, port)
        with serve(command, port, log_dir / "dashboard.log") as server:
            say("4. dashboard over HTTP")
            figures += http_bench.run_http(
                server, options.runs, options.samples, files.database, files.url
            )
            say("5. export (dashboard route)")
            # Once: informational, and it loads the server as a real download does.
            figures.append(export_bench.run_export_route(server, files, 1))
            say("6. server memory")
            figures += http_bench.server_memory(server, options.n)
    if "postgres" not in skip:
        say("7. PostgreSQL: copying the rows")
        name = f"tracker_bench_{options.n}"
        pg = postgres_bench.copy_into_postgres(
            files.database, options.postgres_url, name
        )
        try:
            say("7. PostgreSQL: timeline and table")
            figures += service_bench.run_aggregations(
                pg, options.samples, label=" (PostgreSQL)"
            )
            figures += service_bench.run_pages(
                pg, options.samples, label=" (PostgreSQL)"
            )
        finally:
            pg.dispose()
            postgres_bench.drop_database(options.postgres_url, name)
    return figures, notes


def busy_machine_notes() -> list[str]:
    """A warning when other work shared the machine: the figures are then slower
    than the machine's own, the ratios (both sides measured alike) less so."""
    load = os.getloadavg()[1]  # the last five minutes
    cores = os.cpu_count() or 1
    if load <= cores:
        return []
    return [
        f"The machine was busy with other work: load average {load:.1f} over the "
        f"last five minutes on {cores} cores. Rerun on an idle machine for the "
        "figures of record."
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Run, then write the results with the command that made them."""
    options = parse(argv)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["python", "-m", "bench.run_benchmarks", *argv])
    if os.environ.get("BENCH_COMMAND"):
        command = os.environ["BENCH_COMMAND"]
    started = time.perf_counter()
    about = machine()
    with tempfile.TemporaryDirectory() as log_dir:
        figures, notes = run_suite(options, Path(log_dir))
    notes += busy_machine_notes()
    text = render(
        figures,
        command=command,
        n=options.n,
        runs=options.runs,
        machine=about,
        seconds=time.perf_counter() - started,
        notes=notes,
        gaps=GAPS.read_text(encoding="utf-8") if GAPS.exists() else "",
    )
    options.output.write_text(text, encoding="utf-8")
    say(f"wrote {options.output}")


if __name__ == "__main__":
    main()
