"""event_actor.name_as_given, and actors registered under an ACLED period folded
into the actor without it (issue 12)

`name_as_given` is the name an event gave an actor when it is not the registry's,
e.g. ACLED's "Government of Russia (2000-)" for Government of Russia.

Imports before this revision registered "Government of Russia (2000-)" as an actor of
its own, beside "Government of Russia". Each such actor is folded into the actor its
name without the period names (found by name or alias, case-insensitively), or, when
there is none, renamed to it: its events then name that actor, keeping the suffixed
name in `name_as_given`, and the suffixed name becomes an alias. Downgrading drops
the column and leaves the folded registry as it is.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in tracker.store.registry, written out: a migration must not change with the code.
PERIOD_SUFFIX = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)\s*$")

ACTOR = sa.table("actor", sa.column("id"), sa.column("name"))
ALIAS = sa.table(
    "actor_alias",
    sa.column("actor_id"),
    sa.column("alias"),
    sa.column("alias_key"),
)
LINK = sa.table(
    "event_actor",
    sa.column("event_id"),
    sa.column("actor_id"),
    sa.column("role"),
    sa.column("name_as_given"),
)


def upgrade() -> None:
    with op.batch_alter_table("event_actor") as batch:
        batch.add_column(sa.Column("name_as_given", sa.String(200), nullable=True))
    fold_periods(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("event_actor") as batch:
        batch.drop_column("name_as_given")


def fold_periods(connection: sa.Connection) -> None:
    """Fold each actor named with a period into the actor named without it."""
    actors = connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name)).all()
    by_name = {name.strip().casefold(): actor_id for actor_id, name in actors}
    by_alias = dict(
        connection.execute(sa.select(ALIAS.c.alias_key, ALIAS.c.actor_id)).all()
    )
    for actor_id, name in actors:
        base = PERIOD_SUFFIX.sub("", name).strip()
        if not base or base == name.strip():
            continue
        key = base.casefold()
        connection.execute(
            sa.update(LINK)
            .where(LINK.c.actor_id == actor_id)
            .values(name_as_given=name)
        )
        target = by_name.get(key) or by_alias.get(key)
        if target is None or target == actor_id:
            connection.execute(
                sa.update(ACTOR).where(ACTOR.c.id == actor_id).values(name=base)
            )
            by_name[key] = target = actor_id
        else:
            _move_actor(connection, actor_id, target)
            by_alias = {k: target if v == actor_id else v for k, v in by_alias.items()}
        by_name.pop(name.strip().casefold(), None)
        alias_key = name.strip().casefold()
        if alias_key not in by_alias:
            connection.execute(
                sa.insert(ALIAS).values(
                    actor_id=target, alias=name.strip(), alias_key=alias_key
                )
            )
            by_alias[alias_key] = target


def _move_actor(connection: sa.Connection, source: int, target: int) -> None:
    """Give `source`'s events and aliases to `target`, then delete `source`."""
    held = set(
        connection.execute(
            sa.select(LINK.c.event_id, LINK.c.role).where(LINK.c.actor_id == target)
        ).all()
    )
    # An event naming both in one role keeps one link: the key allows no other.
    for event_id, role in connection.execute(
        sa.select(LINK.c.event_id, LINK.c.role).where(LINK.c.actor_id == source)
    ).all():
        if (event_id, role) in held:
            connection.execute(
                sa.delete(LINK).where(
                    LINK.c.actor_id == source,
                    LINK.c.event_id == event_id,
                    LINK.c.role == role,
                )
            )
    connection.execute(
        sa.update(LINK).where(LINK.c.actor_id == source).values(actor_id=target)
    )
    connection.execute(
        sa.update(ALIAS).where(ALIAS.c.actor_id == source).values(actor_id=target)
    )
    connection.execute(sa.delete(ACTOR).where(ACTOR.c.id == source))
