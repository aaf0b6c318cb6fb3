"""The page the browser opened comes inside Dash's layout (issue 19): the layout
request's Referer names it, so no routing callback is needed before it shows. A
request from another site, or without a Referer, gets Dash's empty container and
the routing callback fills it as before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.app import create_app
from tests.dashboard.conftest import client_as
from tracker.db import make_engine, session_scope
from tracker.models import Event
from tracker.seed import seed_database


@pytest.fixture
def app(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    engine.dispose()
    return create_app(database_url)


def find(component: dict, component_id: str) -> dict | None:
    """The component with `component_id` in a layout as Dash sends it (JSON)."""
    if not isinstance(component, dict):
        return None
    props = component.get("props", {})
    if props.get("id") == component_id:
        return component
    children = props.get("children")
    for child in children if isinstance(children, list) else [children]:
        if (found := find(child, component_id)) is not None:
            return found
    return None


def layout_for(client, referrer: str | None) -> dict:
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def text_of(component) -> str:
    """Every string in a layout tree, joined."""
    if isinstance(component, str):
        return component
    if isinstance(component, list):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, dict):
        return text_of(component.get("props", {}).get("children"))
    return ""


def test_opened_page_arrives_in_the_layout_with_its_address_and_title(app, engine):
    with engine.connect() as connection:
        event_id = connection.execute(select(func.min(Event.id))).scalar_one()
    client = client_as(app, "viewer")
    address = f"http://localhost/events/{event_id}?text=missile"

    layout = layout_for(client, address)

    location = find(layout, "_pages_location")["props"]
    assert location["pathname"] == f"/events/{event_id}"
    assert location["search"] == "?text=missile"
    assert location["href"] == address
    content = find(layout, "_pages_content")["props"]["children"]
    assert f"Event #{event_id}" in text_of(content)
    assert find(layout, "_pages_store")["props"]["data"] == {"title": "Event · tracker"}


def test_page_with_a_filter_is_built_from_the_query(app):
    client = client_as(app, "viewer")
    layout = layout_for(
        client, "http://localhost/map?since=1990-01-01&until=1990-12-31"
    )
    content = find(layout, "_pages_content")["props"]["children"]
    assert "No events match these filters" in text_of(content)


@pytest.mark.parametrize(
    "referrer",
    [None, "http://elsewhere.example/events", "http://localhost/no-such-page"],
)
def test_without_a_page_of_this_site_the_routing_callback_fills_the_page(app, referrer):
    client = client_as(app, "viewer")
    layout = layout_for(client, referrer)
    location = find(layout, "_pages_location")["props"]
    assert "pathname" not in location  # set by the browser: the callback runs
    assert find(layout, "_pages_content")["props"].get("children") is None
