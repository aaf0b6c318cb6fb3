"""The layout Dash's renderer checks callbacks against is sent with every page: it
holds every component id of every page, of its type, and nothing else (issue 19:
it was every page's content for an unfiltered database, 850 KB at a million
events). Dash builds those pages over an empty database
(`dashboard.server.checked_pages`): at a million events, building them over the
real one made the first visitor after a start wait 6 s."""

from __future__ import annotations

import json
import re

import dash
from dash import dcc, html
from sqlalchemy import event

from dashboard.app import ids_and_types
from dashboard.components import pin_form, views_menu
from dashboard.server.checked_pages import empty_database
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import client_as

# The id of the summary's table, which only a page with events has (an empty one
# says so instead); no callback names it.
ONLY_WITH_EVENTS = {'"summary-table"'}


def served_config(client) -> dict:
    page = client.get("/").get_data(as_text=True)
    (config,) = re.findall(
        r'<script id="_dash-config" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    return json.loads(config)


def typed_ids(tree: dict) -> dict[str, str]:
    """Every id of a layout as JSON, with its component's type."""
    found = {}
    props = tree.get("props", {})
    if "id" in props:
        found[json.dumps(props["id"], sort_keys=True)] = (
            f"{tree['namespace']}.{tree['type']}"
        )
    children = props.get("children")
    for child in children if isinstance(children, list) else [children]:
        if isinstance(child, dict) and "props" in child:
            found.update(typed_ids(child))
    return found


def as_json(component) -> dict:
    return json.loads(json.dumps(component, default=lambda c: c.to_plotly_json()))


def test_the_checked_layout_holds_every_id_of_every_page_and_nothing_else(app):
    client = client_as(app, "editor")
    client.get("/")  # Dash builds the layout on the first request
    checked = served_config(client)["validation_layout"]
    without_events = typed_ids(as_json(html.Div(_every_layout(app, empty=True))))
    with_events = typed_ids(as_json(html.Div(_every_layout(app))))
    assert typed_ids(checked) == without_events
    assert len(without_events) > 200  # the pages' ids, pattern-matching ones among them
    # The seed's events add no id but the summary table's, which no callback names.
    assert set(with_events) - set(without_events) == ONLY_WITH_EVENTS
    assert {i: with_events.get(i) for i in without_events} == without_events
    callbacks = json.dumps(list(app.callback_map), default=str)
    for only in ONLY_WITH_EVENTS:
        assert json.loads(only) not in callbacks
    text = json.dumps(checked)
    for content in ('"figure"', '"options"', '"rowData"', '"style"', "Istanbul"):
        assert content not in text


def test_the_first_request_builds_no_page_over_the_events(app):
    """Dash's first-request build of every page reads the empty database, and the
    request itself, answered after it, the real one."""
    statements: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    engine = app.server.config[ENGINE_KEY]
    event.listen(engine, "before_cursor_execute", keep)
    try:
        # The login page is the first request: Dash builds the pages there.
        client = client_as(app, "editor")
        page = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert page.status_code == 200
    assert "validation_layout" in served_config(client)
    assert not [s for s in statements if " FROM event" in s], statements
    assert statements  # the account, read from the real database
    # What is served after the build reads the real database again.
    answer = client.get("/api/v1/events?limit=1")
    assert answer.status_code == 200 and answer.get_json()["data"]


def _every_layout(app, *, empty: bool = False):
    """What Dash checks against before it is reduced: each page with no filter and
    the shell, built as Dash builds them (nobody logged in; over an empty database
    when `empty`), and the forms of every role (see check_callbacks_of_every_role)."""
    real = app.server.config[ENGINE_KEY]
    if empty:
        app.server.config[ENGINE_KEY] = empty_database()
    try:
        return _layouts(app)
    finally:
        app.server.config[ENGINE_KEY] = real


def _layouts(app):
    with app.server.test_request_context("/"):
        layouts = [
            page["layout"]() if callable(page["layout"]) else page["layout"]
            for page in dash.page_registry.values()
        ]
        layouts.append(app.layout() if callable(app.layout) else app.layout)
    return [*layouts, *views_menu.views_parts([]), *pin_form.pin_fields()]


def test_a_tree_without_ids_is_dropped_and_shared_components_are_left_whole():
    shared = dcc.Graph(id="g", figure={"data": [{"y": [1, 2]}]})
    tree = html.Div([html.P("no id here"), html.Div([shared, "text"], id="outer")])
    reduced = ids_and_types(tree)
    assert as_json(reduced) == {
        "namespace": "dash_html_components",
        "type": "Div",
        "props": {
            "children": [
                {
                    "namespace": "dash_html_components",
                    "type": "Div",
                    "props": {
                        "id": "outer",
                        "children": [
                            {
                                "namespace": "dash_core_components",
                                "type": "Graph",
                                "props": {"id": "g"},
                            }
                        ],
                    },
                }
            ]
        },
    }
    assert shared.figure == {"data": [{"y": [1, 2]}]}  # the page's own, untouched
    assert ids_and_types(html.Div([html.P("text")])) is None
