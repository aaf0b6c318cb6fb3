"""The timeline rollup of events inserted in bulk, added with one grouped statement
per thousand events instead of a trigger run per row (issue 19).

`event_rollup` is kept exact by triggers (migration 0006); for a row-by-row write
that is right. A bulk import inserts tens of thousands of rows a second, and the
per-row trigger was a third of its cost. Around its inserts, `rollup_by_statement`
turns the insert trigger off for this transaction only (SQLite: the trigger is
dropped and created again inside the transaction; PostgreSQL: a transaction-local
setting the trigger function reads, migration 0009), and `add_to_rollup` adds the
inserted events' sums, grouped, in the same transaction. Updates and deletes keep
their triggers. The sums are the trigger's (0006): checked against a recount in
tests/storage/test_rollup.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import Session

KEY = (
    "date_start",
    "date_last",
    "country",
    "event_type",
    "quad_class",
    "date_precision",
    "status",
)
SUMS = (
    "events",
    "score_sum",
    "fatal_events",
    "fatal_best",
    "fatal_low",
    "fatal_high",
    "children_killed",
)
INSERT_TRIGGER = "event_rollup_insert"  # SQLite's (0006)
CHUNK = 1000  # event ids per statement


def _key_and_sums() -> str:
    """The rollup key and sums of the events aliased `e`, as select columns."""
    best = "coalesce(e.fatalities_best, e.fatalities_low, e.fatalities_high)"
    low = "coalesce(e.fatalities_low, e.fatalities_best, e.fatalities_high)"
    high = "coalesce(e.fatalities_high, e.fatalities_best, e.fatalities_low)"
    return ", ".join(
        (
            "e.date_start",
            "coalesce(e.date_end, e.date_start)",
            "coalesce(l.country, '')",
            "e.event_type",
            "e.quad_class",
            "e.date_precision",
            "e.status",
            "count(*)",
            "sum(e.score)",
            f"sum(CASE WHEN {best} IS NULL THEN 0 ELSE 1 END)",
            f"sum(coalesce({best}, 0))",
            f"sum(coalesce({low}, 0))",
            f"sum(coalesce({high}, 0))",
            "sum(coalesce(e.children_killed, 0))",
        )
    )


def add_to_rollup(session: Session, event_ids: Sequence[int]) -> None:
    """Add the sums of these events, inserted while `rollup_by_statement` held, to
    the rollup."""
    adds = ", ".join(f"{s} = event_rollup.{s} + excluded.{s}" for s in SUMS)
    group = ", ".join(str(i) for i in range(1, len(KEY) + 1))
    for start in range(0, len(event_ids), CHUNK):
        chunk = ", ".join(str(int(i)) for i in event_ids[start : start + CHUNK])
        session.execute(
            text(
                f"INSERT INTO event_rollup ({', '.join(KEY + SUMS)}) "
                f"SELECT {_key_and_sums()} FROM event e "
                "LEFT JOIN location l ON l.id = e.location_id "
                f"WHERE e.id IN ({chunk}) GROUP BY {group} "
                f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {adds}"
            )
        )


@contextmanager
def rollup_by_statement(session: Session) -> Iterator[None]:
    """Inserts into `event` in this block leave the rollup to `add_to_rollup`.

    For this transaction only; the trigger is back when the block ends. If the
    block raises, the transaction must roll back (the import's does), and nothing
    of this remains."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL tracker.rollup_by_statement = 'on'"))
        yield
        session.execute(text("SET LOCAL tracker.rollup_by_statement = 'off'"))
        return
    with without_sqlite_trigger(session, INSERT_TRIGGER):
        yield


@contextmanager
def without_sqlite_trigger(session: Session, name: str) -> Iterator[None]:
    """SQLite: the trigger `name` dropped for the block and created again after it,
    inside the transaction (SQLite's schema is transactional: a rollback brings it
    back too, and other connections never see it gone)."""
    definition = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": name},
    ).scalar_one()
    session.execute(text(f"DROP TRIGGER {name}"))
    yield
    session.execute(text(definition))
