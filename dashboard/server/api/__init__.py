"""The JSON API under /api/v1/ (issue 15), on the dashboard's Flask server.

Scripts and notebooks read what the dashboard shows, with the same filter, and
editors' tokens write through the form's doors. Every answer is JSON, errors too
(`answers`); who is calling is decided in `access`; each token's requests are
rate-limited by Flask-Limiter (TRACKER_API_RATE_LIMIT, e.g. "600 per minute"),
per process: gunicorn's workers each count their own."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from dashboard.server.api import access, reads, writes
from dashboard.server.api.answers import ApiError, error_answer, json_answer
from dashboard.server.api.openapi import openapi_document
from tracker.errors import Problem, StatementTimeout

API_PREFIX = "/api/v1"
RATE_LIMIT_KEY = "TRACKER_API_RATE_LIMIT"
DEFAULT_RATE_LIMIT = "600 per minute"
RETRY_AFTER_BUSY_S = 10


def rate_limit() -> str:
    """The allowance of one token: $TRACKER_API_RATE_LIMIT or DEFAULT_RATE_LIMIT."""
    return os.environ.get(RATE_LIMIT_KEY, "").strip() or DEFAULT_RATE_LIMIT


def openapi_endpoint() -> Response:
    """GET /api/v1/openapi.json: the document describing this API."""
    return json_answer(openapi_document(request.host_url.rstrip("/") + API_PREFIX))


def not_found(rest: str = "") -> Response:
    """Any other path under /api/: a 404 in JSON, not the dashboard's page."""
    raise ApiError(404, f"there is no API endpoint {request.path[:100]}")


def register_api(server: Flask) -> None:
    """Add the API's routes, its rate limit and its JSON errors to `server`."""
    api = Blueprint("api", __name__, url_prefix=API_PREFIX)
    routes = [
        ("/events", reads.list_events_endpoint, ["GET"]),
        ("/events", writes.create_event_endpoint, ["POST"]),
        ("/events/<event_id>", reads.get_event_endpoint, ["GET"]),
        ("/events/<event_id>", writes.update_event_endpoint, ["PATCH"]),
        ("/events/<event_id>/retract", writes.retract_event_endpoint, ["POST"]),
        ("/timeline", reads.timeline_endpoint, ["GET"]),
        ("/actors", reads.actors_endpoint, ["GET"]),
        ("/places", reads.places_endpoint, ["GET"]),
        ("/views", reads.views_endpoint, ["GET"]),
        ("/datasets", reads.datasets_endpoint, ["GET"]),
        ("/openapi.json", openapi_endpoint, ["GET"]),
    ]
    for path, view, methods in routes:
        api.add_url_rule(
            path, f"{view.__name__}_{methods[0].lower()}", view, methods=methods
        )
    # Anything else under /api/ is the API's 404 in JSON, not the dashboard's page.
    api.add_url_rule(
        "/<path:rest>",
        "not_found",
        not_found,
        methods=["GET"],
    )
    server.add_url_rule("/api/<path:rest>", "api_outside", not_found)
    # Registered before the limiter's own: Flask runs them last first, so this
    # one sees the answer after Flask-Limiter has set its Retry-After.
    server.after_request(keep_the_busy_retry_after)
    limiter = Limiter(
        access.rate_key,
        storage_uri="memory://",
        headers_enabled=True,
        key_prefix="tracker-api",
    )
    # One allowance per token across the whole API: a limit per endpoint would let
    # a script spend it again on every path it reads.
    limiter.shared_limit(rate_limit, scope="api")(api)
    limiter.init_app(server)
    # The API's own refusals are raised only on its paths; a statement timeout
    # elsewhere keeps the dashboard's plain-text answer.
    api.register_error_handler(StatementTimeout, too_slow)
    server.register_blueprint(api)
    server.register_error_handler(ApiError, error_answer)
    server.register_error_handler(RateLimitExceeded, too_many)
    # Routing errors (a wrong method) happen before a blueprint is chosen.
    server.register_error_handler(HTTPException, http_error)


def too_many(error: RateLimitExceeded) -> Response:
    """429 in JSON; Flask-Limiter adds Retry-After and the X-RateLimit headers."""
    return error_answer(
        ApiError(
            429,
            f"too many requests: the limit is {error.description}; "
            "wait as Retry-After says",
            [Problem("Authorization", "this token's allowance is spent for now")],
        )
    )


def too_slow(error: StatementTimeout) -> Response:
    """503 in JSON when a statement ran past the time limit; nothing changed."""
    return error_answer(
        ApiError(
            503,
            f"service busy: {error}",
            headers={"Retry-After": str(RETRY_AFTER_BUSY_S)},
        )
    )


def keep_the_busy_retry_after(response: Response) -> Response:
    """A 503 of the API says when to try again: RETRY_AFTER_BUSY_S. Flask-Limiter
    sets every answer's Retry-After to when the token's allowance renews (up to a
    minute later), which is no reason to wait after a busy moment."""
    if response.status_code == 503 and request.path.startswith(API_PREFIX):
        response.headers["Retry-After"] = str(RETRY_AFTER_BUSY_S)
    return response


def http_error(error: HTTPException) -> Response | HTTPException:
    """JSON for an HTTP error under /api/; any other path answers as before."""
    if not request.path.startswith("/api/"):
        return error
    return error_answer(ApiError(error.code or 500, error.description or error.name))
