"""The Dash app factory: one app per database URL, pages registered explicitly."""

from __future__ import annotations

import dash
from dash import Dash, dcc, html

from dashboard import ids
from dashboard.pages import timeline
from dashboard.services import ENGINE_KEY
from tracker.db import make_engine


def create_app(database_url: str | None = None) -> Dash:
    """Build the dashboard over `database_url` ($DATABASE_URL or ./tracker.db)."""
    app = Dash(
        __name__,
        use_pages=True,
        # Pages are registered below: Dash's auto-loader would re-execute page files.
        pages_folder="",
        title="tracker",
        update_title=None,
        serve_locally=True,
    )
    app.server.config[ENGINE_KEY] = make_engine(database_url)
    dash.register_page(
        timeline.__name__,
        path="/",
        name="Timeline",
        title="Timeline · tracker",
        layout=timeline.layout,
    )
    app.layout = html.Div(
        [
            dcc.Location(id=ids.URL),
            html.Header(
                [
                    html.A("tracker", href="/", className="brand"),
                    html.Nav([html.A("Timeline", href="/")], className="nav"),
                ],
                className="top-bar",
            ),
            html.Main(dash.page_container, className="content"),
        ]
    )
    return app
