"""Logging in and out in a real browser: the form, the account menu, the throttle."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import log_in


def test_a_page_asked_for_anonymously_opens_the_login_form_then_itself(
    anonymous_context: BrowserContext, server: str
):
    page = anonymous_context.new_page()
    page.goto(server + "/events?event_types=ASSAULT")

    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("browser tests only")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r"/events\?event_types=ASSAULT$"))
    expect(page.locator("#app-account-menu")).to_contain_text("viewer (viewer)")


def test_wrong_password_says_so_then_the_right_one_logs_in_and_out(
    anonymous_context: BrowserContext, server: str
):
    page = anonymous_context.new_page()
    log_in(page, server, "editor", "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_label("Username")).to_have_value("editor")

    log_in(page, server, "nobody-at-all", "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")

    log_in(page, server, "editor")
    page.wait_for_url(server + "/")
    menu = page.locator("#app-account-menu")
    expect(menu).to_contain_text("editor (editor)")
    expect(page.get_by_role("link", name="Add event")).to_be_visible()

    menu.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto(server + "/map")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fmap$"))


def test_a_viewer_sees_no_add_event_button(
    anonymous_context: BrowserContext, server: str
):
    page = anonymous_context.new_page()
    log_in(page, server, "viewer")
    page.wait_for_url(server + "/")
    expect(page.locator("#app-account-menu")).to_contain_text("viewer (viewer)")
    expect(page.get_by_role("link", name="Add event")).to_have_count(0)
    page.goto(server + "/events/6")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("link", name="Edit event")).to_have_count(0)


def test_five_failures_then_even_the_right_password_waits(
    anonymous_context: BrowserContext, server: str
):
    page = anonymous_context.new_page()
    for _ in range(5):
        log_in(page, server, "admin", "guess")
        expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")

    log_in(page, server, "admin")

    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_the_logged_in_page_fixture_is_an_editor(page: Page, server: str):
    page.goto(server + "/")
    expect(page.locator("#app-account-menu")).to_contain_text("editor (editor)")
