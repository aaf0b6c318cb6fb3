"""Dash's Babel polyfill answered with the regenerator runtime alone.

Every page loads `dash/deps/polyfill@7.12.1.min.js` first: @babel/polyfill, that is
all of core-js 2 for browsers of 2018, and Babel's regenerator runtime. The browsers
tracker's users have do everything core-js adds, but core-js still replaces some of
their functions with its own: in Chromium its `String.prototype.trim`, which Plotly
and React call all the time, took about 110 ms of a timeline page's load and the
script's own evaluation 60 ms more (bench/PAGES-NOTES.md, 2026-12-07). What Dash's
renderer and dcc do need from it is `regeneratorRuntime`, which their async
functions call.

So that address answers with `dashboard/plotly_bundle/regenerator-runtime.min.js`
(built by `make plotly-bundle` from the pinned npm package, 7 KB instead of 99 KB),
in the same place in the page, before React. The address carries Dash's
fingerprint (the version and the file's time), so it is matched by its start, ahead
of Dash's rule for component files; like them it sits under
`_dash-component-suites/`, which the login gate leaves open."""

from __future__ import annotations

from dash import Dash
from flask import Response, request, send_file

from dashboard.server.plotly_bundle import PARTIAL_BUNDLE

REGENERATOR_RUNTIME_FILE = PARTIAL_BUNDLE / "regenerator-runtime.min.js"
POLYFILL_PATH = "_dash-component-suites/dash/deps/polyfill@"


def register_polyfill_route(app: Dash) -> None:
    """Answer Dash's polyfill address with the regenerator runtime."""
    polyfill = app.config.routes_pathname_prefix + POLYFILL_PATH

    def regenerator_runtime() -> Response | None:
        if not request.path.startswith(polyfill):
            return None  # every other request goes on as it would
        return send_file(REGENERATOR_RUNTIME_FILE, mimetype="text/javascript")

    app.server.before_request(regenerator_runtime)
