"""Uploaded files: how large they may be, and where they wait to be imported.

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
article's text on the Review page.

An upload to import is stored in a private folder under a random token
(`save_upload`); the browser keeps only the token, and the import reads the file back
by it (`upload_path`)."""

from __future__ import annotations

import base64
import math
import os
import re
import secrets
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_app_context

from dashboard.services.access import allowed
from tracker import errors
from tracker.errors import ConfigurationError, NotFound
from tracker.store.accounts import Action

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


# --- stored uploads -----------------------------------------------------------------

UPLOAD_FOLDER_KEY = "TRACKER_UPLOAD_FOLDER"  # app config: where uploads wait
UPLOAD_MAX_AGE_SECONDS = 24 * 3600  # uploads left behind longer are deleted
# A token names a stored upload: random hex, then the file's extension (formats may
# look at it). Tokens come back from the browser, so nothing else is accepted.
UPLOAD_TOKEN = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,10})?")
TOO_LARGE = (
    "is {size}, over the limit of {limit} for uploads; import it with "
    "`tracker import` instead. Nothing was stored"
)


@dataclass(frozen=True)
class StoredUpload:
    """A file uploaded for import: the token naming it and what to show of it."""

    token: str
    name: str  # the uploaded file's own name, cleaned, only ever displayed
    size: int  # bytes


def describe_size(size: int) -> str:
    """A byte count in words a person reads at a glance: "812 bytes", "3.4 MB"."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def display_name(filename: str | None) -> str:
    """The uploaded file's name without folders or control characters, for display."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()[:120]
    return name or "uploaded file"


def upload_folder() -> Path:
    """The private folder (mode 0700) where uploads wait to be imported."""
    configured = current_app.config.get(UPLOAD_FOLDER_KEY)
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    folder = Path(configured or Path(tempfile.gettempdir()) / f"tracker-uploads{user}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A folder of that name made by someone else could be read or swapped by them.
    if folder.is_symlink() or (user and folder.stat().st_uid != os.getuid()):
        raise errors.ConfigurationError(f"{folder} is not a private folder of ours")
    folder.chmod(0o700)
    return folder


def save_upload(contents: str | None, filename: str | None) -> StoredUpload:
    """Store an upload (a base64 data URL, as dcc.Upload sends it) under a new token.

    Raises InvalidInput, with nothing stored, for an empty, unreadable or too large
    file, PermissionDenied when the account may not import. Uploads older than a
    day are deleted on the way."""
    allowed(Action.IMPORT, "dashboard upload")
    header, _, data = (contents or "").partition(",")
    size = decoded_size(contents)
    refusal = None
    if not header.endswith(";base64"):
        refusal = "could not be read; choose it again"
    elif size > import_limit():
        limit = describe_size(import_limit())
        refusal = TOO_LARGE.format(size=describe_size(size), limit=limit)
    elif size == 0:
        refusal = "is empty. Nothing was stored"
    if refusal is None:
        try:
            content = base64.b64decode(data, validate=True)
        except ValueError:
            refusal = "could not be read; choose it again"
    if refusal is not None:
        raise errors.InvalidInput([errors.Problem("file", refusal)])
    name = display_name(filename)
    suffix = re.search(r"\.[A-Za-z0-9]{1,10}$", name)
    token = secrets.token_hex(16) + (suffix.group().lower() if suffix else "")
    folder = upload_folder()
    _delete_stale_uploads(folder)
    descriptor = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return StoredUpload(token, name, len(content))


def _delete_stale_uploads(folder: Path) -> None:
    """Delete uploads abandoned (never imported nor replaced) for over a day."""
    oldest = time.time() - UPLOAD_MAX_AGE_SECONDS
    for path in folder.iterdir():
        if not UPLOAD_TOKEN.fullmatch(path.name):
            continue
        try:
            stale = path.stat().st_mtime < oldest
        except FileNotFoundError:  # another request imported or replaced it meanwhile
            continue
        if stale:
            path.unlink(missing_ok=True)


def discard_upload(token: str | None) -> None:
    """Delete a stored upload; nothing happens for an unknown or malformed token."""
    if token and UPLOAD_TOKEN.fullmatch(token):
        (upload_folder() / token).unlink(missing_ok=True)


def upload_path(token: str | None) -> Path:
    """The stored file a token names; NotFound when it is malformed or gone."""
    if token and UPLOAD_TOKEN.fullmatch(token):
        path = upload_folder() / token
        if path.is_file():
            return path
    raise NotFound("the uploaded file is no longer on the server; choose it again")
