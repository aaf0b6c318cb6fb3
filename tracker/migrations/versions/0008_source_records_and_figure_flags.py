"""source_record (the row an imported event was read from) and event.figures_flag
(issue 17)

`source_record` keeps, per imported event, the file's header and its cells verbatim,
so an export in the same format gives the row back cell for cell, and the event's
version it was stored at (a later version was edited since). Events imported
before this revision have none: a re-import of their file adds it (the row's content
hash changes, so each event is updated once).

`event.figures_flag` says why an event's figures break low <= best <= high when the
dataset published them so (UCDP's "Check deaths" rows).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "source_record",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("columns", JSON_TYPE, nullable=False),
        sa.Column("cells", JSON_TYPE, nullable=False),
        sa.Column("event_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_source_record_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_source_record")),
    )
    # Plain ALTER TABLE: a batch (copy and move) would drop the rollup's triggers.
    op.add_column("event", sa.Column("figures_flag", sa.String(300), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE event DROP COLUMN figures_flag")  # SQLite 3.35+ too
    op.drop_table("source_record")
