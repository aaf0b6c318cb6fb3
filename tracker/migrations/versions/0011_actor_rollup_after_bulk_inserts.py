"""actor rollup: a bulk import counts its roles in with one statement (issue 19)

On PostgreSQL the actor rollup's INSERT trigger on `event_actor` (0010) now leaves a
statement alone in a transaction that set `tracker.rollup_by_statement` to 'on'
(`SET LOCAL`, as the event rollup's trigger does since 0009): the writer that set it
counts the roles it inserted itself (`tracker.store.actor_rollup.count_roles_in`).
The trigger's own statement looks every added (event, actor) pair up in
`event_actor` again to tell whether the actor holds another role in the event; for
events the writer has just created there is none to find, and that look-up was the
largest part of a bulk import's time on the server (0.6 s of about 1.7 s per 10,000
events).

The condition is the trigger's WHEN rather than a test in its function: the function
is then not even called, and 0010's function stays as it is. Deletes and updates keep
their triggers, and so does every statement of a transaction that did not set it.
SQLite needs no schema change: its writer drops the row trigger inside its own
transaction and creates it again before commit.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SKIP_WHEN_SET = (
    "WHEN (current_setting('tracker.rollup_by_statement', true) IS DISTINCT FROM 'on')"
)


def _insert_trigger(condition: str) -> str:
    return (
        "CREATE TRIGGER actor_rollup_roles_insert AFTER INSERT ON event_actor "
        f"REFERENCING NEW TABLE AS new_roles FOR EACH STATEMENT {condition} "
        "EXECUTE FUNCTION actor_rollup_roles()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER actor_rollup_roles_insert ON event_actor")
        op.execute(_insert_trigger(SKIP_WHEN_SET))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER actor_rollup_roles_insert ON event_actor")
        op.execute(_insert_trigger(""))
