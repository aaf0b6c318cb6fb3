"""The benchmark suite keeps working: every benchmark's code path at N = 10,000.

No timing is asserted (timings live in bench/RESULTS.md, made by `make bench`); this
only runs the generators, the import and its flat reference, the service-layer
aggregations with DuckDB's, the table pages, the export with Datasette's, and the
report. The browser, HTTP and PostgreSQL parts are left to `make bench`."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from bench.generate_acled import rows
from bench.generate_native import records

pytest.importorskip("duckdb", reason="a benchmark tool: `make bench` installs it")
pytest.importorskip("datasette", reason="a benchmark tool: `make bench` installs it")

from bench.run_benchmarks import main  # noqa: E402 - needs duckdb

N = 10_000


def test_generators_give_the_same_rows_for_the_same_seed():
    first = list(rows(50))
    assert first == list(rows(50))
    assert first != list(rows(50, seed=1))
    assert {row["country"] for row in rows(2000)} == {"Ukraine", "Russia"}


def test_native_generator_maps_rows_as_the_acled_import_does():
    [record] = list(records(1))
    [row] = list(rows(1))
    assert record.external_id == row["event_id_cnty"]
    assert record.location["admin1"] == row["admin1"]
    assert record.acled_sub_event_type == row["sub_event_type"]


def test_benchmarks_run_at_ten_thousand_events_and_write_results(tmp_path):
    output = tmp_path / "RESULTS.md"
    main(
        [
            f"--n={N}",
            "--runs=1",
            "--samples=2",
            f"--data-dir={tmp_path / 'data'}",
            f"--output={output}",
            "--skip=http",
            "--skip=postgres",
        ]
    )
    text = output.read_text()
    for benchmark in ("1. import", "2. timeline", "3. table", "5. export"):
        assert f"| {benchmark} |" in text
    assert "DuckDB, same rows" in text
    assert "Datasette" in text
    assert "pandas.read_csv + sqlite3.executemany" in text
    [database] = (tmp_path / "data").glob(f"*/tracker-{N}.db")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (N,)
    [native] = (tmp_path / "data").glob(f"*/native-{N}.csv")
    with native.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == N
