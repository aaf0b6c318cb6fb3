"""The Dash app factory: one app per database URL, pages registered explicitly."""

from __future__ import annotations

import copy
import gc
import logging
import threading

import dash
from dash import Dash, dcc, html
from dash.development.base_component import Component
from flask import Flask

from dashboard import ids
from dashboard.components import filter_panel, pin_form, shell, views_menu
from dashboard.pages import (
    duplicates,
    event,
    event_form,
    events,
    import_page,
    review,
    summary,
    timeline,
)
from dashboard.pages import map as map_page
from dashboard.server import auth, request_guard, timeouts, uploads
from dashboard.server.api import register_api
from dashboard.server.chart_data_route import register_chart_data_route
from dashboard.server.checked_pages import build_checked_pages_over_an_empty_database
from dashboard.server.export_route import register_export_route
from dashboard.server.page_container import (
    keep_layouts_out_of_cache,
    opened_address,
    page_container,
)
from dashboard.server.plotly_bundle import bundle_meta_tags, register_plotly_routes
from dashboard.server.polyfill import name_the_runtime, register_polyfill_route
from dashboard.server.static_files import register_static_files
from dashboard.server.summary_route import register_summary_route
from dashboard.server.views_route import register_views_route
from dashboard.services import ENGINE_KEY
from tracker.config import dashboard_statement_timeout
from tracker.db import make_engine
from tracker.errors import StatementTimeout
from tracker.query.filters import EventFilter
from tracker.vocab import gazetteer

log = logging.getLogger(__name__)

# (module, path or template, name, layout); /events/new is registered before the
# /events/<event_id> template so that "new" is never read as an id.
PAGES = [
    (timeline.__name__, "/", "Timeline", timeline.layout),
    (map_page.__name__, "/map", "Map", map_page.layout),
    (events.__name__, "/events", "Events", events.layout),
    (summary.__name__, summary.SUMMARY_PATH, "Summary", summary.layout),
    (f"{event_form.__name__}.add", "/events/new", "Add event", event_form.add_layout),
    (
        duplicates.__name__,
        duplicates.DUPLICATES_PATH,
        "Duplicates",
        duplicates.layout,
    ),
    (review.__name__, "/review", "Review", review.layout),
    (import_page.__name__, "/import", "Import", import_page.layout),
    (
        f"{event_form.__name__}.accept",
        "/events/<event_id>/accept",
        "Accept proposal",
        event_form.accept_layout,
    ),
    (
        f"{event_form.__name__}.edit",
        "/events/<event_id>/edit",
        "Edit event",
        event_form.edit_layout,
    ),
    (event.__name__, "/events/<event_id>", "Event", event.layout),
]


class TrackerDash(Dash):
    """Dash, with the polyfill's address naming what tracker serves there."""

    def interpolate_index(self, **kwargs) -> str:
        # Dash's documented hook for changing the page it serves.
        kwargs["scripts"] = name_the_runtime(kwargs.get("scripts", ""))
        return super().interpolate_index(**kwargs)


def create_app(database_url: str | None = None) -> Dash:
    """Build the dashboard over `database_url` ($DATABASE_URL or ./tracker.db)."""
    app = TrackerDash(
        __name__,
        use_pages=True,
        # Pages are registered below: Dash's auto-loader would re-execute page files.
        pages_folder="",
        title="tracker",
        update_title=None,
        serve_locally=True,
        # Plain synchronous callbacks whatever is installed: Dash turns async on by
        # itself when asgiref is importable, and its async request hooks then fail
        # in any thread that already runs an event loop.
        use_async=False,
        # Where load_plotly.js finds plotly.js, at addresses naming its files.
        meta_tags=bundle_meta_tags(),
    )
    build_checked_pages_over_an_empty_database(app)
    engine = make_engine(database_url, statement_timeout=dashboard_statement_timeout())
    app.server.config[ENGINE_KEY] = engine
    auth.install(app.server, engine.url)
    uploads.configure(app.server)
    request_guard.install(app)
    timeouts.install(app.server)
    keep_layouts_out_of_cache(app.server)
    # Dash matches pages in `order` (else by module name): keep the order of PAGES.
    for order, (module, path, name, layout) in enumerate(PAGES):
        location = {"path_template": path} if "<" in path else {"path": path}
        dash.register_page(
            module,
            name=name,
            title=f"{name} · tracker",
            layout=layout,
            order=order,
            **location,
        )
    register_export_route(app.server)
    register_summary_route(app.server)
    register_chart_data_route(app.server)
    register_views_route(app.server)
    register_api(app.server)
    register_plotly_routes(app)
    register_polyfill_route(app)
    register_static_files(app)
    app.layout = app_layout
    check_callbacks_of_every_role(app)
    return app


def check_callbacks_of_every_role(app: Dash) -> None:
    """Let Dash check the callbacks of forms some accounts are not shown, against a
    layout of ids only.

    Dash builds the layout it checks callback ids against once, from the first
    request, whoever makes it (often nobody: a health check). The account menu's
    "Save view" form and the timeline's "Pin" form are then missing from it, and
    their callbacks would be reported as wired to nothing in every browser. So
    their components are added to each layout Dash builds for the check.

    Dash builds that layout by calling every page with no filter, and sends it
    inside every page it serves: 850 KB at a million events (the unfiltered
    timeline's and map's figures, the summary's table), for a check that reads
    only ids and component types (issue 19). So it is sent as those alone."""

    checked: list[object] = []  # the layout Dash checks against, once reduced

    def add_forms_of_every_role() -> None:
        layout = app.validation_layout
        # Dash builds it when the layout is set and again as its pages set up on a
        # first request: each new one is reduced (a check of identity after).
        if layout is None or (checked and checked[0] is layout):
            return
        missing = [
            part
            for part in [*views_menu.views_parts([]), *pin_form.pin_fields()]
            if not any(i in layout for i in component_ids(part))
        ]
        reduced = ids_and_types(html.Div([layout, html.Div(missing)]))
        app.validation_layout = reduced
        checked[:] = [reduced]

    app.server.before_request(add_forms_of_every_role)


def ids_and_types(component: Component) -> Component | None:
    """A copy of the tree with what a callback check reads: every component with an
    id, of its type, and the components around it; no other property, no text.
    None when no component of the tree has an id."""
    children = getattr(component, "children", None)
    kept = [
        reduced
        for child in (children if isinstance(children, list) else [children])
        if isinstance(child, Component)
        and (reduced := ids_and_types(child)) is not None
    ]
    has_id = getattr(component, "id", None) is not None
    if not kept and not has_id:
        return None
    # A copy, since the tree's components may be shared with the pages' own. Its
    # attributes are Dash's bookkeeping (the names of the type's properties) and
    # any data-*/aria-* attribute; every declared property is dropped.
    bare = copy.copy(component)
    bare.__dict__ = {
        key: value
        for key, value in component.__dict__.items()
        if key not in component._prop_names
    }
    if has_id:
        bare.id = component.id
    if kept:
        bare.children = kept
    return bare


def component_ids(component) -> list[str]:
    """Every id in a component tree."""
    found = [component.id] if getattr(component, "id", None) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found.extend(component_ids(child))
    return found


def app_layout() -> html.Div:
    """The shell around every page; built per page load, so the top bar shows who
    is logged in."""
    url, top_bar, panel, chips = opened_shell()
    return html.Div(
        [
            url,
            dcc.Store(id=ids.DATA_VERSION, data=0),
            top_bar,
            html.Div(
                [panel, html.Main([chips, page_container()], className="content")],
                className="body",
            ),
        ]
    )


def opened_shell() -> tuple[dcc.Location, html.Header, html.Aside, html.Div]:
    """The app's URL, the top bar, the filter panel and its chips. For the layout of
    an opened page (see `page_container`) the panel shows the page's filter, the top
    bar its count and the URL holds its address, so none waits for a callback as the
    page opens; otherwise the URL reports the address, and `filter_panel.sync_filters`
    sets the panel and `shell.update_nav` the top bar."""
    address = opened_address()
    if address is not None:
        pathname, search = address
        event_filter = EventFilter.from_query_string(search)
        try:
            panel = filter_panel.panel_showing(event_filter)
            top_bar = shell.top_bar(search)
        except StatementTimeout:
            pass  # the callback will say so; the page must still arrive
        except Exception:
            # The shell must still arrive; the callback sets the panel, or answers
            # the error as every callback does.
            log.exception("the filter panel of %s%s could not be set", *address)
        else:
            return (
                dcc.Location(
                    id=ids.URL, refresh="callback-nav", pathname=pathname, search=search
                ),
                top_bar,
                panel,
                filter_panel.chips(event_filter),
            )
    return (
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        shell.top_bar(),
        filter_panel.panel(),
        filter_panel.chips(),
    )


YOUNG_COLLECTION_EVERY = 10_000  # allocations; Python's default is 700


def read_gazetteer_in_background() -> threading.Thread:
    """Start reading the gazetteer in a daemon thread and return that thread.

    Seconds of reading (issue 19), done while a server waits for its first visitor
    rather than in the first "Find place"; a search arriving meanwhile waits for it."""
    reading = threading.Thread(
        target=_read_gazetteer_then_tune_collector, name="read-gazetteer", daemon=True
    )
    reading.start()
    return reading


def _read_gazetteer_then_tune_collector() -> None:
    gazetteer.load_gazetteer()
    # The app's modules, layouts and tables live as long as the server: frozen out
    # of the collector's sight, a full collection set off by a request no longer
    # walks them all in its middle (a page of 500 API records waited for one when
    # the gazetteer's places were Python objects: issue 15's p95).
    gc.freeze()
    # A page of 500 API records allocates some 10,000 containers. At Python's
    # default (a young collection every 700) each page set off about 15 of them,
    # and every few pages a full one of 10-14 ms: the p95's tail. Every 10,000,
    # most of a request's objects are gone before a collection looks at them.
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


def create_server(database_url: str | None = None) -> Flask:
    """The WSGI app for gunicorn: `gunicorn 'dashboard.app:create_server()'`.

    gunicorn builds it in each worker (no `--preload` in the README's command), so
    each worker reads its own gazetteer as it starts, as `python -m dashboard` does."""
    read_gazetteer_in_background()
    server = create_app(database_url).server
    with server.app_context():
        auth.warn_if_no_accounts()
    return server
