"""Files every page loads, kept by the browser until their address changes.

A file served with `no-cache` (Flask's default) is asked for again on every visit,
and the answer, even a 304, sits on the page's path: the first script holds up every
later one, the stylesheet holds up the scripts, plotly.js holds up the charts and
the world shapes hold up the map. On a server busy with other users' callbacks each
of those round trips waits its turn (issue 19: 20-150 ms each on a return visit).

So each of these files has an address that names its content, and an answer that
lets the browser keep it for a year: when the file changes, so does its address.

- The app's assets: Dash adds `?m=<the file's time>` to each address it writes.
- The plotly.js bundle and the regenerator runtime (dashboard/server/plotly_bundle.py
  and polyfill.py): `?v=<digest of the file>`, checked against the file served.
- The world shapes of the offline map: `/assets/topojson/<digest>/<file>`, since
  plotly.js adds the file's name to the address it is given; a region's shapes
  (`dashboard.server.world_shapes`) are cut from the world's at the first request.

Any other address of the same files still answers, with `no-cache` as before."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from dash import Dash
from flask import Flask, Response, abort, request, send_from_directory

from dashboard.figures.map_regions import REGION_FILES, REGIONS
from dashboard.server import world_shapes

A_YEAR_S = 365 * 24 * 3600
WORLD_SHAPES = Path(__file__).resolve().parents[1] / "assets" / "topojson"
WORLD_SHAPE_FILES = ("world_110m.json", "world_50m.json")


@cache
def content_digest(path: Path) -> str:
    """A short digest of the file's bytes, for an address that names them."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def names_its_content(path: Path) -> bool:
    """Whether this request's `v` parameter is the digest of `path`'s bytes."""
    return request.args.get("v") == content_digest(path)


def keep_for_a_year(response: Response) -> Response:
    """Let the browser reuse the answer without asking again."""
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR_S
    response.cache_control.immutable = True
    response.cache_control.no_cache = None
    return response


def world_shapes_address(prefix: str) -> str:
    """Where plotly.js finds the map's world shapes (`topojsonURL`). The address
    names the world files, the regions' boxes and the code that cuts them."""
    parts = [content_digest(WORLD_SHAPES / name) for name in WORLD_SHAPE_FILES]
    parts += [repr(REGIONS), content_digest(Path(world_shapes.__file__))]
    version = hashlib.sha256("".join(parts).encode()).hexdigest()[:16]
    return f"{prefix}assets/topojson/{version}/"


def register_static_files(app: Dash) -> None:
    """Keep Dash's time-stamped assets, and serve the world shapes at an address
    that names them."""
    prefix = app.config.routes_pathname_prefix
    shapes = world_shapes_address(prefix)

    def serve_world_shapes(version: str, name: str) -> Response:
        if f"{prefix}assets/topojson/{version}/" != shapes:
            abort(404)  # an older version's address
        if name in REGION_FILES:
            shapes_json = world_shapes.region_shapes_json(REGION_FILES[name])
            response = Response(shapes_json, mimetype="application/json")
            return keep_for_a_year(response)
        if name not in WORLD_SHAPE_FILES:
            abort(404)
        return keep_for_a_year(send_from_directory(WORLD_SHAPES, name))

    app.server.add_url_rule(
        prefix + "assets/topojson/<version>/<name>", "world_shapes", serve_world_shapes
    )
    _keep_time_stamped_assets(app.server)


def _keep_time_stamped_assets(server: Flask) -> None:
    def keep(response: Response) -> Response:
        if (
            request.endpoint == "_dash_assets.static"
            and "m" in request.args
            and response.status_code in (200, 304)
        ):
            return keep_for_a_year(response)
        return response

    server.after_request(keep)
