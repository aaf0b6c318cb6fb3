"""the duplicates queue's index: duplicate_candidate (status, score, id) (issue 14)

The queue lists open candidates by score, highest first; without an index leading
with (status, score) every page sorted all open candidates (about a second at
100,000 on SQLite).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_duplicate_candidate_queue",
        "duplicate_candidate",
        ["status", "score", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_duplicate_candidate_queue", table_name="duplicate_candidate")
