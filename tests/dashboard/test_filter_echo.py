"""The filter panel and the URL it writes (issue 19's noticed flaw): the panel's own
write coming back as a URL change sets no control, so what the analyst changed in
the panel meanwhile stays; a URL the panel did not write still sets the controls."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import ids
from dashboard.app import create_app
from dashboard.components.filter_panel import (
    CONTROLS,
    controls_from_filter,
    sync_filters,
)
from tests.dashboard.conftest import request_as
from tracker.query.filters import EventFilter

SINCE = [component for component, _ in CONTROLS].index(ids.FILTER_SINCE)
UNTIL = [component for component, _ in CONTROLS].index(ids.FILTER_UNTIL)


@pytest.fixture
def app(database_url):
    app = create_app(database_url)
    with request_as(app, "/", "viewer"):
        yield app


def triggered(component_id: str, prop: str, value) -> None:
    """Make the callback context say `component_id`.`prop` changed."""
    key = component_id if isinstance(component_id, str) else json.dumps(component_id)
    context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": f"{key}.{prop}", "value": value}])
    )


def call(search: str, controls: list, written: str | None) -> tuple:
    """sync_filters with the URL's search, the controls' values and the search the
    panel last wrote, as Dash passes them."""
    return sync_filters(search, *controls, None, [], written)


def test_the_panels_own_url_coming_back_leaves_a_date_typed_meanwhile(app):
    controls = controls_from_filter(EventFilter())
    controls[SINCE] = "2024-01-01"
    triggered(ids.FILTER_SINCE, "date", "2024-01-01")
    written = call("", controls, None)
    search = written[0]
    assert search == "?since=2024-01-01"
    assert written[-1] == search  # remembered as the panel's own
    # The analyst types the end date before the URL comes back.
    controls[UNTIL] = "2024-06-30"
    triggered(ids.URL, "search", search)
    echo = call(search, controls, written[-1])
    assert echo[0] is no_update
    set_controls = echo[1 : len(CONTROLS) + 1]
    flat = [
        o for out in set_controls for o in (out if isinstance(out, list) else [out])
    ]
    assert all(out is no_update for out in flat)
    # Their own change then writes both dates.
    triggered(ids.FILTER_UNTIL, "date", "2024-06-30")
    both = call(search, controls, search)
    assert both[0] == "?since=2024-01-01&until=2024-06-30"


def test_a_url_the_panel_did_not_write_sets_the_controls(app):
    controls = controls_from_filter(EventFilter(since=dt.date(2024, 1, 1)))
    triggered(ids.URL, "search", "?until=2023-12-31")
    outputs = call("?until=2023-12-31", controls, "?since=2024-01-01")
    assert outputs[1 + SINCE] is None
    assert outputs[1 + UNTIL] == "2023-12-31"
