"""The benchmark suite keeps working: every benchmark's code path at N = 10,000.

No timing is asserted (timings live in bench/RESULTS.md, made by `make bench`); this
only runs the generators, the import at two sizes (and the distinct-places file) with
its flat reference, the service-layer aggregations with DuckDB's, the table pages,
the export with Datasette's, the start-up figures, and the report. The browser, HTTP
and PostgreSQL parts are left to `make bench`."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from bench.generate_acled import rows
from bench.generate_native import records
from bench.suite.import_bench import spread_percent

pytest.importorskip("duckdb", reason="a benchmark tool: `make bench` installs it")
pytest.importorskip("datasette", reason="a benchmark tool: `make bench` installs it")

from bench.run_benchmarks import main  # noqa: E402 - needs duckdb

N = 10_000
SMALLER = 2_000


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


def test_distinct_places_generator_gives_every_row_its_own_place():
    regular = list(rows(2000))
    distinct = list(rows(2000, distinct_places=True))
    places = {(r["location"], r["latitude"], r["longitude"]) for r in distinct}
    assert len(places) == 2000
    assert len({r["location"] for r in regular}) < 2000
    assert all(-90 <= r["latitude"] <= 90 for r in distinct)
    unchanged = ("event_id_cnty", "event_date", "actor1", "fatalities", "admin1")
    assert [{k: r[k] for k in unchanged} for r in distinct] == [
        {k: r[k] for k in unchanged} for r in regular
    ]


def test_rate_spread_is_the_highest_over_the_lowest_minus_one_in_percent():
    assert spread_percent([2000.0, 2500.0, 2200.0]) == pytest.approx(25.0)
    assert spread_percent([1000.0, 1000.0]) == 0.0


def test_benchmarks_run_at_ten_thousand_events_and_write_results(tmp_path):
    output = tmp_path / "RESULTS.md"
    main(
        [
            f"--n={N}",
            f"--sizes={SMALLER}",
            f"--distinct-max={SMALLER}",
            "--runs=1",
            "--samples=2",
            f"--data-dir={tmp_path / 'data'}",
            f"--output={output}",
            "--skip=http",
            "--skip=load",  # tests/bench/test_load_bench.py
            "--skip=postgres",
        ]
    )
    text = output.read_text()
    for benchmark in ("1. import", "2. timeline", "3. table", "5. export"):
        assert f"| {benchmark} |" in text
    for size in (SMALLER, N):
        assert f"into SQLite: {size:,} ACLED rows (" in text
        assert f"({size:,} events in the database)" in text
        assert f"`tracker export --format csv` of {size:,} events from SQLite" in text
        assert f"`tracker export --format parquet` of {size:,} events" in text
    assert f"{SMALLER:,} ACLED rows with nearly every place distinct" in text
    assert f"rows/s spread across sizes (ACLED rows; {SMALLER:,}, {N:,})" in text
    assert "| 8. start-up | `tracker --help` wall time |" in text
    assert f"`tracker list` until its first line, {N:,} events in SQLite" in text
    assert "DuckDB, same rows" in text
    assert "Datasette" in text
    assert "pandas.read_csv + sqlite3.executemany" in text
    [database] = (tmp_path / "data").glob(f"*/tracker-{N}.db")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (N,)
    [native] = (tmp_path / "data").glob(f"*/native-{N}.csv")
    with native.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == N
