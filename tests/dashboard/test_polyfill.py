"""Dash's Babel polyfill answered with the regenerator runtime alone (issue 19): the
page still gets `regeneratorRuntime`, which Dash's renderer and dcc call, without
core-js replacing the browser's own functions."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.app import create_app
from dashboard.server.plotly_bundle import PARTIAL_BUNDLE
from dashboard.server.polyfill import POLYFILL_PATH, REGENERATOR_RUNTIME_FILE
from tests.dashboard.conftest import client_as
from tracker.db import make_engine, session_scope
from tracker.seed import seed_database


@pytest.fixture
def client(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    engine.dispose()
    return client_as(create_app(database_url), "viewer")


def script_addresses(client) -> list[str]:
    """The scripts a page loads, in order (every page loads the same)."""
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'<script src="([^"]+)"', page)


def test_the_polyfill_address_answers_with_the_regenerator_runtime(client):
    scripts = script_addresses(client)
    (polyfill,) = [s for s in scripts if s.startswith("/" + POLYFILL_PATH)]
    # Where the polyfill was: first, before React and the renderer need it.
    assert scripts.index(polyfill) == 0
    response = client.get(polyfill)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.data == REGENERATOR_RUNTIME_FILE.read_bytes()
    assert b"regeneratorRuntime=runtime" in response.data
    assert len(response.data) < 10_000  # the polyfill was 99 KB


def test_other_component_files_are_served_by_dash_as_before(client):
    (react,) = [s for s in script_addresses(client) if "/deps/react@" in s]
    response = client.get(react)
    assert response.status_code == 200
    assert b"regeneratorRuntime" not in response.data
    assert len(response.data) > 5_000


def test_the_runtime_is_the_pinned_npm_package():
    pinned = json.loads((PARTIAL_BUNDLE / "package.json").read_text(encoding="utf-8"))
    version = pinned["devDependencies"]["regenerator-runtime"]
    banner = REGENERATOR_RUNTIME_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert banner.startswith(f"/* regenerator-runtime {version}, Copyright")
