"""`tracker list --actor` matches registry names, aliases and ACLED's suffixed names,
in any case (issue 12); expected counts are SQL written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.test_cli import invoke
from tracker.db import make_engine

PERIODS_FILE = Path(__file__).resolve().parents[1] / "data/acled/period_suffixes.csv"


def events_of(url: str, actor: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(DISTINCT ea.event_id) FROM event_actor ea"
                    " JOIN actor a ON a.id = ea.actor_id"
                    " JOIN event e ON e.id = ea.event_id"
                    " WHERE a.name = :actor AND e.status = 'confirmed'"
                ),
                {"actor": actor},
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "name",
    ["Kremlin", "kremlin", "Government of Russia (2000-)", "GOVERNMENT OF RUSSIA"],
)
def test_list_by_an_alias_or_a_suffixed_name_lists_the_actors_events(
    database_url, name
):
    for args in (["seed"], ["import", "--format", "acled", str(PERIODS_FILE)]):
        result = invoke(database_url, *args)
        assert result.exit_code == 0, result.output
    expected = events_of(database_url, "Government of Russia")
    listed = invoke(database_url, "list", "--actor", name, "--status", "confirmed")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == expected > 8  # the seed's and the ACLED file's
    assert sum("Agreement: Government of Russia (2000-)" in line for line in lines) == 1
