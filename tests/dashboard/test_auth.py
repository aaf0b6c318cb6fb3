"""The pieces of logging in: the secret key, where a login may send the browser next,
the failed-login throttle (on a clock the test moves), and a hostile login name."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy.engine import make_url

from dashboard.app import create_app
from dashboard.server.auth import safe_next, secret_key, secret_key_path
from dashboard.server.login_throttle import LoginThrottle
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import log_in


@pytest.fixture(autouse=True)
def no_configured_key(monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_DATA_DIR", raising=False)


def test_secret_key_is_made_once_beside_the_sqlite_file_readable_by_its_owner(
    tmp_path,
):
    url = make_url(f"sqlite:///{tmp_path / 'tracker.db'}")

    first, second = secret_key(url), secret_key(url)

    path = tmp_path / "tracker.db.secret"
    assert first == second == path.read_text().strip()
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["tracker.db.secret"]


def test_secret_key_from_the_environment_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from the environment")
    url = make_url(f"sqlite:///{tmp_path / 'tracker.db'}")

    assert secret_key(url) == "from the environment"
    assert list(tmp_path.iterdir()) == []


def test_secret_key_path_for_postgresql_and_a_data_dir(tmp_path, monkeypatch):
    postgres = make_url("postgresql+psycopg://postgres@127.0.0.1/tracker")
    assert secret_key_path(postgres).name == ".tracker-secret"
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    assert secret_key_path(postgres) == tmp_path / "tracker-secret-key"


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("/events?event_types=ASSAULT", "/events?event_types=ASSAULT"),
        ("/events/6", "/events/6"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("events", "/"),
    ],
)
def test_safe_next_goes_only_to_a_path_on_this_site(asked, sent_to):
    assert safe_next(asked) == sent_to


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_blocks_after_five_failures_until_the_minute_has_passed():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    key = ("127.0.0.1", "ana")
    for _ in range(4):
        throttle.fail(key)
    assert not throttle.blocked(key)
    throttle.fail(key)
    assert throttle.blocked(key)
    assert not throttle.blocked(("127.0.0.1", "bob"))  # per username
    assert not throttle.blocked(("10.0.0.2", "ana"))  # and per address

    clock.now += 59
    assert throttle.blocked(key)
    clock.now += 2
    assert not throttle.blocked(key)


def test_throttle_forgets_a_key_after_a_successful_login():
    throttle = LoginThrottle(clock=Clock())
    key = ("127.0.0.1", "ana")
    for _ in range(5):
        throttle.fail(key)
    throttle.clear(key)
    assert not throttle.blocked(key)


def test_a_login_name_with_a_nul_byte_is_a_wrong_login_not_a_server_error(
    database_url,
):
    # PostgreSQL refuses to compare text holding NUL: the fuzz campaign got a 500.
    app = create_app(database_url)
    try:
        client = app.server.test_client()
        response = log_in(client, "ann\x00admin", "a long enough password")
        assert response.status_code == 401
        assert "Wrong username or password" in response.get_data(as_text=True)
    finally:
        app.server.config[ENGINE_KEY].dispose()
