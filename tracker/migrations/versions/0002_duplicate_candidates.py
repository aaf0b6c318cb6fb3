"""duplicate candidates, and a coordinates index on locations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "event_id < other_id", name=op.f("ck_duplicate_candidate_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_duplicate_candidate_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["event.id"],
            name=op.f("fk_duplicate_candidate_other_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidate")),
        sa.UniqueConstraint(
            "event_id",
            "other_id",
            name=op.f("uq_duplicate_candidate_event_id_other_id"),
        ),
    )
    with op.batch_alter_table("duplicate_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duplicate_candidate_other_id"), ["other_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_duplicate_candidate_status"), ["status"], unique=False
        )

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(
            "ix_location_latitude_longitude", ["latitude", "longitude"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index("ix_location_latitude_longitude")

    with op.batch_alter_table("duplicate_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_candidate_status"))
        batch_op.drop_index(batch_op.f("ix_duplicate_candidate_other_id"))

    op.drop_table("duplicate_candidate")
