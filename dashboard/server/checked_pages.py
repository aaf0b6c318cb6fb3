"""Dash checks every callback against a layout of every page, which it builds once per
server process, on the first request, by calling each page with no filter (issue 19).
At a million events the unfiltered map and summary alone took 3.6 s of that build, and
the first visitor after a start waited 6 s for the page.

The check reads only component ids and types (`dashboard.app.ids_and_types` keeps
nothing else), and the ids a callback names do not depend on the events. So while
Dash builds those pages, `dashboard.services.engine` gives an empty database of the
same tables; every other moment of the request, and every other request, reads the
real one."""

from __future__ import annotations

from functools import cache

from dash import Dash
from flask import g
from flask_login import current_user
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from dashboard.services import CHECKED_PAGES_ENGINE
from tracker.tables import metadata


def build_checked_pages_over_an_empty_database(app: Dash) -> None:
    """Put the empty database in place around Dash's own first-request hooks.

    Call it right after the app is made: its request hooks are then Dash's two
    (set the server up, then the pages, which builds every page), and these go
    before and after them. Hooks added later (the login gate goes first of all)
    run around that, over the real database."""
    hooks = app.server.before_request_funcs.setdefault(None, [])
    dash_hooks = len(hooks)
    hooks.insert(0, _pages_over_an_empty_database(app))
    hooks.insert(dash_hooks + 1, _pages_over_the_database)


def _pages_over_an_empty_database(app: Dash):
    def pages_over_an_empty_database() -> None:
        # Dash's own record of whether it has set its pages up; it builds them in
        # the first request only.
        if app._got_first_request["pages"]:
            return
        # Who asks is read from the real accounts first (flask-login keeps the
        # account for the whole request): Dash builds the pages for them.
        _ = current_user.is_authenticated
        g.setdefault(CHECKED_PAGES_ENGINE, empty_database())

    return pages_over_an_empty_database


def _pages_over_the_database() -> None:
    g.pop(CHECKED_PAGES_ENGINE, None)


@cache
def empty_database() -> Engine:
    """tracker's tables with no rows, in memory, made once per process: one
    connection, which only the first request's build of the pages reads."""
    engine = create_engine(
        "sqlite://",
        poolclass=StaticPool,
        connect_args={"check_same_thread": False},
    )
    metadata.create_all(engine)
    return engine
