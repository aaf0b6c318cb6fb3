"""The dashboard over the seed events (`app`), accounts for its tests (the dashboard
needs one to be seen at all, and an editor's to write), and events in bulk and a
slow event table for the time limits.
Accounts are made with tracker's own functions and logged in either through the
real /login form (a test client) or with Flask-Login's `login_user` inside a request
context (layouts and callbacks called as functions)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import insert, text

from dashboard.app import create_app
from dashboard.server.auth import account_named
from dashboard.services import ENGINE_KEY
from tracker.db import make_engine, session_scope
from tracker.models import Event, Role
from tracker.seed import seed_database
from tracker.store import accounts

PASSWORD = "a long enough password"


@pytest.fixture
def app(database_url, seed_dir) -> Iterator[Dash]:
    """The dashboard over a database holding the seed events (a module may define
    its own `app` over other data)."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    engine.dispose()
    app = create_app(database_url)
    yield app
    app.server.config[ENGINE_KEY].dispose()


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


def insert_plain_events(engine, count: int, day: dt.date) -> None:
    """Insert `count` bare CONSULT events on `day` through `engine`."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "title": f"Bulk event {n}",
            "event_type": "CONSULT",
            "quad_class": 1,
            "score": 1.0,
            "date_start": day,
            "date_precision": "day",
            "status": "confirmed",
            "contexts": [],
            "tags": [],
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(count)
    ]
    with session_scope(engine) as session:
        session.execute(insert(Event), rows)


@contextmanager
def slow_event_table(engine) -> Iterator[None]:
    """Make every read of the events outlast a tiny statement time limit. On
    PostgreSQL another transaction locks the table, so readers wait (waiting
    counts against the limit there). SQLite's limit counts only work done: there
    the caller reads thousands of rows under a limit of a microsecond (SQLite
    checks its clock every 10,000 steps of its virtual machine)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE event IN ACCESS EXCLUSIVE MODE"))
        yield
        connection.rollback()
