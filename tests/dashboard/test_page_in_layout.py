"""The page a browser opens arrives inside the layout (issue 19): the layout request
comes from the page, whose address its Referer names, and holds the page the routing
callback would have sent after it, one round trip later. Everything else about the
page is the routing callback's: the same components, the same title."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest

from dashboard import ids, services
from dashboard.app import create_app
from dashboard.server.page_container import CONTENT_ID, LOCATION_ID, STORE_ID
from tests.dashboard.conftest import client_as, insert_plain_events, slow_event_table
from tests.dashboard.test_bad_filter_callbacks import find
from tracker.db import make_engine

HOST = "http://localhost"  # Flask's test client serves this host
ROUTING = f"..{CONTENT_ID}.children...{STORE_ID}.data.."


def opened(client, referrer: str | None) -> dict[str, dict]:
    """The pages' container of the layout asked for from `referrer`: its location,
    content and title store, by id."""
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200, response.text
    layout = response.get_json()
    return {i: find(layout, i)["props"] for i in (LOCATION_ID, CONTENT_ID, STORE_ID)}


def routed(client, address: str) -> dict[str, Any]:
    """What Dash's routing callback answers for `address`: content and title store."""
    pathname, _, query = address.partition("?")
    body = {
        "output": ROUTING,
        "outputs": [
            {"id": CONTENT_ID, "property": "children"},
            {"id": STORE_ID, "property": "data"},
        ],
        "inputs": [
            {"id": LOCATION_ID, "property": "pathname", "value": pathname},
            {
                "id": LOCATION_ID,
                "property": "search",
                "value": f"?{query}" * bool(query),
            },
        ],
        "state": [],
        "changedPropIds": [f"{LOCATION_ID}.pathname"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.text
    return json.loads(response.text)["response"]


@pytest.fixture
def client(app):
    client = client_as(app, "editor")
    opened(client, None)  # Dash sets its routing up on the first request
    return client


ADDRESSES = [
    "/",
    "/?countries=UKR&since=2025-05-01&until=2025-06-30",
    "/map?event_types=ASSAULT",
    "/events?text=drone",
    "/summary",
    "/events/new",
    "/events/3",
    "/events/3/edit",
    "/review",
    "/import",
    "/duplicates",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_layout_holds_the_page_the_routing_callback_would_send(client, address):
    pathname, _, query = address.partition("?")
    container = opened(client, HOST + address)
    expected = routed(client, address)
    assert container[CONTENT_ID]["children"] == expected[CONTENT_ID]["children"]
    assert container[STORE_ID]["data"] == expected[STORE_ID]["data"]
    # The location already holds what it would report, so it reports nothing and
    # the routing callback is not called as the page opens.
    assert container[LOCATION_ID]["pathname"] == pathname
    assert container[LOCATION_ID]["search"] == (f"?{query}" if query else "")


def test_an_event_page_arrives_with_its_event(client):
    container = opened(client, f"{HOST}/events/3")
    assert "prisoner swap" in json.dumps(container[CONTENT_ID]["children"])
    assert container[STORE_ID]["data"] == {"title": "Event · tracker"}


@pytest.mark.parametrize(
    "referrer",
    [
        None,  # a browser told to send none
        "http://elsewhere.example/events/3",  # another site's page
        f"{HOST}/no/such/page",  # Dash's routing answers what no page has
        "not an address",
    ],
)
def test_without_a_page_of_this_server_the_container_is_left_to_routing(
    client, referrer
):
    container = opened(client, referrer)
    assert container[CONTENT_ID].get("children") is None
    assert "pathname" not in container[LOCATION_ID]
    assert "data" not in container[STORE_ID]


def test_a_page_past_the_time_limit_says_so_and_the_shell_arrives(
    database_url, monkeypatch, caplog
):
    # The limit on SQLite counts work done: a microsecond over 20,000 events.
    on_postgres = database_url.startswith("postgresql")
    limit = "0.2" if on_postgres else "0.000001"
    monkeypatch.setenv("TRACKER_STATEMENT_TIMEOUT", limit)
    app = create_app(database_url)
    client = client_as(app, "viewer")
    opened(client, None)
    engine = app.server.config[services.ENGINE_KEY]
    if not on_postgres:
        unlimited = make_engine(database_url)
        insert_plain_events(unlimited, 20_000, dt.date(2025, 4, 1))
        unlimited.dispose()
    caplog.set_level(logging.WARNING)
    with slow_event_table(engine):
        container = opened(client, f"{HOST}/events?text=no+such+words")
    text = json.dumps(container[CONTENT_ID]["children"])
    assert f"the database took longer than {float(limit):g} s to answer" in text
    # The page's address is held, so no routing callback waits as long again.
    assert container[LOCATION_ID]["pathname"] == "/events"
    assert not [r for r in caplog.records if r.exc_info]
    assert engine.pool.checkedout() == 0
    engine.dispose()


def panel_value(layout: dict, component_id: Any, prop: str = "value") -> Any:
    return find(layout, component_id)["props"].get(prop)


def test_the_filter_panel_arrives_showing_the_address_filter(client):
    address = "/events?event_types=ACCUSE&actors=Government+of+Russia&text=Trump"
    response = client.get("/_dash-layout", headers={"Referer": HOST + address})
    layout = response.get_json()
    # Verbal conflict is the third quad of PLOVER's four.
    checklists = [
        panel_value(layout, {"type": ids.FILTER_TYPES, "quad": q}) for q in (1, 2, 3, 4)
    ]
    assert checklists == [[], [], ["ACCUSE"], []]
    assert panel_value(layout, ids.FILTER_TEXT) == "Trump"
    assert panel_value(layout, ids.FILTER_ACTORS) == ["Government of Russia"]
    options = panel_value(layout, ids.FILTER_ACTORS, "options")
    assert "Government of Russia" in [o["value"] for o in options]
    chips = json.dumps(find(layout, ids.FILTER_CHIPS)["props"]["children"])
    for text in ("type: ACCUSE", "actor: Government of Russia", "mentioning: Trump"):
        assert text in chips
    url = find(layout, ids.URL)["props"]
    pathname, query = address.split("?", 1)
    assert (url["pathname"], url["search"]) == (pathname, f"?{query}")


def test_without_an_address_the_panel_waits_for_the_url_to_report_one(client):
    response = client.get("/_dash-layout")
    layout = response.get_json()
    assert "pathname" not in find(layout, ids.URL)["props"]
    assert panel_value(layout, ids.FILTER_TEXT) is None
    assert find(layout, ids.FILTER_CHIPS)["props"].get("children") is None


def test_the_top_bar_and_countries_arrive_with_the_opened_page(client, app):
    # Counted here from the seed, independently of the app: 2 of the 12 seed events
    # are AGREE (the prisoner swap, and Russia proposing a second round of talks in
    # Istanbul), both confirmed (seed_data/events.jsonl).
    layout = client.get(
        "/_dash-layout", headers={"Referer": HOST + "/map?event_types=AGREE"}
    ).get_json()
    assert find(layout, ids.NAV_EVENT_COUNT)["props"]["children"] == "2 events"
    nav = {
        "/": "/?event_types=AGREE",
        "/map": "/map?event_types=AGREE",
        "/events": "/events?event_types=AGREE",
        "/summary": "/summary?event_types=AGREE",
    }
    for path, href in nav.items():
        link = find(layout, {"type": ids.NAV, "path": path})
        assert link["props"]["href"] == href
    countries = panel_value(layout, ids.FILTER_COUNTRIES, "options")
    # The seed's places: Istanbul and places in Ukraine.
    assert {o["value"] for o in countries} == {"TUR", "UKR"}
    # Without an address both wait for the URL to report one.
    bare = client.get("/_dash-layout").get_json()
    assert find(bare, ids.NAV_EVENT_COUNT)["props"].get("children") is None
    assert find(bare, {"type": ids.NAV, "path": "/map"})["props"]["href"] == "/map"


def test_no_layout_is_kept_by_the_browser(client):
    # The one address answers each page its own layout: a cached answer would
    # reopen a page from the history with the last page's content (Chromium uses
    # cached answers on back and forward without asking).
    response = client.get("/_dash-layout", headers={"Referer": f"{HOST}/events/3"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Referer" in response.headers["Vary"]
