"""Requests whose database work ran past the statement time limit (issue #19).

The engine stops such a statement (`tracker.db`) and raises `StatementTimeout`; the
request is answered 503 with the reason in plain text and a Retry-After, and logged
as one warning line, not a traceback: the server is busy or the filter too broad,
which is nothing to debug, and the connection already serves the next request."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from tracker.errors import StatementTimeout

RETRY_AFTER_S = 10


def install(server: Flask) -> None:
    """Answer `StatementTimeout`, wherever a request raises it, 503."""
    server.register_error_handler(StatementTimeout, too_slow)


def too_slow(error: StatementTimeout) -> Response:
    """The 503 answer: what happened and what to try, in plain text."""
    current_app.logger.warning(
        "%s %s stopped: a statement ran past %g s",
        request.method,
        request.path,
        error.seconds,
    )
    return Response(
        f"Service busy: {error}.\n",
        status=503,
        mimetype="text/plain",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )
