"""Where a JSON API page of 500 whole records spends its time (issue 15).

Replays, in this process, what GET /api/v1/events?limit=500&<the bench's country
filter> does (listing, then the records' JSON, then the answer), `--runs` times, and
prints per part the median and p95 of its CPU and wall time, the time the garbage
collector took, then a cProfile of one page and the query plan of each statement.

    python bench/api_page_profile.py sqlite:////path/to/tracker-1000000.db
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import TypeAdapter  # noqa: E402
from pydantic_core import to_json  # noqa: E402

from bench.suite.service_bench import COUNTRY_FILTER  # noqa: E402
from dashboard.server.api.answers import json_answer  # noqa: E402
from tracker.db import make_engine, session_scope  # noqa: E402
from tracker.models import EventRecord  # noqa: E402
from tracker.query import events as event_queries  # noqa: E402
from tracker.query.events import list_events  # noqa: E402

LIMIT = 500
# Run from a checkout of the code before a change, this profiles that code.
OLD = not hasattr(event_queries, "event_record_values")
try:
    from tracker import record_json  # noqa: E402
except ImportError:  # the code before the records were written by the database
    record_json = None
RECORD_LIST = TypeAdapter(list[EventRecord])


def say(*parts: object) -> None:
    print(*parts)  # noqa: T201


class Clock:
    """CPU and wall time per named part, and the collector's pauses."""

    def __init__(self) -> None:
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.gc_ms: list[float] = []
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_ms.append((time.perf_counter() - self._gc_started) * 1000)

    def part(self, name: str, work):
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        self.cpu[name].append((time.process_time() - cpu) * 1000)
        self.wall[name].append((time.perf_counter() - wall) * 1000)
        return result


def one_page(session, clock: Clock) -> str:
    rows = clock.part(
        "listing (501 rows)",
        lambda: list_events(session, COUNTRY_FILTER, limit=LIMIT + 1),
    )
    ids = [row.id for row in rows[:LIMIT]]
    if OLD:  # the code before issue 15's change: checked models, then JSON
        records = clock.part(
            "event_records (5 statements, models)",
            lambda: event_queries.event_records(session, ids),
        )
        items = clock.part("dump_json", lambda: RECORD_LIST.dump_json(records).decode())
    elif record_json is None:  # before the records were written by the database
        values = clock.part(
            "event_record_values (5 statements)",
            lambda: event_queries.event_record_values(session, ids),
        )
        items = clock.part("to_json", lambda: to_json(values).decode())
    else:
        texts = clock.part(
            "event_records_json (1 statement)",
            lambda: record_json.event_records_json(session, ids),
        )
        items = clock.part("join", lambda: "[" + ",".join(texts) + "]")
    return clock.part(
        "json_answer", lambda: json_answer({"next": None}, spliced={"data": items})
    ).get_data(as_text=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--gazetteer",
        action="store_true",
        help="read the gazetteer first, as a served dashboard holds it",
    )
    parser.add_argument(
        "--freeze", action="store_true", help="then gc.freeze(), as the server does"
    )
    options = parser.parse_args()
    if options.gazetteer:
        from tracker.vocab import gazetteer

        gazetteer.load_gazetteer()
    if options.freeze:
        gc.freeze()
    engine = make_engine(options.url)
    clock = Clock()
    with session_scope(engine) as session:
        one_page(session, Clock())  # warm-up, as the bench's
    totals = []
    for _ in range(options.runs):
        started = time.perf_counter()
        with session_scope(engine) as session:
            one_page(session, clock)
        totals.append((time.perf_counter() - started) * 1000)
    say(
        f"{options.runs} pages; total wall median {statistics.median(totals):.1f} "
        f"p95 {p95(totals):.1f} ms"
    )
    for name in clock.cpu:
        say(
            f"  {name:40} cpu median {statistics.median(clock.cpu[name]):6.1f} "
            f"p95 {p95(clock.cpu[name]):6.1f} | wall median "
            f"{statistics.median(clock.wall[name]):6.1f} "
            f"p95 {p95(clock.wall[name]):6.1f}"
        )
    say(
        f"  gc: {len(clock.gc_ms)} collections in {options.runs} pages, "
        f"{sum(clock.gc_ms):.1f} ms in all, "
        f"longest {max(clock.gc_ms, default=0):.1f} ms"
    )
    profile = cProfile.Profile()
    with session_scope(engine) as session:
        profile.runcall(one_page, session, Clock())
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(35)
    if engine.dialect.name == "sqlite":
        explain(engine)


def explain(engine) -> None:
    """EXPLAIN QUERY PLAN of each statement a page runs, as SQLAlchemy writes them."""
    statements: list[tuple[str, tuple]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", keep)
    with session_scope(engine) as session:
        one_page(session, Clock())
    event.remove(engine, "before_cursor_execute", keep)
    with engine.connect() as connection:
        for statement, parameters in statements:
            say("\n" + " ".join(statement.split())[:300])
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters
            )
            for row in plan:
                say("   ", row[-1])
            started = time.perf_counter()
            connection.exec_driver_sql(statement, parameters).fetchall()
            say(f"    ({(time.perf_counter() - started) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
