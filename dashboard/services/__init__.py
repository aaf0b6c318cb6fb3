"""The dashboard's one door to the database.

Each function opens one unit of work, calls tracker and returns plain results:
`reads` for what the pages show, `writes` for what they change. Every write first
asks `access.allowed` (that is, `tracker.store.accounts.authorize`) whether the
logged-in account may do it, before touching the database: hiding a button is a
courtesy, this is the check. Flask's request globals are read only here and in
`access`."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.engine import Engine

ENGINE_KEY = "TRACKER_ENGINE"
CHECKED_PAGES_ENGINE = "checked_pages_engine"  # see dashboard.server.checked_pages


def engine() -> Engine:
    """The engine of the app serving the current request; an empty database's while
    Dash builds the pages it checks callbacks against (`checked_pages`)."""
    return g.get(CHECKED_PAGES_ENGINE) or current_app.config[ENGINE_KEY]
