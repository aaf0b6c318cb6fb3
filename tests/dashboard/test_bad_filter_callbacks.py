"""Bad filter values in the pages and callbacks, over real HTTP, on both databases
(issue #18).

The dashboard runs as its own process over a seeded database of each backend (Dash
hands its callbacks to the first app of a process, so one server per database is
the honest setup). Each test posts to /_dash-update-component what Dash's renderer
would, built from the app's own /_dash-dependencies, and reads the answer: never a
server error; a page says which values it ignored, and its export link leaves them
out; a list of 10,000 actors answers as its one known actor does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard import ids
from tests.browser.conftest import PASSWORD, running_server
from tests.conftest import BACKENDS, POSTGRES_URL, REPO_ROOT, postgres_unavailable
from tests.dashboard.test_authorization import Browser
from tracker.db import make_engine, session_scope, upgrade_database
from tracker.models import Role
from tracker.seed import seed_database
from tracker.store import accounts

HUGE = "99999999999999999999999"
IGNORED_NOTE = "Some filter values in the address were ignored."
# The Government of Ukraine is an actor of 5 seed events (as the one-actor filter
# shows); the other 9,999 names match nobody.
KNOWN_ACTOR = "Government of Ukraine"
TEN_THOUSAND_ACTORS = [KNOWN_ACTOR] + [f"Nobody {n:05}" for n in range(9_999)]


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A seeded database of its own for this module's server, with a `viewer`."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bad-filters') / 'tracker.db'}"
        yield prepare(url)
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach it is a skip
        admin.dispose()
        postgres_unavailable(f"cannot reach {POSTGRES_URL}: {error}")
    url = make_url(POSTGRES_URL).set(database=name)
    yield prepare(url.render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str) -> str:
    """Migrate and seed the database at `url` and add the `viewer` account."""
    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        seed_database(session, REPO_ROOT / "seed_data")
        accounts.create_user(session, "viewer", PASSWORD, Role.VIEWER)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def client(database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """A client logged in as `viewer` to the dashboard serving `database_url`."""
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(database_url, log_path) as base:
        client = Browser(base)
        client.log_in("viewer")
        client.log_path = log_path
        yield client


@pytest.fixture(scope="module")
def dependencies(client: Browser) -> list[dict[str, Any]]:
    status, body = client.get("/_dash-dependencies")
    assert status == 200, body
    return json.loads(body)


def answer(
    client: Browser, dependencies: list[dict], trigger: str, values: dict[str, Any]
) -> dict[str, Any]:
    """POST the callback whose input is `trigger` ("id.property") with `values` for
    its inputs and states; its response, which must be a 200."""
    spec = next(
        s
        for s in dependencies
        if any(f"{i['id']}.{i['property']}" == trigger for i in s["inputs"])
    )
    parts = [p.rpartition(".") for p in spec["output"].strip(".").split("...")]
    outputs = [
        # A pattern id is written as its JSON in the spec.
        {"id": json.loads(c) if c.startswith("{") else c, "property": prop}
        for c, _, prop in parts
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [
            {**i, "value": values.get(f"{i['id']}.{i['property']}")}
            for i in spec["inputs"]
        ],
        "state": [
            {**s, "value": values.get(f"{s['id']}.{s['property']}")}
            for s in spec.get("state", [])
        ],
        "changedPropIds": [trigger],
    }
    status, reply = client.post(
        "/_dash-update-component", json.dumps(body).encode(), "application/json"
    )
    assert status == 200, reply
    return json.loads(reply)["response"]


def page(client: Browser, dependencies: list[dict], path: str) -> Any:
    """The component tree of the page at `path` (with its query string)."""
    pathname, _, search = path.partition("?")
    response = answer(
        client,
        dependencies,
        "_pages_location.pathname",
        {
            "_pages_location.pathname": pathname,
            "_pages_location.search": "?" + search if search else "",
        },
    )
    return response["_pages_content"]["children"]


def find(tree: Any, component_id: str) -> dict[str, Any] | None:
    """The component with `component_id` in a JSON component tree."""
    if isinstance(tree, list):
        return next((f for t in tree if (f := find(t, component_id))), None)
    if not isinstance(tree, dict):
        return None
    props = tree.get("props", {})
    if props.get("id") == component_id:
        return tree
    return find(props.get("children"), component_id)


def texts(tree: Any) -> str:
    """All the text of a JSON component tree, in order."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(texts(t) for t in tree)
    if isinstance(tree, dict):
        return texts(tree.get("props", {}).get("children"))
    return ""


def grid_rows(client: Browser, dependencies: list[dict], query: str) -> list[int]:
    """The ids of the first page of the events table for `query`."""
    grid = find(page(client, dependencies, f"/events?{query}"), ids.EVENTS_GRID)
    return [row["id"] for row in grid["props"]["rowData"]]


def swimlanes(client: Browser, dependencies: list[dict], query: str) -> dict:
    """The swimlanes figure and the actors-involved count for `query` (without the
    chart's data link, which repeats the filter as given)."""
    response = answer(
        client,
        dependencies,
        f"{ids.TIMELINE_LANES}.value",
        {f"{ids.TIMELINE_LANES}.value": 8, f"{ids.TIMELINE_FILTER}.data": query},
    )
    return {k: v for k, v in response.items() if ids.TIMELINE_CHART_DATA not in k}


def map_markers(client: Browser, dependencies: list[dict], query: str) -> list:
    """Where the map's markers stand, and their sizes, over the outline basemap for
    `query` (their links repeat the filter, so only these are compared)."""
    response = answer(
        client,
        dependencies,
        f"{ids.MAP_BASEMAP_READY}.data",  # the basemap, once its Plotly is there
        {f"{ids.MAP_BASEMAP_READY}.data": "outline", f"{ids.MAP_FILTER}.data": query},
    )
    traces = response[ids.MAP_GRAPH]["figure"]["data"]
    return [
        (t.get("lat"), t.get("lon"), t.get("marker", {}).get("size")) for t in traces
    ]


def server_errors(client: Browser) -> list[str]:
    log: Path = client.log_path
    return [line for line in log.read_text().splitlines() if "Traceback" in line]


# --- regressions of issue #18 --------------------------------------------------------


def test_the_edit_page_of_a_too_large_id_says_not_found(client, dependencies):
    # Issue #18: /events/99999999999999999999999/edit was a 500.
    tree = page(client, dependencies, f"/events/{HUGE}/edit")
    assert f"There is no event with id {HUGE}: it may never have existed." in texts(
        tree
    )
    assert server_errors(client) == []


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (
            "min_fatalities=%C2%B2",
            "min_fatalities: must be a whole number of 0 or more, in the digits 0-9 "
            "(got '²')",
        ),
        (
            f"min_fatalities={HUGE}",
            f"min_fatalities: must be at most 2,147,483,647 (got '{HUGE}')",
        ),
        (
            "since=2022-02-30",
            "since: is not a calendar date (day is out of range for month) "
            "(got '2022-02-30')",
        ),
    ],
)
@pytest.mark.parametrize(
    ("path", "export_id"),
    [
        ("/", ids.TIMELINE_EXPORT),
        ("/map", ids.MAP_EXPORT),
        ("/events", ids.EVENTS_EXPORT),
    ],
)
def test_a_page_names_the_values_it_ignored_and_exports_only_the_rest(
    client, dependencies, path, export_id, bad, said
):
    # Issue #18: the value was dropped in silence and the export sent every event.
    tree = page(client, dependencies, f"{path}?{bad}&countries=UKR")
    notice = find(tree, ids.FILTER_IGNORED)
    assert notice is not None
    assert texts(notice).startswith(IGNORED_NOTE)
    assert said in texts(notice)
    export = find(tree, export_id)
    assert export["props"]["href"] == "/export.csv?countries=UKR"
    assert server_errors(client) == []


def test_a_page_with_good_values_shows_no_notice(client, dependencies):
    tree = page(client, dependencies, "/events?countries=UKR&min_fatalities=1")
    assert find(tree, ids.FILTER_IGNORED) is None
    assert find(tree, ids.EVENTS_EXPORT)["props"]["href"] == (
        "/export.csv?countries=UKR&min_fatalities=1"
    )


@pytest.mark.parametrize(
    "bad", ["min_fatalities=%C2%B2", f"min_fatalities={HUGE}", "until=2022-02-30"]
)
def test_the_table_and_charts_answer_a_bad_value_for_the_other_filters(
    client, dependencies, bad
):
    # Issue #18: the same values through the timeline and table callbacks were 500s.
    # Only a tampered request carries them: the pages store the filter they took.
    assert grid_rows(client, dependencies, f"{bad}&countries=UKR") == grid_rows(
        client, dependencies, "countries=UKR"
    )
    assert swimlanes(client, dependencies, bad) == swimlanes(client, dependencies, "")
    assert map_markers(client, dependencies, bad) == map_markers(
        client, dependencies, ""
    )
    assert server_errors(client) == []


def test_ten_thousand_actors_answer_as_the_one_known_actor(client, dependencies):
    # Issue #18: on PostgreSQL, 10,000 values in one list filter went past its
    # 65,535 bind parameters and every callback failed.
    many = urlencode([("actors", name) for name in TEN_THOUSAND_ACTORS])
    one = urlencode([("actors", KNOWN_ACTOR)])
    rows = grid_rows(client, dependencies, many)
    assert len(rows) == 5
    assert rows == grid_rows(client, dependencies, one)
    lanes = swimlanes(client, dependencies, many)
    assert lanes == swimlanes(client, dependencies, one)
    markers = map_markers(client, dependencies, many)
    assert markers == map_markers(client, dependencies, one)
    assert any(lat for lat, _lon, _size in markers)
    timeline = page(client, dependencies, f"/?{many}")
    summary = texts(find(timeline, ids.TIMELINE_SUMMARY))
    assert summary.startswith("5 events · confirmed and disputed events actor ")
    assert server_errors(client) == []
