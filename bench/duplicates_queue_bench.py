"""Time the duplicates queue's reads over many open candidates (issue 14, point 4).

Builds (once, into DATABASE_URL, which must be empty or already built by this
script) EVENTS bare events in two datasets and a candidate per ACLED event paired
with its GDELT twin, then times, several times each, with medians:
- `list`: `list_duplicate_candidates(limit=20)`, what `tracker duplicates list`
  reads (also on code without the queue, to compare);
- `page 1`, `last page`, `page 1 acled`: what the /duplicates page reads (count,
  a page of 20 and both events' records), without and with a dataset filter.

    python bench/duplicates_queue_bench.py sqlite:////tmp/dupes.db 100000
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from sqlalchemy import func, insert, select

from tracker.db import make_engine, session_scope, upgrade_database
from tracker.matching import candidates as queue
from tracker.models import DuplicateCandidate, Event
from tracker.query.events import event_records

REPEATS = 7


def build(engine, events: int) -> None:
    """Bare events, half ACLED and half GDELT, and one open candidate per pair."""
    with session_scope(engine) as session:
        if session.execute(select(func.count(Event.id))).scalar_one():
            return
        now = dt.datetime.now(dt.UTC)
        day = dt.date(2024, 1, 1)
        for start in range(0, events, 10_000):
            rows = [
                {
                    "title": f"Event {n}",
                    "event_type": "ASSAULT",
                    "quad_class": 4,
                    "score": -9.0,
                    "date_start": day + dt.timedelta(days=n // 200),
                    "date_precision": "day",
                    "status": "confirmed",
                    "dataset": "acled" if n % 2 == 0 else "gdelt",
                    "contexts": [],
                    "tags": [],
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(start, min(events, start + 10_000))
            ]
            session.execute(insert(Event), rows)
        ids = list(session.execute(select(Event.id).order_by(Event.id)).scalars())
        scores = random.Random(14)
        pairs = [
            {
                "event_id": ids[i],
                "other_id": ids[i + 1],
                "score": round(scores.random(), 2),
                "reasons": "same type ASSAULT; dates overlap",
                "status": "open",
                "created_at": now,
            }
            for i in range(0, len(ids) - 1, 2)
        ]
        for start in range(0, len(pairs), 10_000):
            session.execute(insert(DuplicateCandidate), pairs[start : start + 10_000])


def timed(label: str, engine, read) -> None:
    times = []
    for _ in range(REPEATS):
        with session_scope(engine) as session:
            began = time.perf_counter()
            read(session)
            times.append((time.perf_counter() - began) * 1000)
    median = statistics.median(times)
    line = f"{label:<14} median {median:7.1f} ms  max {max(times):7.1f} ms"
    print(f"{line}  ({REPEATS} runs)")  # noqa: T201


def queue_page(event_filter, page: int):
    def read(session) -> None:
        total = queue.count_duplicate_candidates(session, event_filter=event_filter)
        pages = max(1, -(-total // 20))
        rows = queue.list_duplicate_candidates(
            session,
            event_filter=event_filter,
            limit=20,
            offset=(min(page, pages) - 1) * 20,
        )
        event_records(session, [i for r in rows for i in (r.event.id, r.other.id)])

    return read


def main(url: str, events: int) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    build(engine, events)
    with session_scope(engine) as session:
        count = session.execute(select(func.count(DuplicateCandidate.id))).scalar_one()
    print(f"{engine.dialect.name}: {events:,} events, {count:,} open candidates")  # noqa: T201
    timed("list", engine, lambda s: queue.list_duplicate_candidates(s, limit=20))
    if hasattr(queue, "count_duplicate_candidates"):  # code with the queue
        from tracker.query.filters import EventFilter

        timed("page 1", engine, queue_page(EventFilter(), 1))
        timed("last page", engine, queue_page(EventFilter(), 10**9))
        timed("page 1 acled", engine, queue_page(EventFilter(datasets=("acled",)), 1))
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
