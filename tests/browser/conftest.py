"""Browser tests: the real dashboard server as a subprocess, driven by Chromium.

The browser is Debian's Chromium. The tests are skipped with a reason when Chromium is
missing, unless TRACKER_REQUIRE_BROWSER=1 (CI).

Each module's database has three accounts, made with `tracker user add`: `editor`,
`viewer` and `admin`, all with PASSWORD. The `page` a test gets is logged in as
`editor` (through the real login form, once per module); `anonymous_context` gives
a browser that is logged in as nobody."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.conftest import REPO_ROOT

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "browser tests only"
ACCOUNTS = {"editor": "editor", "viewer": "viewer", "admin": "admin"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip (or, in CI, fail) every browser test when Chromium is not installed."""
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium`"
    for item in items:
        if "tests/browser" in str(item.path):
            if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
                item.add_marker(
                    pytest.mark.xfail(reason=reason, strict=True, run=False)
                )
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium headless, with no network chatter of its own."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated and seeded by the CLI, as `make run` does, with the
    three accounts: made once per worker (five CLI start-ups), then copied."""
    path = tmp_path_factory.mktemp("browser-template") / "tracker.db"
    tracker = [sys.executable, "-m", "tracker", "--database-url", f"sqlite:///{path}"]
    for command in (["init-db"], ["seed"]):
        subprocess.run(
            tracker + command, check=True, capture_output=True, cwd=REPO_ROOT
        )
    for username, role in ACCOUNTS.items():
        subprocess.run(
            [*tracker, "user", "add", username, "--role", role, "--password-stdin"],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
            cwd=REPO_ROOT,
        )
    # Every CLI connection has closed, so the write-ahead log is folded into the
    # file and a plain copy is the whole database.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="module")
def seeded_url(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the seeded template: each test module gets its own, so tests that
    write cannot disturb others."""
    path = tmp_path_factory.mktemp("browser") / "tracker.db"
    shutil.copy(seeded_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def server(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served on a free loopback port; its log is printed if it fails."""
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(seeded_url, log_path) as base:
        yield base


@contextmanager
def running_server(
    database_url: str, log_path: Path, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`python -m dashboard` over `database_url` (with `env` added to the
    environment) on a free loopback port: its base URL while it runs."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard",
                "--port",
                str(port),
                "--database-url",
                database_url,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine starts it slowly
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"dashboard did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
    if process.returncode not in (0, -15):
        print(log_path.read_text())  # noqa: T201 - the server log explains a crash


def log_in(page, server: str, username: str, password: str = PASSWORD) -> None:
    """Fill in and send the real login form."""
    page.goto(server + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="module")
def editor_state(browser: Browser, browser_context_args: dict, server: str) -> dict:
    """The cookies of a login as `editor`, made through the login form once."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, server, "editor")
    page.wait_for_url(server + "/")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def context(new_context, editor_state: dict) -> BrowserContext:
    """The test's browser, logged in as `editor` (the `page` fixture opens in it)."""
    return new_context(storage_state=editor_state)


@pytest.fixture
def anonymous_context(new_context) -> BrowserContext:
    """A browser logged in as nobody."""
    return new_context()


@pytest.fixture
def console_errors(page):
    """The console errors of the page; the test fails if there are any at its end."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield errors
    assert errors == []


def count_events(database_url: str) -> int:
    """How many events the server's database holds (a direct look, not via the UI)."""
    from sqlalchemy import func, select

    from tracker.db import make_engine, session_scope
    from tracker.models import Event

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return session.execute(select(func.count()).select_from(Event)).scalar_one()
    finally:
        engine.dispose()
