"""tracker: a conflict event-tracking timeline database.

Typed, dated, located and sourced events (PLOVER types with ACLED and CAMEO
crosswalks), stored through SQLModel in SQLite or PostgreSQL. The Dash dashboard lives
in `dashboard/` and calls this package; this package never imports the dashboard, Dash
or Plotly.
"""

__version__ = "0.1.0"

__all__ = ["open"]


def open(target, *, token=None):  # noqa: A001 - `tracker.open`, as `io.open`
    """Open a tracker database for reading from Python: a SQLite file's path or a
    database URL; see `tracker.notebook.open_tracker`.

    Imported on call, so `import tracker` (and the `tracker` command) stay fast."""
    from tracker.notebook import open_tracker

    return open_tracker(target, token=token)
