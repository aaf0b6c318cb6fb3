"""A statement that runs past the engine's time limit is stopped, reported as
`StatementTimeout` and rolled back, on SQLite and PostgreSQL (issue #19: queries
kept running on the server after their clients had gone).

Each slow statement would run for minutes if nothing stopped it, so a limit that
does not work fails the test rather than passing it slowly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from tracker.db import limit_statements, make_engine, session_scope
from tracker.errors import StatementTimeout
from tracker.models import Actor

LIMIT_S = 0.05


@pytest.fixture
def limited_engine(database_url: str) -> Iterator[Engine]:
    """An engine whose statements may run LIMIT_S seconds, as the dashboard's do."""
    engine = make_engine(database_url, statement_timeout=LIMIT_S)
    yield engine
    engine.dispose()


def slow_statement(engine: Engine, *, endless: bool = False):
    """A statement that runs far longer than LIMIT_S: half a second or more, or
    (`endless`) many minutes."""
    if engine.dialect.name == "postgresql":
        return text(f"SELECT pg_sleep({600 if endless else 0.5})")
    # SQLite counts two to ten million rows a second.
    rows = 10_000_000_000 if endless else 3_000_000
    return text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        f"WHERE x < {rows}) SELECT count(*) FROM c"
    )


def actor_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Actor)).scalar_one()


def test_statement_past_the_limit_is_stopped_and_its_work_rolled_back(limited_engine):
    with pytest.raises(StatementTimeout) as stopped:
        with session_scope(limited_engine) as session:
            session.add(Actor(name="Written before the slow statement"))
            session.flush()
            session.execute(slow_statement(limited_engine, endless=True))
    assert str(stopped.value) == (
        "the database took longer than 0.05 s to answer and was stopped; nothing "
        "changed: try a narrower filter, or again when it is less busy"
    )
    assert stopped.value.seconds == LIMIT_S
    assert actor_count(limited_engine) == 0  # nothing changed
    assert limited_engine.pool.checkedout() == 0  # the connection serves again


def test_statements_within_the_limit_answer(limited_engine):
    with session_scope(limited_engine) as session:
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_limit_statements_changes_the_limit_for_one_unit_of_work_only(
    limited_engine,
):
    with session_scope(limited_engine) as session:
        limit_statements(session, None)  # a download's batches may take longer
        session.execute(slow_statement(limited_engine)).all()
    with pytest.raises(StatementTimeout):  # the next unit has the engine's limit
        with session_scope(limited_engine) as session:
            session.execute(slow_statement(limited_engine, endless=True)).all()


def test_limit_statements_can_tighten_the_limit(database_url):
    engine = make_engine(database_url)  # no limit, as the command line's
    try:
        with pytest.raises(StatementTimeout) as stopped:
            with session_scope(engine) as session:
                limit_statements(session, LIMIT_S)
                session.execute(slow_statement(engine, endless=True)).all()
        assert stopped.value.seconds == LIMIT_S
        with session_scope(engine) as session:  # and back to no limit after
            session.execute(slow_statement(engine)).all()
    finally:
        engine.dispose()
