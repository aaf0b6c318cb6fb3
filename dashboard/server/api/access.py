"""Who calls the API: a token (`Authorization: Bearer`), else a logged-in browser
session, else nobody, who may read only when TRACKER_PUBLIC_READ=1.

Writes need a token: a cookie is sent by the browser to any site's form, so a write
it allowed could be forged from another site; a token is sent only by a script
that holds it. Whether the caller may do a write is decided, as for the dashboard's
forms, by `tracker.store.accounts.authorize`."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from dashboard.server.api.answers import ApiError
from dashboard.server.auth import public_read
from dashboard.services import engine
from tracker.db import session_scope
from tracker.errors import PermissionDenied, Problem
from tracker.store import tokens
from tracker.store.accounts import Action, Principal, authorize
from tracker.store.history import Author

VIA = "api"  # how the history names writes made through the API
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tracker"'}


def bearer_secret() -> str | None:
    """The token the request sends, None when it sends no Authorization header;
    ApiError 401 when the header is not a bearer token."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthorized("the Authorization header must be `Bearer <token>`")
    return secret.strip()


def unauthorized(reason: str) -> ApiError:
    """The 401 refusal, with the challenge naming the bearer scheme."""
    return ApiError(
        401,
        "authentication required",
        [Problem("Authorization", reason)],
        headers=CHALLENGE,
    )


def token_principal() -> Principal | None:
    """The account the request's token acts as; None without a token, ApiError 401
    for a token that is unknown, revoked, expired or of a disabled account."""
    secret = bearer_secret()
    if secret is None:
        return None
    with session_scope(engine()) as session:
        principal = tokens.principal_for_token(session, secret)
    if principal is None:
        raise unauthorized("the token is unknown, revoked or expired")
    return principal


def reader() -> Principal | None:
    """Who reads: the token's account, else the logged-in account, else nobody
    when the public may read; ApiError 401 otherwise."""
    principal = token_principal()
    if principal is not None:
        return principal
    logged_in = getattr(current_user, "principal", None)
    if logged_in is not None:
        return logged_in
    if public_read():
        return None
    raise unauthorized("send an API token: `Authorization: Bearer <token>`")


def writer(action: Action) -> Author:
    """The author of a write the request's token may do; ApiError 401 without a
    valid token, 403 when its account's role may not `action`."""
    principal = token_principal()
    if principal is None:
        raise unauthorized(
            "writes through the API need a token: `Authorization: Bearer <token>`"
        )
    try:
        authorize(principal, action)
    except PermissionDenied as error:
        raise ApiError(
            403, f"{error}; nothing was changed", [Problem("Authorization", str(error))]
        ) from error
    return Author(principal.username, via=VIA)


def rate_key() -> str:
    """Whose allowance a request spends: its token's (by the token's hash, so no
    database look-up comes before the limit), else the logged-in account's, else
    the caller's address."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + tokens.hash_secret(secret.strip())
    logged_in = getattr(current_user, "principal", None)
    if logged_in is not None:
        return "account:" + logged_in.username
    return "address:" + (request.remote_addr or "unknown")
