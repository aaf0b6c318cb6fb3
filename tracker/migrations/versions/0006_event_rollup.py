"""event rollup: the timeline's sums per day, country, type, precision and status,
kept exact by triggers on event (issue 7)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
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
# Columns of event whose change moves an event to another rollup row or changes a sum.
WATCHED = (
    "date_start",
    "date_end",
    "location_id",
    "event_type",
    "quad_class",
    "date_precision",
    "status",
    "score",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "children_killed",
)


def _key_values(row: str) -> tuple[str, ...]:
    """SQL for the rollup key of an event row (NEW, OLD, or a table alias)."""
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
    """SQL for one event's contribution to each sum."""
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
    """Add one event's figures to its rollup row, creating the row if needed."""
    columns = ", ".join(KEY + SUMS)
    values = ", ".join(_key_values(row) + _sum_values(row))
    adds = ", ".join(f"{s} = event_rollup.{s} + excluded.{s}" for s in SUMS)
    return (
        f"INSERT INTO event_rollup ({columns}) VALUES ({values}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {adds};"
    )


def _remove(row: str) -> str:
    """Take one event's figures off its rollup row; drop the row when empty."""
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


def _backfill() -> str:
    columns = ", ".join(KEY + SUMS)
    keys = ", ".join(_key_values("e"))
    sums = ", ".join(f"sum({value})" for value in _sum_values("e"))
    return (
        f"INSERT INTO event_rollup ({columns}) SELECT {keys}, {sums} FROM event e "
        f"GROUP BY {', '.join(str(i) for i in range(1, len(KEY) + 1))}"
    )


def upgrade() -> None:
    op.create_table(
        "event_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_last", sa.Date(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("quad_class", sa.Integer(), nullable=False),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.Column("fatal_events", sa.Integer(), nullable=False),
        sa.Column("fatal_best", sa.Integer(), nullable=False),
        sa.Column("fatal_low", sa.Integer(), nullable=False),
        sa.Column("fatal_high", sa.Integer(), nullable=False),
        sa.Column("children_killed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_rollup")),
        sa.UniqueConstraint(*KEY, name=op.f("uq_event_rollup_key")),
    )
    op.create_index("ix_event_rollup_date_last", "event_rollup", ["date_last"])
    op.execute(_backfill())
    watched = ", ".join(WATCHED)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION event_rollup_sync() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
            f"{_remove('OLD')} END IF; "
            "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
            f"{_add('NEW')} END IF; "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER event_rollup_sync AFTER INSERT OR DELETE OR UPDATE OF "
            f"{watched} ON event FOR EACH ROW EXECUTE FUNCTION event_rollup_sync()"
        )
        return
    op.execute(
        f"CREATE TRIGGER event_rollup_insert AFTER INSERT ON event BEGIN {_add('NEW')} END"
    )
    op.execute(
        "CREATE TRIGGER event_rollup_delete AFTER DELETE ON event "
        f"BEGIN {_remove('OLD')} END"
    )
    op.execute(
        f"CREATE TRIGGER event_rollup_update AFTER UPDATE OF {watched} ON event "
        f"BEGIN {_remove('OLD')} {_add('NEW')} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER event_rollup_sync ON event")
        op.execute("DROP FUNCTION event_rollup_sync()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER event_rollup_{name}")
    op.drop_index("ix_event_rollup_date_last", table_name="event_rollup")
    op.drop_table("event_rollup")
