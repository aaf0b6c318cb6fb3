"""The README's promise to a new user, step by step on a fresh database: create the
first admin at the command line, log in, add an event, see its history."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from tests.browser.conftest import REPO_ROOT, running_server

PASSWORD = "my own long password"


def tracker(url: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    )
    return done.stdout


def test_create_an_admin_log_in_add_an_event_and_see_its_history(
    anonymous_context, tmp_path
):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    tracker(url, "init-db")
    tracker(url, "seed")
    created = tracker(
        url,
        "user",
        "add",
        "admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    assert "Created admin (admin)" in created

    page: Page = anonymous_context.new_page()
    with running_server(url, tmp_path / "server.log") as server:
        page.goto(server + "/")
        page.wait_for_url(re.compile(r"/login"))
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(server + "/")

        page.get_by_role("link", name="Add event").click()
        expect(page.get_by_label("Title")).to_be_visible()
        page.get_by_label("Title").fill("Shelling of Kupiansk")
        page.get_by_label("Event type", exact=True).click()
        page.get_by_role("dialog").get_by_role("option", name="ASSAULT").click()
        page.get_by_label("Start date").fill("2025-06-02")
        page.get_by_label("Source URL").fill("https://example.org/kupiansk")
        page.get_by_role("button", name="Save event").click()
        page.wait_for_url(re.compile(r"/events/\d+$"))

        expect(page.get_by_text("History", exact=True)).to_be_visible()
        expect(page.get_by_text(re.compile(r"create.*admin"))).to_be_visible()
