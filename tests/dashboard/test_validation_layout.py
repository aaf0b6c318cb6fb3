"""The layout Dash's renderer checks callbacks against is sent with every page: it
holds every component id of every page, of its type, and nothing else (issue 19:
it was every page's content for an unfiltered database, 850 KB at a million
events)."""

from __future__ import annotations

import json
import re

import dash
from dash import dcc, html

from dashboard.app import ids_and_types
from dashboard.components import pin_form, views_menu
from tests.dashboard.conftest import client_as


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
    full = typed_ids(as_json(html.Div(_every_layout(app))))
    checked = served_config(client)["validation_layout"]
    assert typed_ids(checked) == full
    assert len(full) > 200  # the pages' ids, pattern-matching ones among them
    text = json.dumps(checked)
    for content in ('"figure"', '"options"', '"rowData"', '"style"', "Istanbul"):
        assert content not in text


def _every_layout(app):
    """What Dash checks against before it is reduced: each page with no filter and
    the shell, built as Dash builds them (nobody logged in), and the forms of every
    role (see check_callbacks_of_every_role)."""
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
