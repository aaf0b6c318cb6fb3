"""Run every benchmark of issues #7 and #19 and write bench/RESULTS.md.

`make bench` runs `python -m bench.run_benchmarks` at N = 1,000,000 (BENCH_N to
change it). Import, export and the timeline are measured at 10,000, 100,000 and N
events (`--sizes` for other smaller sizes) to show how each cost grows, on SQLite
and on PostgreSQL (scratch databases on --postgres-url, dropped at the end). Data
are generated once into bench/.data/ and reused while the generators are unchanged.
`--skip` leaves out parts (import, http, export, datasette, postgres, startup) for a
quicker look; a full run leaves out nothing."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shlex
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.suite import (
    duckdb_reference,
    export_bench,
    http_bench,
    import_bench,
    load_bench,
    service_bench,
    startup_bench,
)
from bench.suite.datasets import (
    DATA_DIR,
    Dataset,
    database_is_complete,
    dataset,
    growth_sizes,
)
from bench.suite.measuring import Figure, machine
from bench.suite.postgres_bench import (
    DEFAULT_URL,
    ScratchDatabases,
    copy_into_postgres,
    scratch_databases,
)
from bench.suite.report import render
from bench.suite.servers import dashboard_command, free_port, serve
from tracker.db import make_engine, upgrade_database

PARTS = ("import", "http", "export", "datasette", "postgres", "load", "startup")
BIG_SIZE = 100_000  # above it, --big-runs runs of each whole command
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
GAPS = RESULTS.with_name("GAPS.md")  # what limits each target not met, by hand


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=int(os.environ.get("BENCH_N", 1_000_000))
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed whole")
    parser.add_argument(
        "--big-runs",
        type=int,
        default=1,
        help=f"runs of each timed whole above {BIG_SIZE:,} rows",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[10_000, 100_000],
        help="smaller sizes measured beside N (comma-separated; those below N)",
    )
    parser.add_argument(
        "--distinct-max",
        type=int,
        default=100_000,
        help="largest size of the distinct-places import file",
    )
    parser.add_argument(
        "--samples", type=int, default=40, help="requests timed for each latency p95"
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--skip", action="append", choices=PARTS, default=[])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_URL),
        help="a PostgreSQL server to create the benchmark database on",
    )
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def runs_at(options: argparse.Namespace) -> Callable[[int], int]:
    """Runs of each whole command at a size: fewer above BIG_SIZE, where one takes
    minutes."""
    return lambda size: options.runs if size <= BIG_SIZE else options.big_runs


def prepare_databases(
    options: argparse.Namespace,
    datasets: list[Dataset],
    postgres: ScratchDatabases | None,
) -> tuple[list[Figure], list[str]]:
    """Benchmark 1, which leaves each size's database behind (SQLite, and
    PostgreSQL unless skipped); when skipped, the databases are made unmeasured."""
    if "import" not in options.skip:
        say("1. import at " + ", ".join(f"{files.n:,}" for files in datasets))
        figures = import_bench.run_import(
            datasets,
            runs_at(options),
            postgres=postgres,
            distinct_max=options.distinct_max,
        )
        return figures, []
    notes = []
    for files in datasets:
        if not database_is_complete(files):
            say(f"importing {files.n:,} rows once (unmeasured)")
            import_bench.ensure_database(files)
        if postgres is not None:
            say(f"PostgreSQL: copying {files.n:,} events")
            copy_into_postgres(files.database, postgres.create(str(files.n)))
    if postgres is not None:
        notes.append(
            "Import skipped: the PostgreSQL databases are copies of the SQLite ones "
            "(COPY, triggers off), not `tracker import`s."
        )
    return [], notes


def run_service(
    options: argparse.Namespace,
    datasets: list[Dataset],
    postgres: ScratchDatabases | None,
) -> list[Figure]:
    """Benchmarks 2 (timeline, at every size) and 3 (table pages, at N), on SQLite
    beside DuckDB, then on PostgreSQL."""
    figures: list[Figure] = []
    tables: list[Figure] = []
    for database in ("SQLite", "PostgreSQL"):
        if database == "PostgreSQL" and postgres is None:
            continue
        label = "" if database == "SQLite" else f" ({database})"
        for files in datasets:
            say(f"2. timeline{label}, {files.n:,} events")
            url = files.url if postgres is None else postgres.url(str(files.n))
            engine = make_engine(files.url if database == "SQLite" else url)
            upgrade_database(engine)  # a database cached by older code
            reference = None
            if not label:
                reference = duckdb_reference.run_reference(
                    files.database, options.samples
                )
            figures += service_bench.run_aggregations(
                engine,
                options.samples,
                label=label,
                reference=reference,
                events=files.n,
            )
            if files.n == options.n:
                say(f"3. table pages{label}")
                tables += service_bench.run_pages(engine, options.samples, label=label)
            engine.dispose()
    return figures + tables


def run_suite(
    options: argparse.Namespace, log_dir: Path
) -> tuple[list[Figure], list[str]]:
    """Every benchmark not skipped, in the issue's order; the figures and notes."""
    skip = set(options.skip)
    sizes = growth_sizes(options.n, options.sizes)
    say("data for " + ", ".join(f"{size:,}" for size in sizes))
    datasets = [
        dataset(
            size,
            options.data_dir,
            native=size == options.n,
            distinct="import" not in skip and size <= options.distinct_max,
        )
        for size in sizes
    ]
    files = datasets[-1]  # N
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        postgres = None
        if "postgres" not in skip:
            postgres = stack.enter_context(scratch_databases(options.postgres_url))
        figures, more = prepare_databases(options, datasets, postgres)
        notes += more
        figures += run_service(options, datasets, postgres)
        if "export" not in skip:
            if "datasette" in skip:
                notes.append("Datasette reference skipped in this run.")
            for each in datasets:
                say(f"5. export (CLI), {each.n:,} events")
                figures += export_bench.run_export(
                    each,
                    runs_at(options)(each.n),
                    log_dir,
                    datasette="datasette" not in skip,
                    postgres_url=postgres.url(str(each.n)) if postgres else None,
                )
        if "http" not in skip:
            port = free_port()
            command = dashboard_command(files.url, port)
            with serve(command, port, log_dir / "dashboard.log") as server:
                say("4. dashboard over HTTP")
                figures.append(http_bench.first_answer(server, options.n))
                figures += http_bench.run_http(
                    server, options.runs, options.samples, files.database, files.url
                )
                say("5. export (dashboard route)")
                # Once: informational, and it loads the server as a real download does.
                figures.append(export_bench.run_export_route(server, files, 1))
                say("6. server memory")
                figures += http_bench.server_memory(server, options.n)
        if "startup" not in skip:
            say("8. start-up")
            urls = {"SQLite": files.url}
            if postgres is not None:
                urls["PostgreSQL"] = postgres.url(str(options.n))
            figures += startup_bench.run_startup(urls, options.n, options.samples)
        if "load" not in skip:
            # Last: its importer adds events. SQLite's N database is kept for later
            # runs, so the load writes into a copy; PostgreSQL's is this run's own.
            say("9. several analysts at once, under gunicorn")
            load_dir = log_dir / "load"
            load_dir.mkdir(parents=True, exist_ok=True)
            copy = load_dir / "load.db"
            copy.unlink(missing_ok=True)
            with sqlite3.connect(files.database) as source:
                with sqlite3.connect(copy) as target:
                    source.backup(target)  # WAL and all
            urls = {"SQLite": f"sqlite:///{copy}"}
            if postgres is not None:
                urls["PostgreSQL"] = postgres.url(str(options.n))
            for backend, url in urls.items():
                figures += [
                    dataclasses.replace(
                        figure, benchmark=f"{figure.benchmark} ({backend})"
                    )
                    for figure in load_bench.run_load(url, work_dir=load_dir)
                ]
            copy.unlink()
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
        runs=f"{options.runs} runs per figure, {options.big_runs} of each whole "
        f"command above {BIG_SIZE:,} rows (import, its reference, export, Datasette), "
        "where one run takes minutes",
        machine=about,
        seconds=time.perf_counter() - started,
        notes=notes,
        gaps=GAPS.read_text(encoding="utf-8") if GAPS.exists() else "",
    )
    options.output.write_text(text, encoding="utf-8")
    say(f"wrote {options.output}")


if __name__ == "__main__":
    main()
