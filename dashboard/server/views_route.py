"""`GET /views/<id>`: a saved view's permalink, redirecting to its page with its
query string, for its owner or, when shared, anyone logged in.

Someone else's private view is a 403 and an unknown one a 404, each in words; the
rules are `tracker.store.views.fetch_view`'s."""

from __future__ import annotations

from flask import Flask, Response, redirect

from dashboard.services import reads
from tracker.errors import NotFound, PermissionDenied

VIEWS_PATH = "/views"


def register_views_route(server: Flask) -> None:
    """Add `GET /views/<id>` to the Flask server behind the dashboard."""
    server.add_url_rule(
        f"{VIEWS_PATH}/<int:view_id>", "saved_view", open_view, methods=["GET"]
    )


def view_path(view_id: int) -> str:
    """The permalink of saved view `view_id`."""
    return f"{VIEWS_PATH}/{view_id}"


def open_view(view_id: int) -> Response:
    """Redirect to the view's page and query string, or say why not."""
    try:
        target = reads.saved_view_href(view_id)
    except PermissionDenied as error:
        return Response(f"{error}.\n", 403, mimetype="text/plain")
    except NotFound as error:
        return Response(f"{error}.\n", 404, mimetype="text/plain")
    return redirect(target)
