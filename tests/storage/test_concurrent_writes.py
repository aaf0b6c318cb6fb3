"""Many writers at once: every write is kept, no error reaches a writer.

Threads share one engine (the dashboard's case: one server, many requests); processes
each open their own (several servers, or the CLI importing while the dashboard runs).
Editors that lose a race are told so by a version conflict, reload and save again, as
the edit form asks a person to; nothing is overwritten silently."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tracker.db import make_engine, session_scope
from tracker.errors import InvalidInput
from tracker.models import Event, EventCreate
from tracker.query.events import get_event_record
from tracker.store.events import create_event, update_event

WRITERS = 4
WRITES_EACH = 15


def new_event(writer: str, number: int) -> EventCreate:
    return EventCreate(
        title=f"{writer} event {number}",
        event_type="ASSAULT",
        date_start=dt.date(2025, 5, 1) + dt.timedelta(days=number % 28),
        actors=[{"name": f"Actor {number % 5}", "role": "initiator"}],
        sources=[{"url": f"https://example.org/{writer}/{number}"}],
        tags=[writer],
    )


def add_events(database_url: str, writer: str) -> int:
    """One writer adding its events, each in its own transaction."""
    engine = make_engine(database_url)
    try:
        for number in range(WRITES_EACH):
            with session_scope(engine) as session:
                create_event(session, new_event(writer, number))
    finally:
        engine.dispose()
    return WRITES_EACH


def append_to_title(engine, event_id: int, word: str) -> int:
    """Edit as a person would: read, change, save; on a conflict reload and redo.

    Returns how many conflicts this editor met."""
    conflicts = 0
    while True:
        with session_scope(engine) as session:
            record = get_event_record(session, event_id)
        data = EventCreate.model_validate(
            record.model_dump(
                exclude={
                    "id",
                    "quad_class",
                    "score",
                    "created_at",
                    "updated_at",
                    "version",
                    "country",
                }
            )
            | {"title": f"{record.title} {word}"}
        )
        try:
            with session_scope(engine) as session:
                update_event(session, event_id, data, expected_version=record.version)
            return conflicts
        except InvalidInput as error:
            assert error.problems[0].field == "version"
            conflicts += 1


def count(engine, **where) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(Event)
        for name, value in where.items():
            query = query.where(getattr(Event, name) == value)
        return connection.execute(query).scalar_one()


def test_threads_adding_events_lose_nothing(engine, database_url):
    with ThreadPoolExecutor(WRITERS) as pool:
        done = list(
            pool.map(
                add_events,
                [database_url] * WRITERS,
                [f"thread{n}" for n in range(WRITERS)],
            )
        )
    assert sum(done) == WRITERS * WRITES_EACH
    assert count(engine) == WRITERS * WRITES_EACH


def test_processes_adding_events_lose_nothing(engine, database_url):
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        done = pool.starmap(
            add_events, [(database_url, f"process{n}") for n in range(WRITERS)]
        )
    assert sum(done) == WRITERS * WRITES_EACH
    assert count(engine) == WRITERS * WRITES_EACH


def test_editors_of_one_event_each_keep_their_change(engine):
    with session_scope(engine) as session:
        event_id = create_event(session, new_event("shared", 0)).id
    words = [f"w{n}" for n in range(WRITERS * 3)]
    with ThreadPoolExecutor(WRITERS) as pool:
        conflicts = list(
            pool.map(lambda w: append_to_title(engine, event_id, w), words)
        )
    with session_scope(engine) as session:
        record = get_event_record(session, event_id)
    # Every editor's word is in the title exactly once: no save undid another.
    assert sorted(record.title.split()[3:]) == sorted(words)
    assert record.version == 1 + len(words)
    assert sum(conflicts) >= 0
