"""`tracker list --actor` matches registry names, aliases and ACLED's suffixed names,
in any case (issue 12); expected counts are SQL written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import invoke
from tests.conftest import count_confirmed_events_of

PERIODS_FILE = Path(__file__).resolve().parents[1] / "data/acled/period_suffixes.csv"


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
    expected = count_confirmed_events_of(database_url, "Government of Russia")
    listed = invoke(database_url, "list", "--actor", name, "--status", "confirmed")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == expected > 8  # the seed's and the ACLED file's
    assert sum("Agreement: Government of Russia (2000-)" in line for line in lines) == 1
