"""query indexes: event.date_end for date-range filters, and one covering the
timeline's aggregations (issue 7)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in tracker.models, written out: a migration must not change with the models.
TIMELINE_COLUMNS = (
    "date_start",
    "status",
    "event_type",
    "quad_class",
    "location_id",
    "date_end",
    "score",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
)


def upgrade() -> None:
    op.create_index("ix_event_date_end", "event", ["date_end"])
    op.create_index("ix_event_timeline", "event", list(TIMELINE_COLUMNS))


def downgrade() -> None:
    op.drop_index("ix_event_timeline", table_name="event")
    op.drop_index("ix_event_date_end", table_name="event")
