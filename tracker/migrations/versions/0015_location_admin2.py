"""location.admin2: a place's district, raion or municipality by name (issue 14)

ACLED (`admin2`) and UCDP GED (`adm_2`) name the second-level unit a place lies in;
imports before this revision dropped it. GDELT gives only a code
(ActionGeo_ADM2Code), which is not a name and is not stored here.

admin2 is not part of a place's identity (`LocationIn.key`, `location_key`):

- Places stored before this revision have keys without it. Were admin2 in the key,
  re-importing a file already in the database would find none of its places and
  register each again beside the old one, and events would move to the copies: an
  import that should change nothing would rewrite the registry.
- Name, admin1, country, coordinates (to four decimals) and precision already tell
  places apart; two places that agree on all of them and differ only in admin2 are
  one place named twice, not two places.

So a place found by its key keeps its admin2, or is given one by an import when it
has none (`tracker.store.registry.fill_in_admin2`); a single save (the form) is an
analyst's explicit word and sets it. An event's content hash leaves admin2 out, so
every event stored before this revision still hashes as unchanged on re-import.

Upgrading fills in admin2 for the places of ACLED events stored before, from the
`admin2` cell of their stored ACLED source record (the file as it was read); UCDP
events keep no source record, so their places get theirs on their next import of a
new or changed event. Downgrading drops the column.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The stored ACLED cell, read as JSON text by each dialect (cells is JSONB on
# PostgreSQL, JSON text on SQLite).
ADMIN2_CELL = {
    "postgresql": "r.cells ->> 'admin2'",
    "sqlite": "json_extract(r.cells, '$.admin2')",
}


# Plain ALTER TABLE on both backends: a batch copy of `location` on SQLite would
# break the rollup triggers (migration 0006) that read it while it is renamed.
def upgrade() -> None:
    op.add_column("location", sa.Column("admin2", sa.String(200), nullable=True))
    fill_in_from_acled_records(op.get_bind())


def downgrade() -> None:
    op.drop_column("location", "admin2")  # SQLite 3.35 and later drop in place


def fill_in_from_acled_records(connection: sa.Connection) -> None:
    """Give each place of stored ACLED events the admin2 its rows named (the first
    by name where they differ), trimmed and cut to 200 characters as a read is."""
    cell = ADMIN2_CELL.get(connection.dialect.name)
    if cell is None:
        return
    connection.execute(
        sa.text(
            f"""
            UPDATE location SET admin2 = (
                SELECT substr(min(nullif(trim({cell}), '')), 1, 200)
                FROM event e JOIN source_record r ON r.event_id = e.id
                WHERE e.location_id = location.id AND r.format = 'acled'
            )
            WHERE admin2 IS NULL
            """
        )
    )
