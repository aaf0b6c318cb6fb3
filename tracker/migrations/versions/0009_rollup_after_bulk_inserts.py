"""event rollup: a bulk import adds its events' sums in one statement (issue 19)

On PostgreSQL the rollup trigger of 0006 now leaves inserted rows alone in a
transaction that set `tracker.rollup_by_statement` to 'on' (`SET LOCAL`): the writer
that set it adds the sums of the rows it inserted itself, with one grouped statement
(`tracker.store.rollup_writes`). Other sessions and other statements are unaffected,
and nothing is locked. SQLite needs no schema change: its writer drops the insert
trigger inside its own transaction and creates it again before commit.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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


def _key_values(row: str) -> tuple[str, ...]:
    return (
        f"{row}.date_start",
        f"coalesce({row}.date_end, {row}.date_start)",
        f"coalesce((SELECT country FROM location WHERE id = {row}.location_id), '')",
        f"{row}.event_type",
        f"{row}.quad_class",
        f"{row}.date_precision",
        f"{row}.status",
    )


def _sum_values(row: str) -> tuple[str, ...]:
    best = (
        f"coalesce({row}.fatalities_best, {row}.fatalities_low, {row}.fatalities_high)"
    )
    low = (
        f"coalesce({row}.fatalities_low, {row}.fatalities_best, {row}.fatalities_high)"
    )
    high = (
        f"coalesce({row}.fatalities_high, {row}.fatalities_best, {row}.fatalities_low)"
    )
    return (
        "1",
        f"{row}.score",
        f"CASE WHEN {best} IS NULL THEN 0 ELSE 1 END",
        f"coalesce({best}, 0)",
        f"coalesce({low}, 0)",
        f"coalesce({high}, 0)",
        f"coalesce({row}.children_killed, 0)",
    )


def _add(row: str) -> str:
    columns = ", ".join(KEY + SUMS)
    values = ", ".join(_key_values(row) + _sum_values(row))
    adds = ", ".join(f"{s} = event_rollup.{s} + excluded.{s}" for s in SUMS)
    return (
        f"INSERT INTO event_rollup ({columns}) VALUES ({values}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {adds};"
    )


def _remove(row: str) -> str:
    match = " AND ".join(
        f"{column} = {value}"
        for column, value in zip(KEY, _key_values(row), strict=True)
    )
    subtracts = ", ".join(
        f"{column} = {column} - {value}"
        for column, value in zip(SUMS, _sum_values(row), strict=True)
    )
    return (
        f"UPDATE event_rollup SET {subtracts} WHERE {match}; "
        f"DELETE FROM event_rollup WHERE {match} AND events = 0;"
    )


def _function(skip_by_statement: bool) -> str:
    skip = (
        "IF TG_OP = 'INSERT' AND "
        "current_setting('tracker.rollup_by_statement', true) = 'on' THEN "
        "RETURN NULL; END IF; "
        if skip_by_statement
        else ""
    )
    return (
        "CREATE OR REPLACE FUNCTION event_rollup_sync() RETURNS trigger AS $$ BEGIN "
        f"{skip}"
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        f"{_remove('OLD')} END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        f"{_add('NEW')} END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(skip_by_statement=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(skip_by_statement=False))
