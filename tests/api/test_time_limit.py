"""A read of the API that runs past the statement time limit is answered 503 in
JSON with Retry-After, like the dashboard's pages (issue 19), on both backends."""

from __future__ import annotations

import datetime as dt

from dashboard.app import create_app
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import insert_plain_events, slow_event_table
from tracker.db import make_engine, session_scope
from tracker.models import Role
from tracker.store import accounts, tokens


def test_a_read_past_the_time_limit_is_503_json(database_url, monkeypatch):
    # 0.2 s on PostgreSQL, where another transaction locks the table; on SQLite a
    # microsecond, which a search through 20,000 events overruns (see
    # tests/dashboard/conftest.py: slow_event_table).
    postgres = database_url.startswith("postgresql")
    monkeypatch.setenv("TRACKER_STATEMENT_TIMEOUT", "0.2" if postgres else "0.000001")
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        accounts.create_user(session, "viewer", "a long enough password", Role.VIEWER)
        secret = tokens.create_token(session, "viewer").secret
    if not postgres:
        insert_plain_events(engine, 20_000, dt.date(2025, 4, 1))
    engine.dispose()
    app = create_app(database_url)
    client = app.server.test_client()
    served = app.server.config[ENGINE_KEY]

    with slow_event_table(served):
        answer = client.get(
            "/api/v1/events?text=nowhere",
            headers={"Authorization": f"Bearer {secret}"},
        )

    assert answer.status_code == 503
    assert answer.is_json and answer.get_json()["error"].startswith("service busy")
    # The busy answer's own, not the rate limit's (the allowance renews later).
    assert answer.headers["Retry-After"] == "10"
    assert answer.headers["X-RateLimit-Remaining"]
    served.dispose()
