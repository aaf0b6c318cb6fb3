"""The API's OpenAPI document, its rate limit and the public read mode (issue 15),
through Flask's test client: real HTTP is not the point here, and the rate limit
and TRACKER_PUBLIC_READ are read from the environment of the server's process."""

from __future__ import annotations

from dataclasses import fields

import pytest
from openapi_spec_validator import validate

from dashboard.app import create_app
from dashboard.services import ENGINE_KEY
from tests.api.conftest import prepare
from tracker.db import make_engine, session_scope
from tracker.query.filters import EventFilter
from tracker.store import tokens


@pytest.fixture(scope="module")
def database_file(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('api-doc') / 'tracker.db'}"
    prepare(url)
    return url


def make_client(database_url: str, monkeypatch, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app(database_url)
    return app.server.test_client(), app.server.config[ENGINE_KEY]


def new_token(database_url: str, username: str) -> str:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        secret = tokens.create_token(session, username).secret
    engine.dispose()
    return secret


def test_the_openapi_document_validates_and_lists_every_filter_field(
    database_file, monkeypatch
):
    client, engine = make_client(database_file, monkeypatch)
    answer = client.get("/api/v1/openapi.json")
    engine.dispose()
    assert answer.status_code == 200
    document = answer.get_json()
    validate(document)  # raises on any violation of OpenAPI 3.1
    assert document["openapi"] == "3.1.0"
    listing = document["paths"]["/events"]["get"]["parameters"]
    names = [p["name"] for p in listing]
    assert names == [f.name for f in fields(EventFilter)] + [
        "limit",
        "cursor",
        "fields",
    ]
    timeline = document["paths"]["/timeline"]["get"]["parameters"]
    assert [p["name"] for p in timeline][:-1] == [f.name for f in fields(EventFilter)]
    by_name = {p["name"]: p["schema"] for p in listing}
    assert by_name["since"] == {"type": "string", "format": "date"}
    assert by_name["event_types"]["type"] == "array"
    assert "ASSAULT" in by_name["event_types"]["items"]["enum"]
    assert by_name["civilians_targeted"] == {"type": "boolean"}
    assert by_name["limit"]["maximum"] == 1000


def test_each_token_is_rate_limited_with_429_json_and_retry_after(
    database_file, monkeypatch
):
    client, engine = make_client(
        database_file, monkeypatch, TRACKER_API_RATE_LIMIT="3 per minute"
    )
    first, second = (
        new_token(database_file, "viewer"),
        new_token(database_file, "admin"),
    )
    # One allowance for the token, whichever endpoints it spends it on.
    spent = [
        client.get(path, headers={"Authorization": f"Bearer {first}"})
        for path in ("/api/v1/actors", "/api/v1/datasets", "/api/v1/views")
        + ("/api/v1/actors",)
    ]
    other = client.get("/api/v1/actors", headers={"Authorization": f"Bearer {second}"})
    engine.dispose()
    assert [a.status_code for a in spent] == [200, 200, 200, 429]
    refused = spent[-1]
    assert refused.is_json and "too many requests" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0
    assert other.status_code == 200  # another token has its own allowance


def test_public_read_lets_anyone_read_but_not_write(database_file, monkeypatch):
    client, engine = make_client(database_file, monkeypatch, TRACKER_PUBLIC_READ="1")
    read = client.get("/api/v1/events?limit=1")
    views = client.get("/api/v1/views")
    write = client.post("/api/v1/events", json={"title": "anonymous"})
    engine.dispose()
    assert read.status_code == 200 and len(read.get_json()["data"]) == 1
    assert views.get_json() == {"data": []}
    assert write.status_code == 401 and write.is_json


def test_without_public_read_the_api_answers_401_not_a_login_page(
    database_file, monkeypatch
):
    monkeypatch.delenv("TRACKER_PUBLIC_READ", raising=False)
    client, engine = make_client(database_file, monkeypatch)
    answer = client.get("/api/v1/timeline")
    page = client.get("/events")
    engine.dispose()
    assert answer.status_code == 401 and answer.is_json
    assert page.status_code == 302  # the dashboard still sends people to log in
