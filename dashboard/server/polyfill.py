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
`_dash-component-suites/`, which the login gate leaves open. The page asks for it
with `?v=<digest of the runtime>` (`name_the_runtime`), and that answer is kept for
a year (dashboard/server/static_files.py)."""

from __future__ import annotations

import re

from dash import Dash
from flask import Response, request, send_file

from dashboard.server.plotly_bundle import PARTIAL_BUNDLE
from dashboard.server.static_files import (
    content_digest,
    keep_for_a_year,
    names_its_content,
)

REGENERATOR_RUNTIME_FILE = PARTIAL_BUNDLE / "regenerator-runtime.min.js"
POLYFILL_PATH = "_dash-component-suites/dash/deps/polyfill@"


def register_polyfill_route(app: Dash) -> None:
    """Answer Dash's polyfill address with the regenerator runtime."""
    polyfill = app.config.routes_pathname_prefix + POLYFILL_PATH

    def regenerator_runtime() -> Response | None:
        if not request.path.startswith(polyfill):
            return None  # every other request goes on as it would
        response = send_file(REGENERATOR_RUNTIME_FILE, mimetype="text/javascript")
        if names_its_content(REGENERATOR_RUNTIME_FILE):
            return keep_for_a_year(response)
        return response

    app.server.before_request(regenerator_runtime)


def name_the_runtime(scripts: str) -> str:
    """The page's script tags, with the polyfill's address naming the file it
    answers with (`?v=<digest>`): Dash's own fingerprint names Dash's polyfill,
    which is not what is served there."""
    digest = content_digest(REGENERATOR_RUNTIME_FILE)
    return re.sub(
        r'(src="[^"]*/' + re.escape(POLYFILL_PATH) + r'[^"?]*)"',
        rf'\1?v={digest}"',
        scripts,
        count=1,
    )
