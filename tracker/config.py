"""Settings read from the environment when asked for; nothing is read at import time."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///tracker.db"


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


def seed_dir() -> Path:
    """Where the seed events live.

    $TRACKER_SEED_DIR, else `seed_data/` beside the package."""
    configured = os.environ.get("TRACKER_SEED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "seed_data"
