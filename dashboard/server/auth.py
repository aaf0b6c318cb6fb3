"""Logging in to the dashboard: Flask-Login on the Flask server behind Dash.

Every request but the login page, static files and the JSON API (which checks its
tokens itself, `dashboard.server.api.access`) needs a logged-in account, unless
TRACKER_PUBLIC_READ=1 lets anonymous visitors read. This gate only decides who may
*see* the dashboard: whether a write is allowed is checked again, per action, in
`dashboard.services.access`, so a crafted callback request is refused there whatever
the pages show.

The session cookie is signed with TRACKER_SECRET_KEY or, without it, with a key made
on first run and kept with the data (see `secret_key_path`), never in the repository.
Failed logins are throttled per address and username (see
`dashboard.server.login_throttle`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    redirect,
    render_template_string,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.engine import URL
from werkzeug.exceptions import Unauthorized

from dashboard import services
from dashboard.server.login_throttle import LoginThrottle
from tracker.db import session_scope
from tracker.models import Role
from tracker.store import accounts

log = logging.getLogger(__name__)

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
PUBLIC_READ_KEY = "TRACKER_PUBLIC_READ"  # app config: anonymous visitors may read
THROTTLE_KEY = "tracker_login_throttle"  # app.extensions entry
# Reachable without logging in: the login page needs its styles and Dash's scripts
# carry no data.
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
API_PREFIX = "/api/"  # the JSON API, which checks tokens itself
WRONG_LOGIN = "Wrong username or password."
TOO_MANY = (
    "Too many failed logins for this username from your address. "
    "Wait a minute, then try again."
)
NO_ACCOUNTS_HINT = (
    "No accounts yet: create one with `tracker user add NAME --role admin`, "
    "then log in at /login."
)


class Account(UserMixin):
    """The logged-in person as Flask-Login sees them: a principal and a session id.

    The id carries a fingerprint of the password hash, so changing a password ends
    every session opened with the old one."""

    def __init__(self, principal: accounts.Principal, password_hash: str):
        self.principal = principal
        self.session_id = f"{principal.username}:{_fingerprint(password_hash)}"

    def get_id(self) -> str:
        return self.session_id


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def account_named(username: str) -> Account | None:
    """The active account called `username`, with its role as stored now."""
    with session_scope(services.engine()) as db:
        user = accounts.find_user(db, username)
        if user is None or not user.active:
            return None
        principal = accounts.Principal(username=user.username, role=Role(user.role))
        return Account(principal, user.password_hash)


def load_account(session_id: str) -> Account | None:
    """The account a login session names, if it is still active and its password
    unchanged; its role is read afresh, so a new role applies at once."""
    account = account_named(session_id.partition(":")[0])
    if account is None or not hmac.compare_digest(session_id, account.session_id):
        return None
    return account


def _log_in(username: str, password: str) -> Account | None:
    with session_scope(services.engine()) as db:
        principal = accounts.authenticate(db, username, password)
        if principal is None:
            return None
        user = accounts.find_user(db, principal.username)
        return Account(principal, user.password_hash)


# --- The secret key ----------------------------------------------------------------


def secret_key_path(database_url: URL) -> Path:
    """Where the generated secret key is kept: $TRACKER_DATA_DIR/tracker-secret-key,
    else beside a SQLite database file (`tracker.db.secret`), else (PostgreSQL, an
    in-memory database) `.tracker-secret` in the working folder."""
    data_dir = os.environ.get("TRACKER_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "tracker-secret-key"
    if database_url.get_backend_name() == "sqlite" and database_url.database not in (
        None,
        "",
        ":memory:",
    ):
        database = Path(database_url.database)
        return database.with_name(database.name + ".secret")
    return Path.cwd() / ".tracker-secret"


def secret_key(database_url: URL) -> str:
    """$TRACKER_SECRET_KEY, else the key kept with the data, made (mode 0600) if new."""
    configured = os.environ.get("TRACKER_SECRET_KEY", "").strip()
    if configured:
        return configured
    path = secret_key_path(database_url)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: two servers starting at once both
        # end up with the one key, and neither ever reads a half-written file.
        draft = path.with_name(f"{path.name}.{secrets.token_hex(4)}.new")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
            log.warning("Generated the session secret key in %s", path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


# --- The app's side ------------------------------------------------------------------


def install(server: Flask, database_url: URL) -> None:
    """Add logins to the dashboard's Flask server: cookies, routes and the gate."""
    server.config.update(
        SECRET_KEY=secret_key(database_url),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("TRACKER_SECURE_COOKIES") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=os.environ.get("TRACKER_SECURE_COOKIES") == "1",
    )
    server.config[PUBLIC_READ_KEY] = os.environ.get("TRACKER_PUBLIC_READ") == "1"
    server.extensions[THROTTLE_KEY] = LoginThrottle()
    manager = LoginManager()
    manager.user_loader(load_account)
    manager.init_app(server)
    server.add_url_rule(LOGIN_PATH, "login", login_page, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "logout", logout, methods=["POST"])
    # First of all request hooks, so nothing (not even Dash's setup) runs for a
    # visitor who may not see the dashboard.
    server.before_request_funcs.setdefault(None, []).insert(0, require_login)


def public_read() -> bool:
    """Whether anonymous visitors may read (TRACKER_PUBLIC_READ=1)."""
    return bool(current_app.config.get(PUBLIC_READ_KEY))


def require_login() -> Response | None:
    """Send a visitor who is not logged in to the login page (None: go on).

    Dash's own requests (callbacks, layout) get a 401 instead of a redirect: a
    script cannot follow a login page, and a POST must not turn into a GET."""
    path = request.path
    if path in (LOGIN_PATH, LOGOUT_PATH) or path.startswith(OPEN_PREFIXES):
        return None
    if path.startswith(API_PREFIX):
        # The API decides for itself (tokens, the session, public reading) and
        # answers 401 in JSON: a script cannot follow a login page.
        return None
    if current_user.is_authenticated or public_read():
        return None
    if path.startswith("/_") or request.method != "GET":
        raise Unauthorized("Log in first: this dashboard needs an account.")
    here = path + (f"?{request.query_string.decode()}" if request.query_string else "")
    return redirect(f"{LOGIN_PATH}?{urlencode({'next': here})}")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site, else the timeline."""
    target = (target or "").strip()
    parts = urlsplit(target)
    local = (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not parts.scheme
        and not parts.netloc
    )
    return target if local else "/"


def _form_token() -> str:
    """The login form's token, kept in the session: a login POSTed from another
    site (which cannot read it) is refused."""
    if "login_token" not in session:
        session["login_token"] = secrets.token_urlsafe(24)
    return session["login_token"]


def login_page() -> Response | str | tuple[str, int]:
    """GET: the login form. POST: check the password and go on, or say why not."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target)
        return _render_login(target)
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")
    sent_token = request.form.get("token", "")
    if not hmac.compare_digest(sent_token, session.get("login_token", "")):
        return _render_login(target, "Your login form expired; try again.", 400)
    throttle: LoginThrottle = request_throttle()
    key = (request.remote_addr or "unknown", username.casefold())
    if throttle.blocked(key):
        return _render_login(target, TOO_MANY, 429, username)
    account = _log_in(username, password)
    if account is None:
        throttle.fail(key)
        log.warning("Failed login for %r from %s", username, key[0])
        return _render_login(target, WRONG_LOGIN, 401, username)
    throttle.clear(key)
    session.clear()  # a fresh session: nothing from before the login carries over
    login_user(account)
    return redirect(target)


def request_throttle() -> LoginThrottle:
    """The app's record of failed logins."""
    return current_app.extensions[THROTTLE_KEY]


def logout() -> Response:
    """End the session and show the login page."""
    logout_user()
    session.clear()
    return redirect(LOGIN_PATH)


def _render_login(
    target: str, message: str | None = None, status: int = 200, username: str = ""
) -> tuple[str, int]:
    # Jinja escapes every value here: render_template_string autoescapes.
    page = render_template_string(
        LOGIN_TEMPLATE,
        target=target,
        message=message,
        username=username,
        token=_form_token(),
        public_read=public_read(),
    )
    return page, status


LOGIN_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · tracker</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<header class="top-bar"><a class="brand" href="/">tracker</a></header>
<main class="login-page">
<h1>Log in</h1>
{% if message %}
<p class="form-summary login-message" role="alert">{{ message }}</p>
{% endif %}
<form method="post" action="/login" class="login-form">
<input type="hidden" name="next" value="{{ target }}">
<input type="hidden" name="token" value="{{ token }}">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username"
       value="{{ username }}" required autofocus>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password"
       autocomplete="current-password" required>
</div>
<button type="submit" class="button primary">Log in</button>
</form>
{% if public_read %}<p class="note"><a href="/">Browse without logging in</a>:
anyone may read this dashboard; writing needs an account.</p>{% endif %}
</main>
</body>
</html>
"""


def warn_if_no_accounts() -> None:
    """Say how to make the first account when there is none (at server start)."""
    with session_scope(services.engine()) as db:
        if not accounts.list_users(db):
            log.warning(NO_ACCOUNTS_HINT)
