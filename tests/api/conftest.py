"""The JSON API's tests: the real dashboard server over real HTTP, on SQLite and on
PostgreSQL (each module gets its own seeded database and one server per backend).

Accounts `editor`, `viewer` and `admin` exist in every database, each with an API
token (`api_tokens`: role -> secret); requests go through `call`."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.browser.conftest import running_server
from tests.conftest import (
    BACKENDS,
    POSTGRES_URL,
    REPO_ROOT,
    create_postgres_database,
    drop_postgres_database,
)
from tracker.db import make_engine, session_scope, upgrade_database
from tracker.models import Role
from tracker.seed import seed_database
from tracker.store import accounts, tokens

PASSWORD = "api tests only"
ROLES = {"editor": Role.EDITOR, "viewer": Role.VIEWER, "admin": Role.ADMIN}


@pytest.fixture(scope="session")
def api_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated and seeded, with the three accounts, made once per
    worker; each module gets a copy."""
    path = tmp_path_factory.mktemp("api-template") / "tracker.db"
    prepare(f"sqlite:///{path}")
    # Every connection has closed, so the write-ahead log is folded into the file
    # and a plain copy is the whole database.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def api_postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated and seeded, with the three accounts, made once
    per worker: each module's database is created from it (CREATE DATABASE ...
    TEMPLATE copies its files, no migration or seeding again)."""
    name = create_postgres_database(f"tracker_api_template_{uuid.uuid4().hex[:10]}")
    prepare(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    yield name
    drop_postgres_database(name)


@pytest.fixture(scope="module", params=BACKENDS)
def api_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, seeded database of this module's own, with the three accounts."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("api") / "tracker.db"
        shutil.copy(request.getfixturevalue("api_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("api_postgres_template")
    name = create_postgres_database(
        f"tracker_api_{uuid.uuid4().hex[:10]}", template=template
    )
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    drop_postgres_database(name)


def prepare(url: str) -> None:
    """Migrate and seed the database at `url` and add the three accounts."""
    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        seed_database(session, REPO_ROOT / "seed_data")
        for username, role in ROLES.items():
            accounts.create_user(session, username, PASSWORD, role)
    engine.dispose()


@pytest.fixture(scope="module")
def api_tokens(api_database: str) -> dict[str, str]:
    """A token for each account: role name -> secret."""
    engine = make_engine(api_database)
    with session_scope(engine) as session:
        made = {name: tokens.create_token(session, name).secret for name in ROLES}
    engine.dispose()
    return made


@pytest.fixture(scope="module")
def api_server(
    api_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard (and so the API) served over this module's database."""
    log_path = tmp_path_factory.mktemp("api-server") / "server.log"
    with running_server(api_database, log_path) as base:
        yield base


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers, the JSON body (else the text)."""

    status: int
    headers: dict[str, str]
    body: Any
    content_type: str


def call(
    url: str,
    *,
    token: str | None = None,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> Answer:
    """One request; the answer's JSON body (the text when it is not JSON)."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    open_url = opener.open if opener is not None else urllib.request.urlopen
    try:
        with open_url(request, timeout=60) as response:
            status, raw = response.status, response.read()
            answer_headers = dict(response.headers.items())
    except urllib.error.HTTPError as error:
        status, raw, answer_headers = error.code, error.read(), dict(error.headers)
    content_type = answer_headers.get("Content-Type", "")
    text_body = raw.decode()
    parsed = json.loads(text_body) if "json" in content_type else text_body
    return Answer(status, answer_headers, parsed, content_type)


def all_event_ids(base: str, query: str, token: str, *, limit: int = 1000) -> list[int]:
    """The ids of every page of GET /api/v1/events?query, following `next`."""
    separator = "&" if query else ""
    url: str | None = f"{base}/api/v1/events?{query}{separator}limit={limit}&fields=id"
    ids: list[int] = []
    while url:
        answer = call(url, token=token)
        assert answer.status == 200, answer.body
        ids.extend(item["id"] for item in answer.body["data"])
        url = answer.body["next"]
    return ids
