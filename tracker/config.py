"""Settings read from the environment when asked for; nothing is read at import time."""

from __future__ import annotations

import os
from pathlib import Path

from tracker.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///tracker.db"
# How long one statement of the dashboard may run: a page's (its callbacks should
# answer in a second or two), or a download's or an import's, whose batches read or
# write more. The command line has no limit: a person waits for it and can press
# Ctrl-C.
DASHBOARD_STATEMENT_TIMEOUT_S = 30.0
BULK_STATEMENT_TIMEOUT_S = 300.0


def database_url(explicit: str | None = None) -> str:
    """The database URL to use.

    The explicit value, else $DATABASE_URL, else tracker.db in the working folder."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` and `postgres://` URLs at psycopg 3.

    psycopg 3 is the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def statement_timeout(variable: str, default: float) -> float | None:
    """Seconds one statement may run, from the environment variable `variable` (a
    number; 0 means no limit), else `default`."""
    configured = os.environ.get(variable, "").strip()
    if not configured:
        return default
    try:
        seconds = float(configured)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigurationError(
            f"${variable} must be a number of seconds, 0 for no limit "
            f"(got {configured!r})"
        )
    return seconds or None


def dashboard_statement_timeout() -> float | None:
    """How long a statement of the dashboard's pages may run:
    $TRACKER_STATEMENT_TIMEOUT seconds, else 30."""
    return statement_timeout("TRACKER_STATEMENT_TIMEOUT", DASHBOARD_STATEMENT_TIMEOUT_S)


def bulk_statement_timeout() -> float | None:
    """How long one statement of a dashboard download or import may run:
    $TRACKER_BULK_STATEMENT_TIMEOUT seconds, else 300."""
    return statement_timeout("TRACKER_BULK_STATEMENT_TIMEOUT", BULK_STATEMENT_TIMEOUT_S)


def seed_dir() -> Path:
    """Where the seed events live.

    $TRACKER_SEED_DIR, else `seed_data/` beside the package."""
    configured = os.environ.get("TRACKER_SEED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "seed_data"
