"""The aggregation reference: the same three timeline aggregates in DuckDB, over the
same rows (the imported events with their place's country), loaded into memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pandas as pd

from bench.suite.measuring import Samples, time_calls
from bench.suite.service_bench import COUNTRY_FILTER

COLUMNS = """
    e.date_start, e.date_end, e.event_type, e.quad_class, e.score, e.status,
    e.fatalities_low, e.fatalities_best, e.fatalities_high, l.country
"""

WHERE = """
    coalesce(date_end, date_start) >= DATE '{since}' AND date_start <= DATE '{until}'
    AND status <> 'retracted' AND country IN ('UKR')
"""
BEST = "coalesce(fatalities_best, fatalities_low, fatalities_high)"
QUERIES = {
    "counts per week by type": """
        SELECT date_trunc('week', date_start) AS p, event_type, quad_class, count(*)
        FROM events WHERE {where} GROUP BY ALL ORDER BY p, event_type""",
    "conflict-cooperation line per week": """
        SELECT date_trunc('week', date_start) AS p, avg(score), count(*),
            sum(CASE WHEN quad_class <= 2 THEN 1 ELSE 0 END),
            sum(CASE WHEN quad_class = 4 THEN 1 ELSE 0 END)
        FROM events WHERE {where} GROUP BY ALL ORDER BY p""",
    "fatalities per week": f"""
        SELECT date_trunc('week', date_start) AS p, sum({BEST}),
            sum(coalesce(fatalities_low, {BEST})),
            sum(coalesce(fatalities_high, {BEST})), count({BEST})
        FROM events WHERE {{where}} AND {BEST} IS NOT NULL GROUP BY ALL ORDER BY p""",
}


def load(database: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the events of the SQLite database `database`."""
    with sqlite3.connect(database) as source:
        frame = pd.read_sql_query(
            f"SELECT {COLUMNS} FROM event e LEFT JOIN location l "
            "ON l.id = e.location_id",
            source,
        )
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    connection = duckdb.connect()
    connection.register("frame", frame)
    connection.execute("CREATE TABLE events AS SELECT * FROM frame")
    connection.unregister("frame")
    return connection


def run_reference(database: Path, runs: int) -> dict[str, Samples]:
    """Milliseconds of each aggregate in DuckDB, by name (as in service_bench)."""
    connection = load(database)
    where = WHERE.format(since=COUNTRY_FILTER.since, until=COUNTRY_FILTER.until)
    results = {}
    for name, query in QUERIES.items():
        sql = query.format(where=where)
        results[name] = time_calls(
            lambda sql=sql: connection.execute(sql).fetchall(), runs
        )
    connection.close()
    return results
