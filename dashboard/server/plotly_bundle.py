"""The plotly.js the dashboard serves: only the traces its figures draw.

Serving locally, Dash's renderer asks for plotly.js at one fixed address
(`PARTIAL_BUNDLE_PATH`) and dcc.Graph loads it from there unless `window.Plotly` is
already set. That address answers here with `dashboard/plotly_bundle/
plotly-tracker.min.js`: bar, scatter and scattergeo, 1.4 MB instead of the 4.8 MB of
every trace, which the browser reads and evaluates again on every visit. The street
map is the one figure that needs more (scattermap, with MapLibre): the map page loads
Plotly's full bundle, from the installed plotly package, at `FULL_BUNDLE_PATH` when a
user picks it (`dashboard/assets/load_plotly.js`).

Both are static rules, so Flask prefers them to Dash's `<package>/<path>` rule for
component files; both sit under `_dash-component-suites/`, which the login gate leaves
open (scripts carry no data). The page asks for each with `?v=<digest of the file>`
(`bundle_meta_tags`, read by load_plotly.js), and that answer is kept for a year
(dashboard/server/static_files.py); any other request gets an ETag and a 304."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from dash import Dash
from flask import Response, send_file

from dashboard.server.static_files import (
    content_digest,
    keep_for_a_year,
    names_its_content,
)

PARTIAL_BUNDLE = Path(__file__).resolve().parents[1] / "plotly_bundle"
PARTIAL_BUNDLE_FILE = PARTIAL_BUNDLE / "plotly-tracker.min.js"
SUITE = "_dash-component-suites/plotly/package_data/"
PARTIAL_BUNDLE_PATH = SUITE + "plotly.min.js"  # the address Dash's renderer asks for
FULL_BUNDLE_PATH = SUITE + "plotly-full.min.js"


def full_bundle_file() -> Path:
    """Plotly's own bundle of every trace, as the plotly package ships it."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


def register_plotly_routes(app: Dash) -> None:
    """Answer Dash's plotly.js address with the partial bundle, and serve the full
    one beside it."""
    prefix = app.config.routes_pathname_prefix
    full = full_bundle_file()

    def partial_bundle() -> Response:
        return _send_script(PARTIAL_BUNDLE_FILE)

    def full_bundle() -> Response:
        return _send_script(full)

    app.server.add_url_rule(
        prefix + PARTIAL_BUNDLE_PATH, "plotly_partial_bundle", partial_bundle
    )
    app.server.add_url_rule(
        prefix + FULL_BUNDLE_PATH, "plotly_full_bundle", full_bundle
    )


def _send_script(path: Path) -> Response:
    response = send_file(path, mimetype="text/javascript")
    return keep_for_a_year(response) if names_its_content(path) else response


def bundle_meta_tags() -> list[dict[str, str]]:
    """The addresses load_plotly.js loads plotly.js from (below the app's prefix),
    each naming its file's bytes, as meta tags of the page."""
    return [
        {"name": name, "content": f"{address}?v={content_digest(path)}"}
        for name, address, path in (
            ("tracker-plotly", PARTIAL_BUNDLE_PATH, PARTIAL_BUNDLE_FILE),
            ("tracker-plotly-full", FULL_BUNDLE_PATH, full_bundle_file()),
        )
    ]
