"""Accounts for the dashboard tests: the dashboard needs one to be seen at all, and an
editor's to write. Accounts are made with tracker's own functions and logged in
either through the real /login form (a test client) or with Flask-Login's
`login_user` inside a request context (layouts and callbacks called as functions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from dash import Dash
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user

from dashboard.server.auth import account_named
from dashboard.services import ENGINE_KEY
from tracker.db import session_scope
from tracker.models import Role
from tracker.store import accounts

PASSWORD = "a long enough password"


def _server(app: Dash | Flask) -> Flask:
    return app.server if isinstance(app, Dash) else app


def add_account(app: Dash | Flask, username: str, role: str = "editor") -> str:
    """Create the account (if new) in the app's database, with PASSWORD."""
    with session_scope(_server(app).config[ENGINE_KEY]) as session:
        if accounts.find_user(session, username) is None:
            accounts.create_user(session, username, PASSWORD, Role(role))
    return username


def login_token(page: str) -> str:
    """The login form's hidden token, from the page's HTML."""
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def log_in(client: FlaskClient, username: str, password: str = PASSWORD):
    """Log in through the real login form; the response of the POST."""
    token = login_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "token": token}
    )


def client_as(app: Dash | Flask, role: str = "editor") -> FlaskClient:
    """A test client logged in as an account of `role` (made if new)."""
    client = _server(app).test_client()
    response = log_in(client, add_account(app, role, role))
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@contextmanager
def request_as(app: Dash, path: str = "/", role: str = "editor") -> Iterator[None]:
    """A request context in which an account of `role` (made if new) is logged in."""
    username = add_account(app, role, role)
    with app.server.test_request_context(path):
        login_user(account_named(username))
        yield


def session_cookie(client: FlaskClient) -> str:
    """The client's login session as a Cookie header value, for a raw HTTP request."""
    return f"session={client.get_cookie('session').value}"
