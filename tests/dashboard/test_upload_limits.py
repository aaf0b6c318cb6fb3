"""Upload size limits, set in megabytes by $TRACKER_IMPORT_LIMIT_MB and
$TRACKER_ARTICLE_LIMIT_MB: the upload boxes carry them, the server refuses a larger
file with a message naming the limit and the file's size, and Flask refuses any
request body far over them with a 413 before reading it. No browser."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from dash import dcc

from dashboard import services
from dashboard.app import create_app
from dashboard.pages import import_page, review
from dashboard.server import uploads
from tests.dashboard.conftest import client_as, request_as
from tracker.errors import ConfigurationError, InvalidInput

KB = 1024
MB = 1024 * 1024


def data_url(size: int) -> str:
    """A base64 data URL of a file of `size` bytes, as dcc.Upload sends one."""
    return "data:text/plain;base64," + base64.b64encode(b"a" * size).decode()


def find(component, kind: type):
    """The first component of `kind` in a layout tree."""
    if isinstance(component, kind):
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = find(child, kind)
            if found is not None:
                return found
    return None


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path):
    """The dashboard with a 1 MB import limit and a 256 KB article limit."""
    monkeypatch.setenv(uploads.IMPORT_LIMIT_ENV, "1")
    monkeypatch.setenv(uploads.ARTICLE_LIMIT_ENV, "0.25")
    app = create_app(database_url)
    app.server.config[uploads.UPLOAD_FOLDER_KEY] = str(tmp_path / "uploads")
    yield app
    app.server.config[services.ENGINE_KEY].dispose()


@pytest.mark.parametrize(
    ("value", "limit"),
    [
        (None, 50 * MB),
        ("", 50 * MB),
        ("2", 2 * MB),
        ("0.5", 512 * KB),
        (" 10 ", 10 * MB),
    ],
)
def test_the_import_limit_is_read_in_megabytes(value: str | None, limit: int):
    environ = {} if value is None else {uploads.IMPORT_LIMIT_ENV: value}
    assert (
        uploads.limit_from_environment(
            uploads.IMPORT_LIMIT_ENV, uploads.DEFAULT_IMPORT_LIMIT_BYTES, environ
        )
        == limit
    )


@pytest.mark.parametrize("value", ["fifty", "0", "-1", "inf", "nan"])
def test_a_limit_that_is_not_a_positive_number_is_refused_by_name(value: str):
    with pytest.raises(ConfigurationError) as refused:
        uploads.limit_from_environment(
            uploads.ARTICLE_LIMIT_ENV, 1, {uploads.ARTICLE_LIMIT_ENV: value}
        )
    assert str(refused.value) == (
        "$TRACKER_ARTICLE_LIMIT_MB must be a positive number of megabytes, "
        f"got {value!r}"
    )


def test_requests_may_carry_the_largest_upload_as_base64_and_little_more(app):
    config = app.server.config
    assert config[uploads.IMPORT_LIMIT_KEY] == 1 * MB
    assert config[uploads.ARTICLE_LIMIT_KEY] == 256 * KB
    assert config["MAX_CONTENT_LENGTH"] == 4 * -(-MB // 3) + 1 * MB


def test_the_upload_boxes_carry_their_limits(app):
    with request_as(app, "/import", "editor"):
        import_upload = find(import_page.layout(), dcc.Upload)
        review_upload = find(review.layout(), dcc.Upload)
    assert import_upload.max_size == 1 * MB
    assert review_upload.max_size == 256 * KB
    hint = import_upload.children[1].children
    assert hint == " or drop it here (up to 1 MB)"


def test_an_import_over_the_limit_is_refused_naming_both_sizes(app):
    with request_as(app, "/import", "editor"):
        store, shown, _ = import_page.on_upload(data_url(MB + MB // 2), "big.csv", None)
    assert store is None
    assert shown.children == (
        "big.csv is 1.5 MB, over the limit of 1 MB for uploads; import it with "
        "`tracker import` instead. Nothing was stored."
    )
    assert not Path(app.server.config[uploads.UPLOAD_FOLDER_KEY]).exists()


def test_an_import_at_the_limit_is_stored(app):
    with request_as(app, "/import", "editor"):
        stored = uploads.save_upload(data_url(MB), "at-limit.csv")
    assert stored.size == MB


def test_save_upload_refuses_a_large_file_whoever_sends_it(app):
    with (
        request_as(app, "/import", "editor"),
        pytest.raises(InvalidInput) as refused,
    ):
        uploads.save_upload(data_url(2 * MB), "../../etc/big.csv")
    [problem] = refused.value.problems
    assert problem.field == "file"
    assert problem.reason.startswith("is 2 MB, over the limit of 1 MB for uploads")


def test_an_article_over_the_limit_is_refused_and_the_box_left_alone(app):
    with request_as(app, "/review", "editor"):
        value, message = review.on_upload(data_url(300 * KB), "long.txt")
    assert value is review.no_update
    assert message == (
        "long.txt is 300 KB, over the limit of 256 KB for an article's text; run "
        "`tracker extract` on it instead. Nothing was read."
    )


def test_an_article_within_the_limit_fills_the_box(app):
    with request_as(app, "/review", "editor"):
        value, message = review.on_upload(data_url(200 * KB), "article.txt")
    assert value == "a" * 200 * KB
    assert message is None


def test_a_request_body_over_the_backstop_is_answered_413_unread(app):
    client = client_as(app, "editor")
    too_big = app.server.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * too_big + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    # The server goes on answering.
    assert client.get("/_dash-layout").status_code == 200
