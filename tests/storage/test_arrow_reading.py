"""The Parquet export's reading straight into Arrow (tracker.arrow_reading, issue 15).

Statements run through ADBC drivers on connections of their own; these tests hold
that what they read is what the session would read: the same snapshot however
long the export takes, the same values however the driver types a column, the
filter's values bound, and the session's own uncommitted writes seen (read through
the session then)."""

from __future__ import annotations

import json
import time

import pyarrow as pa
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.conftest import require_shared
from tracker.arrow_reading import arrow_readers
from tracker.db import make_engine, session_scope
from tracker.errors import StatementTimeout
from tracker.event_arrow import ACTOR_PARTS, RegistryParts, iter_event_tables
from tracker.formats.parquet import PARQUET_SCHEMA
from tracker.importing import import_file
from tracker.query.filters import COUNTED_STATUSES, EventFilter
from tracker.seed import seed_database

ACLED_SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
SMALL_BATCH = 97  # many batches, each batch's items read while the next is


@pytest.fixture
def loaded(engine: Engine, seed_dir) -> Engine:
    """The seed events and the real ACLED sample (hundreds of events)."""
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    with session_scope(engine) as session:
        import_file(session, require_shared() / ACLED_SAMPLE, mode="skip_invalid")
    return engine


def export_table(engine: Engine, event_filter: EventFilter) -> pa.Table:
    with session_scope(engine) as session:
        tables = list(iter_event_tables(session, event_filter, batch_size=SMALL_BATCH))
    return pa.concat_tables(tables) if tables else PARQUET_SCHEMA.empty_table()


def test_two_readers_share_the_sessions_snapshot(loaded: Engine):
    with session_scope(loaded) as session:
        session.execute(text("SELECT count(*) FROM event")).one()
        with arrow_readers(session, 2) as readers:
            assert len(readers) == 2
            counts = [
                reader.table(text("SELECT count(*) AS n FROM event"), {})["n"][0]
                for reader in readers
            ]
    with loaded.connect() as connection:
        expected = connection.execute(text("SELECT count(*) FROM event")).scalar()
    assert [count.as_py() for count in counts] == [expected, expected]


def test_a_commit_during_an_export_changes_none_of_its_rows(loaded: Engine):
    before = export_table(loaded, EventFilter())
    assert before.num_rows > 5 * SMALL_BATCH
    with session_scope(loaded) as session:
        tables = iter_event_tables(session, EventFilter(), batch_size=SMALL_BATCH)
        first = next(tables)
        # Another writer changes every event, adds one dated last and deletes
        # one of a later batch, and commits, while the export is half read.
        with loaded.begin() as writer:
            writer.execute(text("UPDATE event SET title = 'Rewritten meanwhile'"))
            writer.execute(
                text("DELETE FROM event_actor WHERE event_id = :id"),
                {"id": before["id"][-1].as_py()},
            )
        during = pa.concat_tables([first, *tables])
    assert during.equals(before)
    assert export_table(loaded, EventFilter())["title"][0].as_py() == (
        "Rewritten meanwhile"
    )


def test_an_actors_parts_are_read_once_and_given_for_each_of_its_roles(
    loaded: Engine,
):
    """The registry's pieces of an actor's JSON object are read the first time a
    batch names the actor, and given back for every role it plays, in order."""
    with session_scope(loaded) as session, arrow_readers(session, 1) as readers:
        actors = session.execute(text("SELECT id, name FROM actor ORDER BY id")).all()
        name_of = dict(actors)
        a, b, c, d = (actor_id for actor_id, _ in actors[:4])
        asked: list[list[int]] = []

        def read(statement, params):
            asked.append(json.loads(params["ids"]))
            return readers[0].table(statement, params)

        parts = RegistryParts(ACTOR_PARTS, keep=3)
        roles = [[a, b, c, a], [b, c, d, d], [a]]
        given = [parts.of(read, pa.array(ids, pa.int64())) for ids in roles]
    for ids, table in zip(roles, given, strict=True):
        assert table["id"].to_pylist() == ids
        objects = [
            json.loads(head + ',"role":"target"' + tail + "}")
            for head, tail in zip(
                table["head"].to_pylist(), table["tail"].to_pylist(), strict=True
            )
        ]
        assert [item["name"] for item in objects] == [name_of[i] for i in ids]
    # The third batch finds four actors kept, past the three to keep: it reads
    # its own again and keeps only them.
    assert asked == [[a, b, c], [d], [a]]


def test_a_column_null_in_its_first_thousands_of_rows_keeps_its_text(engine):
    """SQLite's driver types a column by the values of its first batch of rows."""
    numbers = text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 3000) SELECT i, CASE WHEN i > 2500 THEN 'late' END AS word"
        " FROM n ORDER BY i"
    )
    with session_scope(engine) as session, arrow_readers(session, 1) as readers:
        table = readers[0].table(numbers, {})
    words = table["word"].to_pylist()
    assert words[:2500] == [None] * 2500 and words[2500:] == ["late"] * 500


def test_filter_values_are_bound_not_written_into_the_sql(loaded: Engine):
    """An apostrophe, a percent sign and a backslash reach the database as values:
    the events found are those whose title, notes or a quote holds the text, found
    here by Python."""
    with loaded.connect() as connection:
        events = connection.execute(text("SELECT id, title, notes, status FROM event"))
        texts = {
            id_: [title, notes]
            for id_, title, notes, status in events
            if status in COUNTED_STATUSES
        }
        quotes = connection.execute(text("SELECT event_id, quote FROM event_source"))
        for event_id, quote in quotes:
            if event_id in texts:
                texts[event_id].append(quote)
    for needle in ("people's", "100%", "a\\b", "'; drop table event; --"):
        table = export_table(loaded, EventFilter(text=needle))
        expected = {
            id_
            for id_, cells in texts.items()
            if any(needle in (cell or "").lower() for cell in cells)
        }
        assert set(table["id"].to_pylist()) == expected, needle
    assert export_table(loaded, EventFilter(text="people's")).num_rows > 0


def test_a_session_that_has_written_exports_its_own_writes(loaded: Engine):
    """Other connections cannot see a write not yet committed: such a session's
    export is read through the session itself, into the same tables."""
    committed = export_table(loaded, EventFilter())
    changed_id = committed["id"][3].as_py()
    with session_scope(loaded) as session:
        session.execute(
            text("UPDATE event SET title = 'Not yet committed' WHERE id = :id"),
            {"id": changed_id},
        )
        tables = iter_event_tables(session, EventFilter(), batch_size=SMALL_BATCH)
        pending = pa.concat_tables(list(tables))
        session.rollback()
    titles = committed["title"].to_pylist()
    titles[3] = "Not yet committed"
    assert pending["title"].to_pylist() == titles
    others = [name for name in committed.column_names if name != "title"]
    assert pending.select(others).equals(committed.select(others))


def test_a_statement_past_the_sessions_limit_is_stopped(database_url: str):
    """The statement time limit holds for an Arrow reader as for the session: a
    statement that would run for minutes stops at once with StatementTimeout."""
    engine = make_engine(database_url, statement_timeout=0.2)
    try:
        if engine.dialect.name == "postgresql":
            endless = text("SELECT pg_sleep(600) AS slept")
        else:
            endless = text(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                " WHERE x < 10000000000) SELECT count(*) AS n FROM c"
            )
        started = time.monotonic()
        with session_scope(engine) as session, arrow_readers(session, 1) as readers:
            with pytest.raises(StatementTimeout) as stopped:
                readers[0].table(endless, {})
        assert stopped.value.seconds == 0.2
        assert time.monotonic() - started < 30
    finally:
        engine.dispose()
