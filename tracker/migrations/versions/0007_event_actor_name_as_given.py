"""event_actor.name_as_given: the name an event gave an actor when it is not the
registry's, e.g. ACLED's "Government of Russia (2000-)" (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event_actor") as batch:
        batch.add_column(sa.Column("name_as_given", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event_actor") as batch:
        batch.drop_column("name_as_given")
