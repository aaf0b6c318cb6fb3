"""One filter, one answer (issue 15): for ten filter strings, the API's event ids
are those of the dashboard's events table and of `tracker list` and `tracker
export` for the same filter, in the same order, on SQLite and PostgreSQL.

The data are the seed events and a real ACLED extract of Ukraine (1,000 rows)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qsl

import pytest
from click.testing import CliRunner

from dashboard.app import create_app
from dashboard.services import ENGINE_KEY, reads
from tests.api.conftest import all_event_ids
from tests.conftest import require_shared
from tracker.cli.events import FILTER_OPTIONS
from tracker.cli.main import main
from tracker.query.filters import parse_query_string

FILTERS = [
    "",
    "event_types=ASSAULT&event_types=PROTEST",
    "countries=UKR&since=2021-01-01&until=2021-12-31",
    "admin1=Donetsk&admin1=Luhansk",
    "acled_event_types=Protests",
    "min_fatalities=1",
    "actors=Military+Forces+of+Russia",
    "text=shelling",
    "statuses=confirmed&statuses=proposed&datasets=seed",
    "civilians_targeted=1&max_fatalities=10",
]
BOOLEAN_FIELDS = {"flagged_figures", "civilians_targeted"}


@pytest.fixture(scope="module")
def acled_database(api_database: str) -> str:
    """The module's database with the ACLED extract imported."""
    path = require_shared() / "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
    result = CliRunner().invoke(
        main,
        ["--database-url", api_database, "import", str(path), "--no-duplicate-check"],
    )
    assert result.exit_code == 0, result.output
    return api_database


@pytest.fixture(scope="module")
def dashboard_app(acled_database: str):
    """The dashboard in this process, to call its events table's service."""
    app = create_app(acled_database)
    yield app
    app.server.config[ENGINE_KEY].dispose()


def cli_options(query: str) -> list[str]:
    """The CLI's options for a URL's filter, by the CLI's own option names."""
    options: list[str] = []
    for name, value in parse_qsl(query):
        flag = FILTER_OPTIONS[name][0]
        options.extend([flag] if name in BOOLEAN_FIELDS else [flag, value])
    return options


def table_ids(app, query: str) -> list[int]:
    """The dashboard's events table, all rows on one page, in its date order."""
    event_filter, problems = parse_query_string(query)
    assert problems == []
    with app.server.app_context():
        total = reads.count_matching_events(event_filter)
        page = reads.event_table_page(
            event_filter,
            sort="date_start",
            descending=False,
            start=0,
            size=max(total, 1),
            total=total,
        )
    return [row.id for row in page.rows]


def list_ids(url: str, query: str) -> list[int]:
    result = CliRunner().invoke(
        main, ["--database-url", url, "list", "--limit", "100000", *cli_options(query)]
    )
    assert result.exit_code == 0, result.output
    return [int(line.split()[0]) for line in result.stdout.splitlines()]


def export_ids(url: str, query: str) -> list[int]:
    result = CliRunner().invoke(
        main, ["--database-url", url, "export", "--format", "csv", *cli_options(query)]
    )
    assert result.exit_code == 0, result.output
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(result.stdout))]


@pytest.mark.parametrize("query", FILTERS)
def test_the_api_the_table_and_the_cli_list_the_same_events(
    query, acled_database, dashboard_app, api_server, api_tokens
):
    api = all_event_ids(api_server, query, api_tokens["viewer"], limit=250)
    assert api, f"{query!r} should match some events"
    assert api == table_ids(dashboard_app, query)
    assert api == list_ids(acled_database, query)
    assert api == export_ids(acled_database, query)
