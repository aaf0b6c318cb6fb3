"""Benchmark 5: CSV export of every event, against Datasette's streaming CSV of the
same rows (`?_stream=on`, max_csv_mb 0).

Ours is `tracker export --format csv` (native columns: each event with its place,
actors, sources and links) from SQLite and from PostgreSQL at each size, and also the
dashboard's `GET /export.csv` route; its peak memory is the child process's own peak
RSS. Datasette streams the SQLite `event` table's own columns, a subset of what ours
writes."""

from __future__ import annotations

import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.suite.datasets import Dataset
from bench.suite.measuring import Figure, Samples, peak_wrapped, run_child
from bench.suite.servers import Server, datasette_command, free_port, serve

PARQUET_RATIO = 3.0  # issue 15: Parquet >= 3x the CSV export
TARGET_RATIO = 2.0
PEAK_TARGET_MB = 200


def download_rows(url: str) -> tuple[float, int]:
    """Seconds to read the whole response at `url`, and its number of lines."""
    started = time.perf_counter()
    lines = 0
    with urllib.request.urlopen(url, timeout=3600) as response:
        while chunk := response.read(1 << 20):
            lines += chunk.count(b"\n")
    return time.perf_counter() - started, lines


def datasette_rows_per_second(files: Dataset, runs: int, log_dir: Path) -> Samples:
    """Rows per second of Datasette streaming the event table as CSV."""
    port = free_port()
    values = []
    with serve(
        datasette_command(files.database, port), port, log_dir / "datasette.log"
    ) as server:
        name = files.database.stem
        url = f"{server.base}/{name}/event.csv?_stream=on&_size=max"
        for _ in range(runs):
            seconds, lines = download_rows(url)
            values.append((lines - 1) / seconds)
    return Samples(tuple(values), "rows/s")


def export_rates(
    url: str, n: int, runs: int, folder: Path, export_format: str = "csv"
) -> tuple[list, list]:
    """Rows per second and peak memory (MB) of `runs` exports of `url`."""
    rates, peaks = [], []
    output = folder / f"export.{export_format}"
    command = [sys.executable, "-m", "tracker", "--database-url", url]
    command += ["export", "--format", export_format, "-o", str(output)]
    for _ in range(runs):
        child = run_child(peak_wrapped(command))
        rates.append(n / child.seconds)
        peaks.append(child.peak_mb)
    output.unlink(missing_ok=True)
    return rates, peaks


def run_export(
    files: Dataset,
    runs: int,
    log_dir: Path,
    *,
    datasette: bool = True,
    postgres_url: str | None = None,
) -> list[Figure]:
    """Rows per second and peak memory of `tracker export` of the size's SQLite
    database, and of its PostgreSQL database when given, beside Datasette's rate
    over the SQLite file."""
    databases = {"SQLite": files.url, "PostgreSQL": postgres_url}
    figures = []
    with tempfile.TemporaryDirectory(dir=files.database.parent) as folder:
        measured = {
            database: export_rates(url, files.n, runs, Path(folder))
            for database, url in databases.items()
            if url is not None
        }
        parquet = {
            database: export_rates(url, files.n, runs, Path(folder), "parquet")
            for database, url in databases.items()
            if url is not None
        }
    reference = datasette_rows_per_second(files, runs, log_dir) if datasette else None
    for database, (rates, peaks) in measured.items():
        benchmark = "5. export" if database == "SQLite" else f"5. export ({database})"
        figures += [
            Figure(
                benchmark,
                f"`tracker export --format csv` of {files.n:,} events from {database} "
                "(44 native columns)",
                Samples(tuple(rates), "rows/s"),
                target=TARGET_RATIO * reference.median if reference else None,
                target_text=f">= {TARGET_RATIO:g} x reference",
                higher_is_better=True,
                reference=reference,
                reference_name="Datasette `event.csv?_stream=on`, max_csv_mb 0 "
                "(the SQLite event table's own columns)",
            ),
            Figure(
                benchmark,
                f"peak memory (RSS) of `tracker export` of {files.n:,} events "
                f"from {database}",
                Samples(tuple(peaks), "MB"),
                statistic="high",
                target=PEAK_TARGET_MB,
                target_text=f"<= {PEAK_TARGET_MB} MB",
            ),
        ]
        # Issue 15: Parquet for pandas, R and DuckDB, against the CSV of the same run.
        csv_rates = Samples(tuple(rates), "rows/s")
        parquet_rates, parquet_peaks = parquet[database]
        figures += [
            Figure(
                benchmark,
                f"`tracker export --format parquet` of {files.n:,} events from "
                f"{database} (the native columns, typed)",
                Samples(tuple(parquet_rates), "rows/s"),
                target=PARQUET_RATIO * csv_rates.median,
                target_text=f">= {PARQUET_RATIO:g} x reference",
                higher_is_better=True,
                reference=csv_rates,
                reference_name="`tracker export --format csv` of the same events",
            ),
            Figure(
                benchmark,
                f"peak memory (RSS) of `tracker export --format parquet` of "
                f"{files.n:,} events from {database}",
                Samples(tuple(parquet_peaks), "MB"),
                statistic="high",
            ),
        ]
    return figures


def run_export_route(server: Server, files: Dataset, runs: int) -> Figure:
    """Rows per second of the dashboard's streamed `GET /export.csv` of every event."""
    values = []
    for _ in range(runs):
        seconds, lines = download_rows(f"{server.base}/export.csv")
        values.append((lines - 1) / seconds)
    return Figure(
        "5. export",
        f"dashboard `GET /export.csv` of {files.n:,} events (streamed)",
        Samples(tuple(values), "rows/s"),
        higher_is_better=True,
    )
