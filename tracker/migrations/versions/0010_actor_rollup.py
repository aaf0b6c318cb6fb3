"""actor rollup: each actor's events and marks per start year, last year, country,
type and status, kept exact by triggers on event_actor and event (issue 19)

The swimlanes rank actors by their matching events; without a filter that was a pass
over every actor role of a million events (about 3 s). Per actor and year, country,
type and status, the same counts are a sum over about 150,000 rows.

`events` counts an event once per actor, `marks` once per role (an actor in two
roles of one event draws two marks). Roles are written after their event, so the
triggers are on `event_actor`; `event` needs one only when an event changes a
column of the key or is deleted (BEFORE the delete: the cascade that removes its
roles comes after, when the event can no longer be read).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ("actor_id", "year_start", "year_last", "country", "event_type", "status")
# Columns of event whose change moves its actors to other rollup rows.
WATCHED = ("date_start", "date_end", "location_id", "event_type", "status")


def _year(dialect: str, value: str) -> str:
    if dialect == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {value}) AS INTEGER)"
    return f"CAST(strftime('%Y', {value}) AS INTEGER)"


def _event_key(dialect: str, row: str) -> tuple[str, ...]:
    """SQL for the rollup key of an event row (NEW, OLD or an alias), actor aside."""
    return (
        _year(dialect, f"{row}.date_start"),
        _year(dialect, f"coalesce({row}.date_end, {row}.date_start)"),
        f"coalesce((SELECT country FROM location WHERE id = {row}.location_id), '')",
        f"{row}.event_type",
        f"{row}.status",
    )


def _upsert(select_sql: str) -> str:
    """Add the selected (key..., events, marks) rows to the rollup."""
    return (
        f"INSERT INTO actor_rollup ({', '.join(KEY)}, events, marks) {select_sql} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
        "events = actor_rollup.events + excluded.events, "
        "marks = actor_rollup.marks + excluded.marks;"
    )


def _others(role: str, exclude: str) -> str:
    """SQL: whether the event of `role` holds its actor in a role other than `exclude`."""
    return (
        f"EXISTS (SELECT 1 FROM event_actor other WHERE other.event_id = {role}.event_id "
        f"AND other.actor_id = {role}.actor_id AND NOT (other.actor_id = {exclude}.actor_id "
        f"AND other.role = {exclude}.role AND other.event_id = {exclude}.event_id))"
    )


def _add_role(dialect: str, role: str, exclude: str) -> str:
    """Count one role in: a mark, and an event unless the actor has another role
    in it (other than the row `exclude`)."""
    key = ", ".join(_event_key(dialect, "e"))
    return _upsert(
        f"SELECT {role}.actor_id, {key}, "
        f"CASE WHEN {_others(role, exclude)} THEN 0 ELSE 1 END, 1 "
        f"FROM event e WHERE e.id = {role}.event_id"
    )


def _remove_role(dialect: str, role: str, exclude: str) -> str:
    """Count one role out; drop the row when it counts nothing. A no-op when the
    event is gone (its delete took its roles off already)."""
    key = ", ".join(_event_key(dialect, "e"))
    match = (
        f"actor_id = {role}.actor_id AND "
        f"(year_start, year_last, country, event_type, status) = "
        f"(SELECT {key} FROM event e WHERE e.id = {role}.event_id)"
    )
    return (
        "UPDATE actor_rollup SET marks = marks - 1, "
        f"events = events - CASE WHEN {_others(role, exclude)} THEN 0 ELSE 1 END "
        f"WHERE {match}; "
        f"DELETE FROM actor_rollup WHERE actor_id = {role}.actor_id AND marks = 0;"
    )


def _remove_event(dialect: str, row: str) -> str:
    """Take all of an event's roles off its rollup rows."""
    key = _event_key(dialect, row)
    match = " AND ".join(
        f"{column} = {value}" for column, value in zip(KEY[1:], key, strict=True)
    )
    actors = f"SELECT actor_id FROM event_actor WHERE event_id = {row}.id"
    return (
        "UPDATE actor_rollup SET events = events - 1, marks = marks - "
        f"(SELECT count(*) FROM event_actor r WHERE r.event_id = {row}.id "
        "AND r.actor_id = actor_rollup.actor_id) "
        f"WHERE actor_id IN ({actors}) AND {match}; "
        f"DELETE FROM actor_rollup WHERE actor_id IN ({actors}) AND marks = 0;"
    )


def _add_event(dialect: str, row: str) -> str:
    """Count all of an event's roles in, under its key."""
    key = ", ".join(_event_key(dialect, row))
    return _upsert(
        f"SELECT r.actor_id, {key}, 1, count(*) FROM event_actor r "
        f"WHERE r.event_id = {row}.id GROUP BY r.actor_id"
    )


def _backfill(dialect: str) -> str:
    key = _event_key(dialect, "e")
    return (
        f"INSERT INTO actor_rollup ({', '.join(KEY)}, events, marks) "
        f"SELECT r.actor_id, {', '.join(key)}, count(DISTINCT r.event_id), count(*) "
        "FROM event_actor r JOIN event e ON e.id = r.event_id "
        f"GROUP BY r.actor_id, {', '.join(key)}"
    )


def _role_deltas(added: str | None, removed: str | None) -> str:
    """PostgreSQL: count a statement's added and removed roles in and out. Per event
    and actor, marks change by added - removed; the event counts for the actor
    after the statement when it holds any role of it, and did before when it held
    (now - added + removed)."""
    nothing = "SELECT event_id, actor_id FROM event_actor WHERE false"
    changes = (
        f"SELECT event_id, actor_id, 1 AS a, 0 AS r FROM {added or '(' + nothing + ') n'} "
        f"UNION ALL SELECT event_id, actor_id, 0, 1 FROM {removed or '(' + nothing + ') o'}"
    )
    key = ", ".join(_event_key("postgresql", "e"))
    return (
        f"WITH pairs AS (SELECT event_id, actor_id, sum(a) AS a, sum(r) AS r "
        f"FROM ({changes}) c GROUP BY event_id, actor_id), "
        "counted AS (SELECT p.*, (SELECT count(*) FROM event_actor x "
        "WHERE x.event_id = p.event_id AND x.actor_id = p.actor_id) AS now "
        "FROM pairs p) "
        + _upsert(
            f"SELECT c.actor_id, {key}, "
            "sum(CASE WHEN c.now > 0 THEN 1 ELSE 0 END "
            "- CASE WHEN c.now - c.a + c.r > 0 THEN 1 ELSE 0 END), sum(c.a - c.r) "
            "FROM counted c JOIN event e ON e.id = c.event_id "
            f"GROUP BY c.actor_id, {key}"
        )
        + " DELETE FROM actor_rollup WHERE marks = 0 AND actor_id IN "
        f"(SELECT actor_id FROM ({changes}) c);"
    )


def _changed(old: str, new: str, dialect: str) -> str:
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in WATCHED)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "actor_rollup",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("year_start", sa.Integer(), nullable=False),
        sa.Column("year_last", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("marks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_actor_rollup")),
    )
    op.execute(_backfill(dialect))
    watched = ", ".join(WATCHED)
    if dialect == "postgresql":
        # Statement-level: PostgreSQL runs row triggers after the whole statement,
        # when a role's "does the actor keep another role here" already sees the
        # other roles the same DELETE took; the transition tables say it exactly,
        # and a batch of roles costs one statement.
        op.execute(
            "CREATE FUNCTION actor_rollup_roles() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'INSERT' THEN "
            f"{_role_deltas('new_roles', None)} "
            "ELSIF TG_OP = 'DELETE' THEN "
            f"{_role_deltas(None, 'old_roles')} "
            "ELSE "
            f"{_role_deltas('new_roles', 'old_roles')} "
            "END IF; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_roles"),
            ("DELETE", "OLD TABLE AS old_roles"),
            ("UPDATE", "OLD TABLE AS old_roles NEW TABLE AS new_roles"),
        ):
            op.execute(
                f"CREATE TRIGGER actor_rollup_roles_{event.lower()} AFTER {event} "
                f"ON event_actor REFERENCING {tables} FOR EACH STATEMENT "
                "EXECUTE FUNCTION actor_rollup_roles()"
            )
        op.execute(
            "CREATE FUNCTION actor_rollup_event() RETURNS trigger AS $$ BEGIN "
            f"{_remove_event(dialect, 'OLD')} "
            "IF TG_OP = 'UPDATE' THEN "
            f"{_add_event(dialect, 'NEW')} RETURN NULL; END IF; "
            "RETURN OLD; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER actor_rollup_event_update AFTER UPDATE OF {watched} "
            f"ON event FOR EACH ROW WHEN ({_changed('OLD', 'NEW', dialect)}) "
            "EXECUTE FUNCTION actor_rollup_event()"
        )
        op.execute(
            "CREATE TRIGGER actor_rollup_event_delete BEFORE DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION actor_rollup_event()"
        )
        return
    op.execute(
        "CREATE TRIGGER actor_rollup_role_insert AFTER INSERT ON event_actor "
        f"BEGIN {_add_role(dialect, 'NEW', 'NEW')} END"
    )
    op.execute(
        "CREATE TRIGGER actor_rollup_role_delete AFTER DELETE ON event_actor "
        f"BEGIN {_remove_role(dialect, 'OLD', 'OLD')} END"
    )
    op.execute(
        "CREATE TRIGGER actor_rollup_role_update AFTER UPDATE ON event_actor "
        f"BEGIN {_remove_role(dialect, 'OLD', 'NEW')} "
        f"{_add_role(dialect, 'NEW', 'NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER actor_rollup_event_update AFTER UPDATE OF {watched} ON event "
        f"WHEN {_changed('OLD', 'NEW', dialect)} "
        f"BEGIN {_remove_event(dialect, 'OLD')} {_add_event(dialect, 'NEW')} END"
    )
    op.execute(
        "CREATE TRIGGER actor_rollup_event_delete BEFORE DELETE ON event "
        f"BEGIN {_remove_event(dialect, 'OLD')} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER actor_rollup_roles_{event} ON event_actor")
        op.execute("DROP TRIGGER actor_rollup_event_update ON event")
        op.execute("DROP TRIGGER actor_rollup_event_delete ON event")
        op.execute("DROP FUNCTION actor_rollup_roles()")
        op.execute("DROP FUNCTION actor_rollup_event()")
    else:
        for name in ("role_insert", "role_delete", "role_update"):
            op.execute(f"DROP TRIGGER actor_rollup_{name}")
        for name in ("event_update", "event_delete"):
            op.execute(f"DROP TRIGGER actor_rollup_{name}")
    op.drop_table("actor_rollup")
