"""In Chromium: a file over an upload limit is refused with a message naming the
limit and the file's size, before it is sent; a file within it goes through.

The server of this module runs with small limits set through the environment:
$TRACKER_IMPORT_LIMIT_MB=1 for the Import page, $TRACKER_ARTICLE_LIMIT_MB=0.25 for an
article's text on the Review page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from dashboard import ids
from dashboard.pages import import_page
from dashboard.server import uploads

KB = 1024
MB = 1024 * 1024


@pytest.fixture(scope="module", autouse=True)
def small_limits() -> Iterator[None]:
    """Small limits in the environment the module's server starts with."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(uploads.IMPORT_LIMIT_ENV, "1")
        patch.setenv(uploads.ARTICLE_LIMIT_ENV, "0.25")
        yield


@pytest.fixture
def callback_bodies(page: Page) -> list[int]:
    """The size of every callback request the page sends."""
    sizes: list[int] = []

    def record(request: Request) -> None:
        if "/_dash-update-component" in request.url:
            sizes.append(len(request.post_data_buffer or b""))

    page.on("request", record)
    return sizes


def sparse_file(folder: Path, name: str, size: int) -> Path:
    """A file of `size` zero bytes, made without writing them."""
    path = folder / name
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_import_page_names_its_limit_and_refuses_a_larger_file_unsent(
    page: Page, server: str, tmp_path: Path, console_errors, callback_bodies
):
    page.goto(server + "/import")
    expect(page.get_by_text("or drop it here (up to 1 MB)")).to_be_visible()
    big = sparse_file(tmp_path, "big.csv", 2 * MB + MB // 2)
    page.get_by_label("Choose a file to import").set_input_files(big)
    expect(page.locator("#import-file")).to_have_text(
        "big.csv is 2.5 MB, over the limit of 1 MB for uploads; import it with "
        "`tracker import` instead. Nothing was stored."
    )
    expect(page.locator("#import-dry-run")).to_have_text(import_page.NO_FILE)
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    assert all(size < MB for size in callback_bodies)


def test_review_page_refuses_an_article_file_over_its_limit(
    page: Page, server: str, tmp_path: Path, console_errors, callback_bodies
):
    page.goto(server + "/review")
    long = tmp_path / "long.txt"
    long.write_text("A drone struck Kharkiv. " * (300 * KB // 24 + 1), "utf-8")
    page.locator(f"#{ids.REVIEW_UPLOAD} input[type=file]").set_input_files(long)
    text_field = page.locator(".field").filter(has=page.get_by_label("Article text"))
    expect(text_field.locator(".field-error")).to_have_text(
        "long.txt is 300 KB, over the limit of 256 KB for an article's text; run "
        "`tracker extract` on it instead. Nothing was read."
    )
    expect(page.get_by_label("Article text")).to_have_value("")
    assert all(size < 256 * KB for size in callback_bodies)


def test_review_page_reads_an_article_file_within_its_limit(
    page: Page, server: str, tmp_path: Path, console_errors
):
    page.goto(server + "/review")
    short = tmp_path / "short.txt"
    short.write_text("A drone struck Kharkiv on Friday.\n", "utf-8")
    page.locator(f"#{ids.REVIEW_UPLOAD} input[type=file]").set_input_files(short)
    expect(page.get_by_label("Article text")).to_have_value(
        "A drone struck Kharkiv on Friday.\n"
    )
