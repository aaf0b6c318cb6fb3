"""How large an uploaded file may be: the limits, read from the environment.

dcc.Upload reads a file in the browser and sends it as a base64 data URL inside the
JSON body of a callback request, so a file of N bytes travels as about 4N/3 bytes.
Three layers refuse a file that is too large:
- the upload's `max_size`: the browser keeps the file back, and the page's size guard
  (`dashboard.components.upload_guard`) says why, naming the limit and the file's size
  (dcc.Upload alone would drop the file without a word);
- the check where the contents are decoded, for a client that is not our page;
- Flask's MAX_CONTENT_LENGTH, just above the largest upload allowed, so that no
  request body of any size is read into memory: Werkzeug answers it 413 unread.
The limits are read when the app is created (`configure`), in megabytes:
$TRACKER_IMPORT_LIMIT_MB for the Import page, $TRACKER_ARTICLE_LIMIT_MB for an
article's text on the Review page."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from flask import Flask, current_app, has_app_context

from tracker.errors import ConfigurationError

MB = 1024 * 1024
IMPORT_LIMIT_ENV = "TRACKER_IMPORT_LIMIT_MB"
ARTICLE_LIMIT_ENV = "TRACKER_ARTICLE_LIMIT_MB"
DEFAULT_IMPORT_LIMIT_BYTES = 50 * MB  # bigger files go through `tracker import`
# An article is read as at most review.TEXT_LIMIT (200,000) characters; 1 MB holds
# that many in UTF-8 for any script but the rarest.
DEFAULT_ARTICLE_LIMIT_BYTES = 1 * MB
IMPORT_LIMIT_KEY = "TRACKER_IMPORT_LIMIT_BYTES"  # app config
ARTICLE_LIMIT_KEY = "TRACKER_ARTICLE_LIMIT_BYTES"  # app config
# Room in a callback request beside the file: its name, ids and the other states.
REQUEST_SLACK_BYTES = 1 * MB


def limit_from_environment(
    name: str, default: int, environ: Mapping[str, str] = os.environ
) -> int:
    """The limit in bytes that $name gives in megabytes (decimals allowed)."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if not math.isfinite(megabytes) or megabytes <= 0:
        raise ConfigurationError(
            f"${name} must be a positive number of megabytes, got {raw!r}"
        )
    return max(1, int(megabytes * MB))


def encoded_size(size: int) -> int:
    """How many bytes a file of `size` bytes takes as base64."""
    return 4 * -(-size // 3)


def configure(server: Flask, environ: Mapping[str, str] = os.environ) -> None:
    """Set the upload limits, and the request size limit above them, on the server."""
    importing = limit_from_environment(
        IMPORT_LIMIT_ENV, DEFAULT_IMPORT_LIMIT_BYTES, environ
    )
    article = limit_from_environment(
        ARTICLE_LIMIT_ENV, DEFAULT_ARTICLE_LIMIT_BYTES, environ
    )
    server.config[IMPORT_LIMIT_KEY] = importing
    server.config[ARTICLE_LIMIT_KEY] = article
    largest = encoded_size(max(importing, article)) + REQUEST_SLACK_BYTES
    server.config["MAX_CONTENT_LENGTH"] = largest


def _configured(key: str, default: int) -> int:
    """A limit `configure` set; the default outside an app (a callback in a test)."""
    return current_app.config.get(key, default) if has_app_context() else default


def import_limit() -> int:
    """The largest file the Import page takes, in bytes."""
    return _configured(IMPORT_LIMIT_KEY, DEFAULT_IMPORT_LIMIT_BYTES)


def article_limit() -> int:
    """The largest article text file the Review page takes, in bytes."""
    return _configured(ARTICLE_LIMIT_KEY, DEFAULT_ARTICLE_LIMIT_BYTES)


def decoded_size(contents: str | None) -> int:
    """The size in bytes of the file in a base64 data URL, without decoding it."""
    _header, _, data = (contents or "").partition(",")
    return len(data) * 3 // 4 - data[-2:].count("=")
